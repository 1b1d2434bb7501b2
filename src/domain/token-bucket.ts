/**
 * Per-key request rate limits (MODELKEEP_RATE_LIMIT): a token bucket per key, `perSecond` tokens
 * refilled continuously up to `burst`. Pure: the caller passes the time.
 */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** "20" (20/s, burst 20) or "20/50" (20/s, burst 50). Throws a message naming the format. */
export function parseRateLimit(raw: string): RateLimit {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(\d+)\s*)?$/.exec(raw);
  const perSecond = m ? Number(m[1]) : NaN;
  const burst = m?.[2] !== undefined ? Number(m[2]) : Math.max(1, Math.ceil(perSecond));
  if (!m || !(perSecond > 0) || !(burst >= 1))
    throw new Error(`expected requests per second with an optional burst, e.g. "20" or "20/50" (got ${JSON.stringify(raw)})`);
  return { perSecond, burst };
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  /** `maxKeys` bounds the memory: the key unseen longest is forgotten first (it starts full again). */
  constructor(
    readonly limit: RateLimit,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes one token of `key` at `nowMs`: 0 when the request may go ahead, else the seconds until it may (rounded up, ≥ 1). */
  take(key: string, nowMs: number): number {
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: nowMs };
    b.tokens = Math.min(this.limit.burst, b.tokens + (Math.max(0, nowMs - b.at) / 1000) * this.limit.perSecond);
    b.at = nowMs;
    // Re-inserted so the Map's order is least recently seen first.
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.limit.perSecond));
  }
}
