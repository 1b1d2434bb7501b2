// What the three inference pools share (the image embedder, the text embedder for big batches, the
// uploaded ONNX models; decision 0039): piscina threads started by the first task, not at start-up;
// a bound on the work waiting for them, so a full pool answers 10030 at once instead of growing
// memory; and the 10030 a stopping server answers, also for tasks cut off by close().
import type { Piscina } from 'piscina';
import { RetryLater } from '../domain/errors.js';
import { Code } from '../domain/status-codes.js';
import { onFirstUse } from '../runtime/on-first-use.js';

/** piscina, required when the first task starts the threads. */
const piscina = onFirstUse<typeof import('piscina')>('piscina');

export const stopping = (): RetryLater =>
  new RetryLater(Code.TRY_AGAIN, 'The server is stopping; send the request to another instance or retry in a moment.', 1);

export interface InferencePoolOptions {
  /** The worker entry file. */
  file: URL;
  /** Worker threads (MODELKEEP_INFERENCE_THREADS, ≥ 1). */
  threads: number;
  /** Work waiting at most, in the caller's unit (images, characters, calls). */
  maxWaiting: number;
  workerData?: unknown;
  /** Off for workers whose tasks await (a model load): their own event loop must run between tasks. */
  atomics?: 'disabled';
}

export class InferencePool<Task, Result> {
  #pool: Piscina<Task, Result> | undefined;
  #waiting = 0;
  #closed = false;

  constructor(private readonly opts: InferencePoolOptions) {}

  /** Work accepted and not finished yet (tests and metrics). */
  get waiting(): number {
    return this.#waiting;
  }

  /**
   * Runs `work` holding `amount` of the bound, or refuses before any work with 10030: `busy(waiting)`
   * says why. Inside `work`, `run` hands one task to the threads. A failure after close() (tasks cut
   * off by it fail with 'Terminating worker thread') is answered as the stopping server's 10030.
   */
  async admit<T>(amount: number, busy: (waiting: number) => string, work: (run: (task: Task) => Promise<Result>) => Promise<T>): Promise<T> {
    if (this.#closed) throw stopping();
    if (this.#waiting + amount > this.opts.maxWaiting) throw new RetryLater(Code.TRY_AGAIN, busy(this.#waiting), 1);
    this.#waiting += amount;
    try {
      return await work((task) => this.#poolOf().run(task));
    } catch (e) {
      throw this.#closed ? stopping() : e;
    } finally {
      this.#waiting -= amount;
    }
  }

  /** Ends the threads; tasks still queued are rejected, and later calls answer 10030. */
  async close(): Promise<void> {
    this.#closed = true;
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.destroy();
  }

  #poolOf(): Piscina<Task, Result> {
    // Work still running when close() ran must not start the threads again.
    if (this.#closed) throw stopping();
    const { file, threads, workerData, atomics } = this.opts;
    this.#pool ??= new (piscina().Piscina)<Task, Result>({
      filename: file.href,
      minThreads: threads,
      maxThreads: threads,
      // Threads stay up with their model loaded; the bound is ours (whole batches), not piscina's queue.
      idleTimeout: Number.POSITIVE_INFINITY,
      ...(atomics ? { atomics } : {}),
      ...(workerData === undefined ? {} : { workerData }),
    });
    return this.#pool;
  }
}
