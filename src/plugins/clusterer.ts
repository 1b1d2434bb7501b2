import { randomInt } from 'node:crypto';
import { ApiError } from '../domain/errors.js';
import { isJsonObject } from '../domain/json.js';
import { Outcome, Stopped } from '../domain/outcome.js';
import { Code } from '../domain/status-codes.js';
import { createRng } from '../ml/classifier/rng.js';
import type { Embedder } from '../ml/embedders/embedder.js';
import type { ArtifactStore } from '../ports/artifacts.js';
import type { ModelPlugin } from '../ports/plugins.js';
import type { TrainingDataSource } from '../ports/training-data.js';
import { baseEmbedder, baseEmbedderOrThrow, embedEach } from './embedding.js';

export interface Centroids {
  k: number;
  d: number;
  /** k × d, row-major, unit length (spherical k-means on unit embeddings). */
  c: Float32Array;
}

const MAGIC = 0x4d4b4b4d; // "MKKM"

export function serializeCentroids(m: Centroids): Uint8Array {
  const out = new Uint8Array(12 + 4 * m.c.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC, true);
  v.setUint32(4, m.k, true);
  v.setUint32(8, m.d, true);
  m.c.forEach((x, i) => v.setFloat32(12 + 4 * i, x, true));
  return out;
}

export function deserializeCentroids(bytes: Uint8Array): Centroids {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || v.getUint32(0, true) !== MAGIC) throw new Error('not a modelkeep clusterer artifact');
  const k = v.getUint32(4, true),
    d = v.getUint32(8, true);
  const c = new Float32Array(k * d);
  for (let i = 0; i < c.length; i++) c[i] = v.getFloat32(12 + 4 * i, true);
  return { k, d, c };
}

const sim = (c: Float32Array, j: number, d: number, x: Float32Array): number => {
  let s = 0;
  for (let t = 0; t < d; t++) s += c[j * d + t]! * x[t]!;
  return s;
};

export function nearest(m: Centroids, x: Float32Array): { index: number; similarity: number } {
  let best = 0,
    bestSim = -Infinity;
  for (let j = 0; j < m.k; j++) {
    const s = sim(m.c, j, m.d, x);
    if (s > bestSim) [best, bestSim] = [j, s];
  }
  return { index: best, similarity: bestSim };
}

/**
 * Spherical k-means (cosine similarity) with k-means++ seeding from a seeded RNG, so a seed
 * reproduces the clusters. Points are processed in the order given (callers sort them).
 */
export async function kmeans(points: Float32Array[], k: number, iterations: number, seed: number, step: (i: number) => void): Promise<Centroids> {
  const d = points[0]!.length;
  const rng = createRng(seed);
  const c = new Float32Array(k * d);
  c.set(points[rng.int(points.length)]!, 0);
  const dist = points.map((p) => 1 - sim(c, 0, d, p));
  for (let j = 1; j < k; j++) {
    const total = dist.reduce((s, x) => s + Math.max(x, 0), 0);
    let r = rng.next() * total,
      pick = 0;
    while (pick < points.length - 1 && (r -= Math.max(dist[pick]!, 0)) > 0) pick++;
    c.set(points[pick]!, j * d);
    points.forEach((p, i) => (dist[i] = Math.min(dist[i]!, 1 - sim(c, j, d, p))));
  }
  const model = { k, d, c };
  for (let it = 0; it < iterations; it++) {
    step(it);
    const sums = new Float64Array(k * d);
    let moved = false;
    const assign = points.map((p) => nearest(model, p).index);
    points.forEach((p, i) => {
      const o = assign[i]! * d;
      for (let t = 0; t < d; t++) sums[o + t] = sums[o + t]! + p[t]!;
    });
    for (let j = 0; j < k; j++) {
      let norm = 0;
      for (let t = 0; t < d; t++) norm += sums[j * d + t]! ** 2;
      if (norm === 0) continue; // an empty cluster keeps its centre
      const inv = 1 / Math.sqrt(norm);
      for (let t = 0; t < d; t++) {
        const nv = sums[j * d + t]! * inv;
        if (Math.abs(nv - c[j * d + t]!) > 1e-6) moved = true;
        c[j * d + t] = nv;
      }
    }
    if (!moved) break;
    await new Promise((r) => setImmediate(r));
  }
  return model;
}

