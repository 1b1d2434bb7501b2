import { Code } from '../../domain/status-codes.js';
import type { BudgetHold, ByteBudget } from '../../net/byte-budget.js';
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

/**
 * `field` names the URL in messages: data.image.url (the default) or data.text.url. `hold` keeps the
 * bytes' share of the download budget until the caller releases it (without one it is given back on
 * return); with a hold that has bytes, a download the budget cannot serve now throws FetchDeferred.
 */
export type UrlFetcher = (url: string, field?: string, hold?: BudgetHold) => Promise<Uint8Array>;

export const DEFAULT_FETCH_LIMITS = { timeoutMs: 10_000, maxBytes: 20 * 1024 * 1024 };

/**
 * Downloads `data.image.url` for prediction with the same fetcher input processing uses (time
 * limit, size cap, address policy, the process's download budget, actionable messages). Only http(s).
 */
export function httpFetcher(client: GuardedFetch, budget?: ByteBudget, limits: Omit<FetchOptions, 'client' | 'budget'> = DEFAULT_FETCH_LIMITS): UrlFetcher {
  const opts: FetchOptions = { ...limits, client, ...(budget ? { budget } : {}) };
  return async (url, field = 'data.image.url', hold) => {
    let scheme: string;
    try {
      scheme = new URL(url).protocol;
    } catch {
      throw new InputFetchError(Code.INPUT_INVALID_URL, `${field} '${url}' is not a valid URL`);
    }
    if (scheme !== 'http:' && scheme !== 'https:') throw new InputFetchError(Code.INPUT_INVALID_URL, `${field} must be an http or https URL, not ${scheme}`);
    try {
      return await fetchBytes(url, field, opts, hold);
    } catch (e) {
      if (e instanceof FetchError) throw new InputFetchError(Code.INPUT_FAILED, e.message);
      throw e;
    }
  };
}
