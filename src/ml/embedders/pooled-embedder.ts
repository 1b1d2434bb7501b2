// The built-in image embedder on a worker-thread pool (issue 17, docs/decisions/0039): the ~70 ms
// forward pass per image runs on MODELKEEP_INFERENCE_THREADS threads (piscina), never on the API's
// event loop. Decoding stays on this thread: sharp already runs it on libuv's pool, and a bad image
// then fails with the same ImageDecodeError, index and message as in-process. Each decoded image is
// one task, so a batch's images spread over the threads.
import { mapLimit } from '../../runtime/map-limit.js';
import { InferencePool } from '../inference-pool.js';
import type { Embedder, EmbedInput } from './embedder.js';
import { DECODE_CONCURRENCY, decodeForNetwork, IMAGE_DIM, IMAGE_EMBEDDER_ID } from './image-mobilenet.js';
import type { ImageTask } from './image-worker.js';

/** Images one thread may have waiting (decoding, queued or in its forward pass) before new batches are refused. */
export const QUEUED_IMAGES_PER_THREAD = 256;

/**
 * The worker entry file next to this module: image-worker.ts when running from src (tsx, whose
 * --import hook the threads inherit with process.execArgv), image-worker.js from the built dist/.
 */
export function imageWorkerFile(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './image-worker.ts' : './image-worker.js', import.meta.url);
}

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
  private readonly pool: InferencePool<ImageTask, Float32Array | undefined>;

  constructor(options: PooledImageEmbedderOptions) {
    this.threads = Math.max(1, Math.floor(options.threads));
    this.maxQueued = Math.max(1, options.maxQueued ?? this.threads * QUEUED_IMAGES_PER_THREAD);
    // The task awaits the model load: the thread's own event loop must run between tasks.
    this.pool = new InferencePool({ file: imageWorkerFile(), threads: this.threads, maxWaiting: this.maxQueued, atomics: 'disabled' });
  }

  /** Images accepted and not finished yet (for tests and metrics). */
  get queued(): number {
    return this.pool.waiting;
  }

  async embed(batch: EmbedInput[]): Promise<Float32Array[]> {
    if (batch.length === 0) return [];
    const busy = (waiting: number) =>
      `The image embedder is busy: ${waiting} images are waiting for its ${this.threads} inference threads and this request adds ${batch.length}, over the limit of ${this.maxQueued} (${QUEUED_IMAGES_PER_THREAD} per thread; MODELKEEP_INFERENCE_THREADS sets the threads). Retry in a moment, or send smaller batches.`;
    return this.pool.admit(batch.length, busy, async (run) => {
      const tasks = new Array<Promise<Float32Array | undefined> | undefined>(batch.length);
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
        const task = run({ pixels });
        task.catch(() => undefined); // settled below
        tasks[i] = task;
      }).then(
        () => undefined,
        (e: unknown) => ({ e }),
      );
      const settled = await Promise.allSettled(tasks.filter((t) => t !== undefined));
      if (decodeError) throw decodeError.e;
      const rejected = settled.find((s) => s.status === 'rejected');
      if (rejected) throw rejected.reason;
      return settled.map((s) => {
        const v = (s as PromiseFulfilledResult<Float32Array | undefined>).value;
        if (!v || v.length !== IMAGE_DIM) throw new Error(`an inference thread returned no ${IMAGE_DIM}-d vector`);
        return v;
      });
    });
  }

  /** Starts the pool now and loads the model on every thread (benchmarks; a server lets the first image do it). */
  async warm(): Promise<void> {
    // Takes none of the bound (no image waits), so it is never refused as busy.
    await this.pool.admit(0, String, (run) => Promise.all(Array.from({ length: this.threads }, () => run({ warm: true }))));
  }

  /** Ends the threads; tasks still queued are rejected. Later calls answer 10030 (the server is stopping). */
  close(): Promise<void> {
    return this.pool.close();
  }
}
