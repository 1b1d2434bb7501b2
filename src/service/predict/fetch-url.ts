import { Code } from '../../domain/status-codes.js';

/** An input's URL could not be used: carries the per-output status (30002 download failed, 30106 bad URL). */
export class InputFetchError extends Error {
  constructor(readonly code: number, readonly details: string) {
    super(details);
    this.name = 'InputFetchError';
  }
}

export type UrlFetcher = (url: string) => Promise<Uint8Array>;

export interface FetchOptions {
  timeoutMs: number;
  maxBytes: number;
}

export const DEFAULT_FETCH: FetchOptions = { timeoutMs: 10_000, maxBytes: 20 * 1024 * 1024 };

/**
 * Downloads `data.image.url` over http(s) with a time limit and a size cap, reading the body
 * incrementally so an oversized file is cut off without being buffered whole.
 * (The server fetches whatever URL a caller names: deploy it where that is acceptable.)
 */
export function httpFetcher(opts: FetchOptions = DEFAULT_FETCH): UrlFetcher {
  return async (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InputFetchError(Code.INPUT_INVALID_URL, `data.image.url '${url}' is not a valid URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new InputFetchError(Code.INPUT_INVALID_URL, `data.image.url must be an http or https URL; got '${parsed.protocol}'`);
    }
    let res: Response;
    try {
      res = await fetch(parsed, { signal: AbortSignal.timeout(opts.timeoutMs), redirect: 'follow' });
    } catch (e) {
      const why = e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs / 1000} s` : (e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e));
      throw new InputFetchError(Code.INPUT_FAILED, `could not download ${url}: ${why}`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new InputFetchError(Code.INPUT_FAILED, `could not download ${url}: HTTP ${res.status} ${res.statusText}`.trim());
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body ?? []) {
        size += chunk.length;
        if (size > opts.maxBytes) {
          await res.body?.cancel().catch(() => undefined);
          throw new InputFetchError(Code.INPUT_FAILED, `${url} is larger than ${opts.maxBytes} bytes`);
        }
        chunks.push(chunk);
      }
    } catch (e) {
      if (e instanceof InputFetchError) throw e;
      throw new InputFetchError(Code.INPUT_FAILED, `could not download ${url}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return Buffer.concat(chunks);
  };
}
