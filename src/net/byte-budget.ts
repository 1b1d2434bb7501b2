/**
 * The process's budget of URL-download bytes (issue 18 item 3; docs/decisions/0038): every download of
 * predict and of input processing reserves its bytes here before it keeps them — the declared
 * Content-Length at once, or each chunk as it arrives — and gives them back when the bytes are dropped
 * (predicted, embedded, or failed). Concurrent requests together never hold more than `capacity`.
 *
 * Pure accounting: no I/O, no timers. A reservation that does not fit waits in arrival order until
 * enough is given back or its AbortSignal fires (the caller's time limit).
 *
 * Deadlock rule. Reservations are collected in holds (one predict group, one processed input) and a hold's
 * bytes are only given back once its whole unit of work is done. A hold that already has bytes therefore
 * never waits — two holds each waiting for the other's bytes would wait forever — it is told `busy`
 * instead, and the caller gives back what it has and retries later (predict: after the group's ready
 * inputs are predicted). Only bytes of the same download (`own`, a download without Content-Length
 * reserving chunk by chunk) may be held while waiting.
 */

/** What a reservation came to. */
export type Reserved =
  /** The bytes are the hold's. */
  | 'ok'
  /** Not available now, and the hold has other bytes: give them back and retry (never wait holding). */
  | 'busy'
  /** The signal fired while waiting. */
  | 'aborted'
  /** More than the whole budget: can never be had. */
  | 'too-big';

interface Waiter {
  hold: BudgetHold;
  bytes: number;
  own: number;
  done(r: Reserved): void;
}

export class ByteBudget {
  #used = 0;
  #peak = 0;
  readonly #queue: Waiter[] = [];

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new Error(`a byte budget must be > 0 (got ${capacity})`);
  }

  /** Bytes reserved now. */
  get used(): number {
    return this.#used;
  }

  /** The most bytes ever reserved at once. */
  get peak(): number {
    return this.#peak;
  }

  /** Reservations waiting for bytes. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** A new, empty hold: the reservations of one unit of work, given back together or in parts. */
  hold(): BudgetHold {
    return new BudgetHold(this);
  }

  /** @internal BudgetHold.reserve */
  reserve(hold: BudgetHold, bytes: number, own: number, signal: AbortSignal | undefined): Promise<Reserved> | Reserved {
    if (!Number.isInteger(bytes) || bytes < 0 || own < 0 || own > hold.bytes) throw new Error(`bad reservation: ${bytes} bytes, ${own} own of ${hold.bytes}`);
    if (own + bytes > this.capacity) return 'too-big';
    if (bytes === 0) return 'ok';
    // Arrival order: nobody takes bytes a waiter ahead of it is waiting for.
    if (this.#queue.length === 0 && this.#used + bytes <= this.capacity) {
      this.#take(hold, bytes);
      return 'ok';
    }
    if (hold.bytes > own) return 'busy';
    if (signal?.aborted) return 'aborted';
    return new Promise<Reserved>((resolve) => {
      const waiter: Waiter = {
        hold,
        bytes,
        own,
        done: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
      };
      const onAbort = (): void => {
        const at = this.#queue.indexOf(waiter);
        if (at < 0) return;
        this.#queue.splice(at, 1);
        waiter.done('aborted');
        this.#pump(); // the head may have been what held the others back
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  /** @internal BudgetHold.release */
  give(hold: BudgetHold, bytes: number): void {
    if (bytes <= 0) return;
    hold.bytes -= bytes;
    this.#used -= bytes;
    this.#pump();
  }

  #take(hold: BudgetHold, bytes: number): void {
    hold.bytes += bytes;
    this.#used += bytes;
    if (this.#used > this.#peak) this.#peak = this.#used;
  }

  /**
   * Grants waiters from the head while they fit; then a waiter whose hold has come to have other bytes
   * may no longer wait (the deadlock rule): it is told busy.
   */
  #pump(): void {
    for (;;) {
      const head = this.#queue[0];
      if (!head || this.#used + head.bytes > this.capacity) break;
      this.#queue.shift();
      this.#take(head.hold, head.bytes);
      head.done('ok');
    }
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      const w = this.#queue[i]!;
      if (w.hold.bytes > w.own) {
        this.#queue.splice(i, 1);
        w.done('busy');
      }
    }
  }
}

/** The bytes one unit of work holds (see ByteBudget). */
export class BudgetHold {
  /** Bytes this hold has reserved and not given back. */
  bytes = 0;
  constructor(readonly budget: ByteBudget) {}

  /**
   * Reserves `bytes` more. `own`: how many of this hold's bytes belong to the same download (they do not
   * stop it from waiting). Waits, in arrival order, only while the hold has no other bytes; aborted by `signal`.
   */
  reserve(bytes: number, own = 0, signal?: AbortSignal): Promise<Reserved> | Reserved {
    return this.budget.reserve(this, bytes, own, signal);
  }

  /** Gives back `bytes` of this hold (default: all of them). */
  release(bytes = this.bytes): void {
    this.budget.give(this, Math.min(bytes, this.bytes));
  }
}
