// The built-in image embedder on a worker-thread pool (issue 17, docs/decisions/0039): the ~70 ms
// forward pass per image runs on MODELKEEP_INFERENCE_THREADS threads (piscina), never on the API's
// event loop. Decoding stays on this thread: sharp already runs it on libuv's pool, and a bad image
// then fails with the same ImageDecodeError, index and message as in-process. Each decoded image is
// one task, so a batch's images spread over the threads.
import type { Piscina } from 'piscina';
import { RetryLater } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import { mapLimit } from '../../runtime/map-limit.js';
import { onFirstUse } from '../../runtime/on-first-use.js';
import type { Embedder, EmbedInput } from './embedder.js';
import { DECODE_CONCURRENCY, decodeForNetwork, IMAGE_DIM, IMAGE_EMBEDDER_ID } from './image-mobilenet.js';
import type { ImageTask } from './image-worker.js';

/** piscina, required when the first batch starts the threads, not at start-up. */
const piscina = onFirstUse<typeof import('piscina')>('piscina');

/** Images one thread may have waiting (decoding, queued or in its forward pass) before new batches are refused. */
export const QUEUED_IMAGES_PER_THREAD = 256;

/**
 * The worker entry file next to this module: image-worker.ts when running from src (tsx, whose
 * --import hook the threads inherit with process.execArgv), image-worker.js from the built dist/.
 */
export function imageWorkerFile(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './image-worker.ts' : './image-worker.js', import.meta.url);
}

const stopping = (): RetryLater => new RetryLater(Code.TRY_AGAIN, 'The server is stopping; send the request to another instance or retry in a moment.', 1);

export interface PooledImageEmbedderOptions {
  /** Worker threads (MODELKEEP_INFERENCE_THREADS, ≥ 1). */
  threads: number;
  /** Images waiting at most, all batches together (default threads × QUEUED_IMAGES_PER_THREAD). */
  maxQueued?: number;
}

/**
 * `general-image-embedding` with the forward passes on a thread pool. The pool starts on the first
 * image (server start-up stays fast and a server that never sees an image starts no thread), every
 * thread loads the model once and keeps it; `close` ends the threads (server shutdown).
 * A batch that would take the images waiting past `maxQueued` is refused whole, before any work,
 * with 10030 (HTTP 503, gRPC UNAVAILABLE): memory stays bounded and clients retry.
 */
export class PooledImageEmbedder implements Embedder {
  readonly id = IMAGE_EMBEDDER_ID;
  readonly kind = 'image' as const;
  readonly dim = IMAGE_DIM;
  readonly threads: number;
  readonly maxQueued: number;
  private pool: Piscina<ImageTask, Float32Array | undefined> | undefined;
  private waiting = 0;
  private closed = false;

  constructor(options: PooledImageEmbedderOptions) {
    this.threads = Math.max(1, Math.floor(options.threads));
    this.maxQueued = Math.max(1, options.maxQueued ?? this.threads * QUEUED_IMAGES_PER_THREAD);
  }

  /** Images accepted and not finished yet (for tests and metrics). */
  get queued(): number {
    return this.waiting;
  }

  async embed(batch: EmbedInput[]): Promise<Float32Array[]> {
    if (batch.length === 0) return [];
    if (this.closed) throw stopping();
    if (this.waiting + batch.length > this.maxQueued) {
      throw new RetryLater(
        Code.TRY_AGAIN,
        `The image embedder is busy: ${this.waiting} images are waiting for its ${this.threads} inference threads and this request adds ${batch.length}, over the limit of ${this.maxQueued} (${QUEUED_IMAGES_PER_THREAD} per thread; MODELKEEP_INFERENCE_THREADS sets the threads). Retry in a moment, or send smaller batches.`,
        1,
      );
    }
    this.waiting += batch.length;
    const tasks = new Array<Promise<Float32Array | undefined> | undefined>(batch.length);
    try {
      // Each image goes to the threads as soon as it is decoded (decoding and forward passes overlap).
      // After a bad image no further one is sent; those sent finish before the error is thrown.
      let failed = false;
      const decodeError = await mapLimit(batch, DECODE_CONCURRENCY, async (input, i) => {
        if (failed) return;
        const pixels = await decodeForNetwork(input, i).catch((e: unknown) => {
          failed = true;
          throw e;
        });
        if (failed) return;
        const task = this.poolOf().run({ pixels });
        task.catch(() => undefined); // settled below
        tasks[i] = task;
      }).then(
        () => undefined,
        (e: unknown) => ({ e }),
      );
      const settled = await Promise.allSettled(tasks.filter((t) => t !== undefined));
      if (decodeError) throw decodeError.e;
      const rejected = settled.find((s) => s.status === 'rejected');
      // Tasks cut off by `close` (shutdown) fail with 'Terminating worker thread': say what happened instead.
      if (rejected) throw this.closed ? stopping() : rejected.reason;
      return settled.map((s) => {
        const v = (s as PromiseFulfilledResult<Float32Array | undefined>).value;
        if (!v || v.length !== IMAGE_DIM) throw new Error(`an inference thread returned no ${IMAGE_DIM}-d vector`);
        return v;
      });
    } finally {
      this.waiting -= batch.length;
    }
  }

  /** Starts the pool now and loads the model on every thread (benchmarks; a server lets the first image do it). */
  async warm(): Promise<void> {
    const pool = this.poolOf();
    await Promise.all(Array.from({ length: this.threads }, () => pool.run({ warm: true })));
  }

  /** Ends the threads; tasks still queued are rejected. Later calls answer 10030 (the server is stopping). */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  private poolOf(): Piscina<ImageTask, Float32Array | undefined> {
    // A batch still decoding when `close` ran must not start the threads again.
    if (this.closed) throw stopping();
    this.pool ??= new (piscina().Piscina)<ImageTask, Float32Array | undefined>({
      filename: imageWorkerFile().href,
      minThreads: this.threads,
      maxThreads: this.threads,
      // Threads stay up with their model loaded; the queue bound is ours (whole batches), not piscina's.
      idleTimeout: Number.POSITIVE_INFINITY,
      // The task awaits the model load: the thread's own event loop must run between tasks.
      atomics: 'disabled',
    });
    return this.pool;
  }
}
