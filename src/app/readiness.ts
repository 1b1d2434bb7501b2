import type { Readiness } from '../ports/readiness.js';
import type { Store } from '../ports/store.js';

/** A database that has not answered by then is reported as not answering (a cut network hangs, it does not fail). */
const PROBE_TIMEOUT_MS = 2000;

/**
 * The one readiness rule of a serving process, shared by /readyz and the gRPC health service:
 * both servers listen and are not shutting down, the database answers now with this build's schema,
 * and — where other processes write (PostgreSQL) — the change listener hears them, since without it
 * cached answers are not served and every read goes to the database.
 */
export class ReadinessProbe {
  #phase: 'starting' | 'serving' | 'stopping' = 'starting';

  constructor(
    private readonly store: Store,
    private readonly timeoutMs = PROBE_TIMEOUT_MS,
  ) {}

  serving(): void {
    this.#phase = 'serving';
  }

  stopping(): void {
    this.#phase = 'stopping';
  }

  async check(): Promise<Readiness> {
    if (this.#phase === 'starting') return { ready: false, reason: 'starting: the servers are not listening yet' };
    if (this.#phase === 'stopping') return { ready: false, reason: 'shutting down: finishing the requests in flight' };
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the database did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      timer.unref();
    });
    try {
      await Promise.race([this.store.probe(), late]);
    } catch (e) {
      return { ready: false, reason: (e as Error).message };
    } finally {
      clearTimeout(timer);
    }
    // token() is undefined only while changes by other processes cannot be heard (PostgreSQL listener down).
    if (this.store.changes.token() === undefined)
      return { ready: false, reason: 'the PostgreSQL change listener is not connected (reconnecting): changes made by other processes cannot be heard yet' };
    return { ready: true };
  }
}
