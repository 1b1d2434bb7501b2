import { FetchRefused, type GuardedFetch } from './guarded-fetch.js';

/** The URL could not be used; the message says why in terms the user can act on. */
export class FetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchError';
  }
}

export interface FetchOptions {
  timeoutMs: number;
  maxBytes: number;
  /** Carries the address policy (fetch-policy.ts). */
  client: GuardedFetch;
}

const refusalIn = (err: unknown): FetchRefused | undefined => {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof FetchRefused ? cause : undefined;
};

const causeOf = (err: unknown): string => {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
};

/**
 * GETs an http(s) URL into memory with a time limit and a size limit (checked on the declared
 * Content-Length and again while streaming, since a server may send more than it declares).
 * Every failure is a FetchError naming the field, the URL and what to do.
 */
export async function fetchBytes(url: string, field: string, opts: FetchOptions): Promise<Uint8Array> {
  const seconds = Math.round(opts.timeoutMs / 100) / 10;
  // The same messages for image and text URLs; only what to send instead differs.
  const isText = field.startsWith('data.text');
  const what = isText ? 'the text' : 'the image';
  const instead = isText ? 'send the text in data.text.raw' : 'send the bytes in data.image.base64';
  const tooBig = (): FetchError =>
    new FetchError(`${field} ${url} is larger than the ${opts.maxBytes}-byte limit; send a smaller ${isText ? 'text' : 'image'}.`);
  let res: Awaited<ReturnType<GuardedFetch['fetch']>>;
  try {
    res = await opts.client.fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs), redirect: 'follow' });
  } catch (err) {
    const refused = refusalIn(err);
    if (refused) throw new FetchError(`${field} ${url} was not fetched: ${refused.reason}.`);
    if ((err as Error).name === 'TimeoutError')
      throw new FetchError(`${field} ${url} did not answer within ${seconds} s; check that the server is up, or ${instead}.`);
    throw new FetchError(`${field} ${url} could not be fetched (${causeOf(err)}); check the URL is reachable from the modelkeep server, or ${instead}.`);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new FetchError(`${field} ${url} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}; it must answer 200 with ${what}.`);
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > opts.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooBig();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength;
      if (size > opts.maxBytes) throw tooBig();
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof FetchError) throw err;
    if ((err as Error).name === 'TimeoutError')
      throw new FetchError(`${field} ${url} did not finish sending within ${seconds} s; send a smaller ${isText ? 'text' : 'image'}, or ${instead}.`);
    throw new FetchError(`${field} ${url} broke off while sending (${causeOf(err)}); try again or ${instead}.`);
  }
  if (size === 0) throw new FetchError(`${field} ${url} answered with an empty body; it must answer with ${what}.`);
  return Buffer.concat(chunks, size);
}
