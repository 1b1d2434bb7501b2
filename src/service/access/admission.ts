import { RetryLater } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import { type RateLimit, TokenBuckets } from '../../domain/token-bucket.js';
import type { Caller } from '../core/context.js';

export interface AdmissionOptions {
  /** MODELKEEP_RATE_LIMIT: per-key requests per second and burst; undefined = no limit. */
  rateLimit: RateLimit | undefined;
  /** MODELKEEP_MAX_IN_FLIGHT: calls this process works on at once before it sheds new ones. */
  maxInFlight: number;
  /** Event-loop and memory pressure (MODELKEEP_SHED_LOOP_DELAY_MS / _RSS_MB): why to shed now, if at all. */
  pressure?: { reason(): string | undefined };
}

/**
 * Who gets in (issue 18 item 8): a per-key rate limit answering 11005 (HTTP 429) with a wait, and
 * load shedding — past `maxInFlight` unfinished calls a new one answers 10030 (HTTP 503, gRPC
 * UNAVAILABLE, which clients retry) at once instead of joining an unbounded queue; the same answer
 * while the event loop is stalled or memory is over its limit (LoadPressure).
 */
export class Admission {
  private inFlight = 0;
  private readonly buckets: TokenBuckets | undefined;

  constructor(private readonly opts: AdmissionOptions) {
    this.buckets = opts.rateLimit ? new TokenBuckets(opts.rateLimit) : undefined;
  }

  /** Throws RetryLater when the process is full. Cheap: one comparison. */
  checkLoad(): void {
    if (this.inFlight >= this.opts.maxInFlight) {
      throw new RetryLater(
        Code.TRY_AGAIN,
        `The server is busy (${this.inFlight} calls in progress, MODELKEEP_MAX_IN_FLIGHT is ${this.opts.maxInFlight}); retry in a moment.`,
        1,
      );
    }
    const pressed = this.opts.pressure?.reason();
    if (pressed) throw new RetryLater(Code.TRY_AGAIN, `The server is overloaded: ${pressed}; retry in a moment.`, 1);
  }

  /** Throws RetryLater (11005) when the caller's key is over its rate. */
  checkRate(caller: Caller | undefined, nowMs: number): void {
    if (!this.buckets || !caller) return;
    const wait = this.buckets.take(caller.keyId, nowMs);
    if (wait > 0) {
      const { perSecond, burst } = this.buckets.limit;
      throw new RetryLater(
        Code.CONN_THROTTLED,
        `This key is over its rate limit of ${perSecond} requests per second (bursts of ${burst}, MODELKEEP_RATE_LIMIT); retry after ${wait} s.`,
        wait,
      );
    }
  }

  /** Counts a call that did not finish synchronously until `done` settles. */
  track<T>(done: Promise<T>): Promise<T> {
    this.inFlight++;
    return done.finally(() => {
      this.inFlight--;
    });
  }
}
