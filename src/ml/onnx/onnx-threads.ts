// Uploaded ONNX models on worker threads (issue 16 and issue 17's pool, decision 0039): onnxruntime-node
// runs a session on the thread that calls it (measured here: a 70 ms run holds the event loop 80 ms),
// so with MODELKEEP_INFERENCE_THREADS ≥ 1 every session runs on one of these threads instead. The
// model's bytes are copied once into a SharedArrayBuffer, which each task hands to the threads without
// a copy; a thread opens the session on its first task for that version and keeps it.
import type { Piscina } from 'piscina';
import { RetryLater } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import { onFirstUse } from '../../runtime/on-first-use.js';
import type { OnnxModel } from './onnx-model.js';
import type { OnnxResult, OnnxTask } from './onnx-worker.js';
import { type OnnxPackageConfig, PackageConfigError } from './package-config.js';

/** piscina, required by the first uploaded model's task, not at start-up. */
const piscina = onFirstUse<typeof import('piscina')>('piscina');

function workerFile(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './onnx-worker.ts' : './onnx-worker.js', import.meta.url);
}

/** Batches (tasks) one thread may have waiting before new calls are refused with 10030. */
export const QUEUED_TASKS_PER_THREAD = 64;

export class OnnxThreads {
  private pool: Piscina<OnnxTask, OnnxResult> | undefined;
  private waiting = 0;
  private closed = false;
  readonly maxQueued: number;

  constructor(
    readonly threads: number,
    /** MODELKEEP_MODEL_CACHE_MB in bytes: each thread keeps its sessions within it. */
    private readonly cacheBytes: number,
  ) {
    this.maxQueued = threads * QUEUED_TASKS_PER_THREAD;
  }

  /** Opens the version's session on a thread (the load check: graph, names, probe) and returns a runner. */
  async open(key: string, model: Uint8Array, config: OnnxPackageConfig): Promise<OnnxModel> {
    const shared = new Uint8Array(new SharedArrayBuffer(model.byteLength));
    shared.set(model);
    await this.task({ key, model: shared, config });
    return { config, run: async (rows) => this.task({ key, model: shared, config, rows }) };
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  private async task(t: OnnxTask): Promise<Float32Array[]> {
    if (this.closed) throw new RetryLater(Code.TRY_AGAIN, 'The server is stopping; retry in a moment.', 1);
    if (this.waiting >= this.maxQueued) {
      throw new RetryLater(
        Code.TRY_AGAIN,
        `The uploaded models' ${this.threads} inference threads have ${this.waiting} calls waiting (at most ${QUEUED_TASKS_PER_THREAD} per thread; MODELKEEP_INFERENCE_THREADS sets the threads). Retry in a moment.`,
        1,
      );
    }
    this.waiting++;
    try {
      this.pool ??= new (piscina().Piscina)<OnnxTask, OnnxResult>({
        filename: workerFile().href,
        minThreads: this.threads,
        maxThreads: this.threads,
        idleTimeout: Number.POSITIVE_INFINITY,
        atomics: 'disabled',
        workerData: { cacheBytes: this.cacheBytes },
      });
      const r = await this.pool.run(t);
      if (r.ok) return r.rows;
      throw r.config ? new PackageConfigError(r.message) : new Error(r.message);
    } finally {
      this.waiting--;
    }
  }
}