/** clusterer: k-means over the embeddings of the app's (or a dataset's) processed inputs; predicts `data.clusters`. */
export function clustererPlugin(deps: { embedders: ReadonlyMap<string, Embedder>; artifacts: ArtifactStore; trainingData: TrainingDataSource }): ModelPlugin {
  return {
    typeId: 'clusterer',
    inputKind: (v) => baseEmbedderOrThrow(v, deps.embedders).kind,
    embedderId: (v) => baseEmbedderOrThrow(v, deps.embedders).id,
    async train(call) {
      const { version } = call;
      const embedder = baseEmbedder(version, deps.embedders);
      if (typeof embedder === 'string') throw new Outcome(Code.MODEL_TRAINING_INVALID_PARAMS, embedder);
      const p = isJsonObject(version.trainInfo.params) ? version.trainInfo.params : {};
      const k = typeof p.num_clusters === 'number' ? p.num_clusters : 10;
      const iterations = typeof p.max_iterations === 'number' ? p.max_iterations : 100;
      const seed = typeof p.seed === 'number' && p.seed >= 0 ? p.seed : randomInt(1, 2 ** 31);
      const datasetId = String(p.dataset_id ?? ''),
        datasetVersionId = String(p.dataset_version_id ?? '');
      let sel;
      try {
        sel = await deps.trainingData.collect({
          userId: version.userId,
          appId: version.appId,
          embedderId: embedder.id,
          conceptIds: [],
          ...(datasetId ? { datasetId } : {}),
          ...(datasetVersionId ? { datasetVersionId } : {}),
        });
      } catch (e) {
        if (e instanceof ApiError) throw new Outcome(Code.MODEL_TRAINING_INVALID_PARAMS, e.details);
        throw e;
      }
      const used = sel.examples.filter((e) => e.vector.length === embedder.dim).sort((a, b) => (a.inputId < b.inputId ? -1 : 1));
      const points = used.map((e) => e.vector);
      call.log(`data: ${points.length} processed inputs with ${embedder.id} embeddings${sel.pending ? `; ${sel.pending} still processing (not used)` : ''}`);
      if (points.length === 0)
        throw new Outcome(
          Code.MODEL_TRAINING_NO_DATA,
          `no processed input has a ${embedder.id} embedding; add inputs (PostInputs), wait until they are processed, then create a new version.`,
        );
      if (points.length < k)
        throw new Outcome(
          Code.MODEL_TRAINING_INSUFFICIENT_DATA,
          `${points.length} inputs cannot form ${k} clusters; add inputs or lower train_info.params.num_clusters.`,
        );
      call.log(`k-means: num_clusters=${k} max_iterations=${iterations} seed=${seed}`);
      const model = await kmeans(points, k, iterations, seed, (i) => {
        if (call.shouldStop()) throw new Stopped();
        if (call.timeLeftMs() <= 0)
          throw new Outcome(
            Code.MODEL_TRAINING_TIMED_OUT,
            'clustering did not finish within the time limit (output_config.training_timeout); lower max_iterations or raise the timeout.',
          );
        call.progress(i / iterations);
      });
      return { artifact: serializeCentroids(model), totalInputCount: points.length, inputIds: used.map((e) => e.inputId) };
    },
    async predict(call) {
      const embedder = baseEmbedderOrThrow(call.version, deps.embedders);
      const bytes = await deps.artifacts.get(call.version.pk);
      if (!bytes) throw new Error(`clusterer version ${call.version.pk} is TRAINED but has no stored artifact`);
      const model = deserializeCentroids(bytes);
      const vectors = await embedEach(embedder, call.inputs);
      return vectors.map((v) => {
        if (!(v instanceof Float32Array)) return v;
        const n = nearest(model, v);
        return { ok: true, data: { clusters: [{ id: String(n.index), score: n.similarity }] } };
      });
    },
  };
}
