import type { BudgetHold, ByteBudget } from './byte-budget.js';
import { FetchRefused, type GuardedFetch } from './guarded-fetch.js';

/** The URL could not be used; the message says why in terms the user can act on. */
export class FetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchError';
  }
}

/**
 * No download budget came free within the fetch's time limit (MODELKEEP_FETCH_BUDGET_MB): the server's
 * fault, not the URL's, so input processing retries it rather than failing the input for good.
 */
export class FetchBudgetExhausted extends FetchError {
  constructor(message: string) {
    super(message);
    this.name = 'FetchBudgetExhausted';
  }
}

/**
 * The budget is taken and the caller's hold already has bytes, so this download may not wait
 * (byte-budget.ts, the deadlock rule): nothing of it is kept; fetch it again once the hold is given back.
 */
export class FetchDeferred extends Error {
  constructor(readonly url: string) {
    super(`${url}: deferred until the download budget is given back`);
    this.name = 'FetchDeferred';
  }
}

export interface FetchOptions {
  timeoutMs: number;
  maxBytes: number;
  /** Carries the address policy (fetch-policy.ts). */
  client: GuardedFetch;
  /** The process's download budget (MODELKEEP_FETCH_BUDGET_MB); none: unbounded. */
  budget?: ByteBudget;
}

const MIB = 1024 * 1024;
/** Bytes for a message: "3.2 MB", "300 KB", "120 bytes". */
const amount = (bytes: number): string =>
  bytes >= MIB ? `${Math.round((bytes / MIB) * 10) / 10} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`;

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
 *
 * With a budget, the bytes are reserved before they are kept: the declared Content-Length once the
 * headers are in, else each chunk as it arrives (reading stops meanwhile, so the sender waits too).
 * Waiting for budget counts against the time limit. The bytes stay reserved in `hold` when one is given
 * (the caller releases it once the bytes are dropped); without one they are given back on return.
 * Throws FetchDeferred when `hold` already has bytes and the budget is taken (see byte-budget.ts).
 */
export async function fetchBytes(url: string, field: string, opts: FetchOptions, hold?: BudgetHold): Promise<Uint8Array> {
  const own = hold ?? opts.budget?.hold();
  const mine = { bytes: 0 };
  try {
    const bytes = await download(url, field, opts, own, mine);
    if (!hold) own?.release(mine.bytes);
    return bytes;
  } catch (err) {
    own?.release(mine.bytes);
    throw err;
  }
}

async function download(url: string, field: string, opts: FetchOptions, hold: BudgetHold | undefined, mine: { bytes: number }): Promise<Uint8Array> {
  const seconds = Math.round(opts.timeoutMs / 100) / 10;
  // The same messages for image and text URLs; only what to send instead differs.
  const isText = field.startsWith('data.text');
  const what = isText ? 'the text' : 'the image';
  const instead = isText ? 'send the text in data.text.raw' : 'send the bytes in data.image.base64';
  const tooBig = (): FetchError =>
    new FetchError(`${field} ${url} is larger than the ${opts.maxBytes}-byte limit; send a smaller ${isText ? 'text' : 'image'}.`);
  const signal = AbortSignal.timeout(opts.timeoutMs);
  /** Reserves `n` more bytes of this download, or throws why not. */
  const reserve = async (n: number): Promise<void> => {
    if (!hold) return;
    const r = await hold.reserve(n, mine.bytes, signal);
    if (r === 'ok') {
      mine.bytes += n;
      return;
    }
    if (r === 'busy') throw new FetchDeferred(url);
    const budget = `the server's download budget (MODELKEEP_FETCH_BUDGET_MB=${Number((hold.budget.capacity / MIB).toFixed(3))})`;
    if (r === 'too-big')
      throw new FetchError(`${field} ${url} is larger than ${budget}; send a smaller ${isText ? 'text' : 'image'}, or raise MODELKEEP_FETCH_BUDGET_MB.`);
    throw new FetchBudgetExhausted(
      `${field} ${url} could not get its ${amount(n)} of ${budget} within the ${seconds} s time limit: other downloads held it; try again later, or raise MODELKEEP_FETCH_BUDGET_MB.`,
    );
  };
  let res: Awaited<ReturnType<GuardedFetch['fetch']>>;
  try {
    res = await opts.client.fetch(url, { signal, redirect: 'follow' });
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
    if (Number.isSafeInteger(declared) && declared > 0) await reserve(declared);
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength;
      if (size > opts.maxBytes) throw tooBig();
      // Without a Content-Length (or past it), each chunk is reserved as it arrives.
      if (size > mine.bytes) await reserve(size - mine.bytes);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof FetchError || err instanceof FetchDeferred) {
      await res.body?.cancel().catch(() => undefined);
      throw err;
    }
    if ((err as Error).name === 'TimeoutError')
      throw new FetchError(`${field} ${url} did not finish sending within ${seconds} s; send a smaller ${isText ? 'text' : 'image'}, or ${instead}.`);
    throw new FetchError(`${field} ${url} broke off while sending (${causeOf(err)}); try again or ${instead}.`);
  }
  if (size === 0) throw new FetchError(`${field} ${url} answered with an empty body; it must answer with ${what}.`);
  return Buffer.concat(chunks, size);
}
