// Uploaded ONNX models on worker threads (issue 16 and issue 17's pool, decision 0039): onnxruntime-node
// runs a session on the thread that calls it (measured here: a 70 ms run holds the event loop 80 ms),
// so with MODELKEEP_INFERENCE_THREADS ≥ 1 every session runs on one of these threads instead. The
// model's bytes are copied once into a SharedArrayBuffer, which each task hands to the threads without
// a copy; a thread opens the session on its first task for that version and keeps it.
import { InferencePool } from '../inference-pool.js';
import type { OnnxModel } from './onnx-model.js';
import type { OnnxResult, OnnxTask } from './onnx-worker.js';
import { type OnnxPackageConfig, PackageConfigError } from './package-config.js';

function workerFile(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './onnx-worker.ts' : './onnx-worker.js', import.meta.url);
}

/** Batches (tasks) one thread may have waiting before new calls are refused with 10030. */
export const QUEUED_TASKS_PER_THREAD = 64;

export class OnnxThreads {
  readonly maxQueued: number;
  private readonly pool: InferencePool<OnnxTask, OnnxResult>;

  constructor(
    readonly threads: number,
    /** MODELKEEP_MODEL_CACHE_MB in bytes: each thread keeps its sessions within it. */
    cacheBytes: number,
  ) {
    this.maxQueued = threads * QUEUED_TASKS_PER_THREAD;
    this.pool = new InferencePool({ file: workerFile(), threads, maxWaiting: this.maxQueued, atomics: 'disabled', workerData: { cacheBytes } });
  }

  /** Opens the version's session on a thread (the load check: graph, names, probe) and returns a runner. */
  async open(key: string, model: Uint8Array, config: OnnxPackageConfig): Promise<OnnxModel> {
    const shared = new Uint8Array(new SharedArrayBuffer(model.byteLength));
    shared.set(model);
    await this.task({ key, model: shared, config });
    return { config, run: async (rows) => this.task({ key, model: shared, config, rows }) };
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private task(t: OnnxTask): Promise<Float32Array[]> {
    const busy = (waiting: number) =>
      `The uploaded models' ${this.threads} inference threads have ${waiting} calls waiting (at most ${QUEUED_TASKS_PER_THREAD} per thread; MODELKEEP_INFERENCE_THREADS sets the threads). Retry in a moment.`;
    return this.pool.admit(1, busy, async (run) => {
      const r = await run(t);
      if (r.ok) return r.rows;
      throw r.config ? new PackageConfigError(r.message) : new Error(r.message);
    });
  }
}
