// Entry file of one ONNX inference thread (onnx-threads.ts). onnxruntime-node runs a session on the
// calling thread, so a large uploaded model would hold the API's event loop: here it holds only this
// thread. Each thread keeps the sessions it has opened, least recently used out first past its share
// of MODELKEEP_MODEL_CACHE_MB; the model's bytes come with every task as a view on one
// SharedArrayBuffer (not copied per task), so any thread can open any version when it first sees it.
import { workerData } from 'piscina';
import { ModelCache } from './model-cache.js';
import { loadOnnxModel, type ModelRow, type OnnxModel } from './onnx-model.js';
import type { OnnxPackageConfig } from './package-config.js';

export interface OnnxTask {
  key: string;
  model: Uint8Array;
  config: OnnxPackageConfig;
  /** Absent: open (and probe) the session only. */
  rows?: ModelRow[];
}

/** Errors cross the thread as data: the class of a PackageConfigError would not survive the trip. */
export type OnnxResult = { ok: true; rows: Float32Array[] } | { ok: false; config: boolean; message: string };

const sessions = new ModelCache<OnnxModel>(Number((workerData as { cacheBytes?: number } | undefined)?.cacheBytes ?? 512 * 1024 * 1024));

/** onnxruntime reads a model only from an ArrayBuffer, not a SharedArrayBuffer: one copy per session this thread opens. */
const ownCopy = (shared: Uint8Array): Uint8Array => new Uint8Array(shared);

export default async function run(task: OnnxTask): Promise<OnnxResult> {
  try {
    const m = await sessions.get(task.key, async () => ({ value: await loadOnnxModel(ownCopy(task.model), task.config), bytes: task.model.byteLength }));
    if (!task.rows) return { ok: true, rows: [] };
    const rows = await m.run(task.rows);
    // Copied back (structured clone): a call's scores are small next to the model.
    return { ok: true, rows };
  } catch (e) {
    const err = e as Error;
    return { ok: false, config: err.name === 'PackageConfigError' || err.constructor?.name === 'PackageConfigError', message: err.message };
  }
}
