import { Code } from '../../domain/status-codes.js';
import { FetchError, type FetchOptions, fetchBytes } from '../../net/fetch-url.js';
import type { GuardedFetch } from '../../net/guarded-fetch.js';

/** An input's URL could not be used: carries the per-output status (30002, 30106). */
export class InputFetchError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(details);
    this.name = 'InputFetchError';
  }
}

/** `field` names the URL in messages: data.image.url (the default) or data.text.url. */
export type UrlFetcher = (url: string, field?: string) => Promise<Uint8Array>;

export const DEFAULT_FETCH_LIMITS = { timeoutMs: 10_000, maxBytes: 20 * 1024 * 1024 };

/**
 * Downloads `data.image.url` for prediction with the same fetcher input processing uses (time
 * limit, size cap, address policy, actionable messages). Only http(s).
 */
export function httpFetcher(client: GuardedFetch, limits: Omit<FetchOptions, 'client'> = DEFAULT_FETCH_LIMITS): UrlFetcher {
  const opts: FetchOptions = { ...limits, client };
  return async (url, field = 'data.image.url') => {
    let scheme: string;
    try {
      scheme = new URL(url).protocol;
    } catch {
      throw new InputFetchError(Code.INPUT_INVALID_URL, `${field} '${url}' is not a valid URL`);
    }
    if (scheme !== 'http:' && scheme !== 'https:') throw new InputFetchError(Code.INPUT_INVALID_URL, `${field} must be an http or https URL, not ${scheme}`);
    try {
      return await fetchBytes(url, field, opts);
    } catch (e) {
      if (e instanceof FetchError) throw new InputFetchError(Code.INPUT_FAILED, e.message);
      throw e;
    }
  };
}
