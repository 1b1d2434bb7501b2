// The trained artifact: types, prediction, and a compact binary form for the database.
import { batchLogits, effectiveWeights, sigmoid, softmaxInPlace } from './kernel.js';

export interface LossPoint {
  epoch: number;
  loss: number;
}

export interface LinearModel {
  k: number;
  d: number;
  /** true: one softmax over the k concepts; false: k independent sigmoids (one-vs-rest). */
  mutuallyExclusive: boolean;
  /** k × (d + 1), row-major: concept c's d weights (on standardised features), then its bias. */
  weights: Float32Array;
  /** Per-feature standardisation applied before the weights: (x − mean) / scale. */
  mean: Float32Array;
  scale: Float32Array;
  /** Per epoch: mean training loss over its mini-batches (cross-entropy) plus the L2 term at its end. */
  lossCurve: LossPoint[];
  /** Rows that contributed to training (rows with no usable label are skipped). */
  trainedOn: number;
}

/** Splits `weights` into the k × d matrix and the k biases the kernels take. */
function split(model: LinearModel): { w: Float64Array; b: Float64Array } {
  const { k, d, weights } = model;
  const w = new Float64Array(k * d);
  const b = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) w[c * d + j] = weights[c * (d + 1) + j]!;
    b[c] = weights[c * (d + 1) + d]!;
  }
  return { w, b };
}

/** The largest float32 below 1: a score rounded to float32 (the API's type) never reads 1.0. */
const ONE_BELOW = 1 - 2 ** -24;

/** Pseudo-observations of the evidence bound (ADR 0024): a hundredth of one, because a whole one
 *  (Laplace) cost the small acceptance sets more calibration than the bound is worth there. */
export const PSEUDO = 0.01;

/**
 * The bound on a probability p, as `min(cap, scale · p + offset)`: the rule of succession
 * (n · p + prior) / (n + PSEUDO) written as one affine step, so predict and an exported ONNX graph
 * (ml/onnx/head-graph.ts) apply the same numbers.
 */
export function scoreBounds(model: Pick<LinearModel, 'k' | 'mutuallyExclusive' | 'trainedOn'>): { scale: number; offset: number; cap: number } {
  const n = model.trainedOn;
  const prior = PSEUDO / (model.mutuallyExclusive ? model.k : 2);
  return { scale: n / (n + PSEUDO), offset: prior / (n + PSEUDO), cap: ONE_BELOW };
}

/**
 * Scores m rows of x (m × d): softmax probabilities (each row sums to 1) when the model is
 * mutually exclusive, else per-concept sigmoid probabilities, both bounded away from 0 and 1 by
 * the number of training rows. Returns m × k.
 */
export function predict(model: LinearModel, x: Float32Array, m: number): Float32Array {
  const { k, d } = model;
  if (x.length < m * d) throw new RangeError(`predict: x has ${x.length} values, expected ${m} × ${d}`);
  const { w, b } = split(model);
  const we = new Float64Array(k * d);
  const be = new Float64Array(k);
  effectiveWeights(w, b, model.mean, model.scale, k, d, we, be);
  // The rule of succession with PSEUDO pseudo-observations spread evenly over the outcomes (ADR 0024):
  // after n examples no outcome is more certain than (n + PSEUDO/outcomes) / (n + PSEUDO), so an
  // input unlike every training example (where a linear model's logits run off to ±∞) is never
  // scored exactly 1 or 0. Shifts a score by at most PSEUDO / (n + PSEUDO).
  const { scale, offset } = scoreBounds(model);
  const out = new Float32Array(m * k);
  const block = 256; // rows per kernel call, so scratch stays small whatever m is
  const z = new Float64Array(block * k);
  const offs = new Int32Array(block);
  for (let from = 0; from < m; from += block) {
    const count = Math.min(block, m - from);
    for (let p = 0; p < count; p++) offs[p] = (from + p) * d;
    batchLogits(x, offs, count, we, be, k, d, z);
    for (let p = 0; p < count; p++) {
      if (model.mutuallyExclusive) softmaxInPlace(z, p * k, k);
      else for (let c = 0; c < k; c++) z[p * k + c] = sigmoid(z[p * k + c]!);
    }
    for (let i = 0; i < count * k; i++) out[from * k + i] = Math.min(ONE_BELOW, scale * z[i]! + offset);
  }
  return out;
}

// Binary layout, little-endian, every float32 array 4-byte aligned:
//   0  "MKLC" magic        4  u16 format version   6  u16 flags (bit 0 = mutually exclusive)
//   8  u32 k              12  u32 d               16  u32 trainedOn    20  u32 loss points (p)
//   24 f32 weights[k(d+1)], f32 mean[d], f32 scale[d], then p × (u32 epoch, f32 loss)
const MAGIC = 0x434c4b4d; // "MKLC" read as a little-endian u32
const FORMAT = 1;
const HEADER = 24;

export function serializeModel(model: LinearModel): Uint8Array {
  const { k, d } = model;
  const floats = k * (d + 1) + 2 * d;
  const out = new Uint8Array(HEADER + 4 * floats + 8 * model.lossCurve.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC, true);
  v.setUint16(4, FORMAT, true);
  v.setUint16(6, model.mutuallyExclusive ? 1 : 0, true);
  v.setUint32(8, k, true);
  v.setUint32(12, d, true);
  v.setUint32(16, model.trainedOn, true);
  v.setUint32(20, model.lossCurve.length, true);
  let p = HEADER;
  for (const arr of [model.weights, model.mean, model.scale]) {
    for (let i = 0; i < arr.length; i++, p += 4) v.setFloat32(p, arr[i]!, true);
  }
  for (const point of model.lossCurve) {
    v.setUint32(p, point.epoch, true);
    v.setFloat32(p + 4, point.loss, true);
    p += 8;
  }
  return out;
}

export function deserializeModel(bytes: Uint8Array): LinearModel {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < HEADER || v.getUint32(0, true) !== MAGIC) throw new Error('not a modelkeep linear classifier');
  const format = v.getUint16(4, true);
  if (format !== FORMAT) throw new Error(`unsupported linear classifier format ${format}`);
  const k = v.getUint32(8, true);
  const d = v.getUint32(12, true);
  const points = v.getUint32(20, true);
  const expected = HEADER + 4 * (k * (d + 1) + 2 * d) + 8 * points;
  if (bytes.byteLength !== expected) throw new Error(`linear classifier is ${bytes.byteLength} bytes, expected ${expected}`);
  let p = HEADER;
  const read = (len: number): Float32Array => {
    const a = new Float32Array(len);
    for (let i = 0; i < len; i++, p += 4) a[i] = v.getFloat32(p, true);
    return a;
  };
  const weights = read(k * (d + 1));
  const mean = read(d);
  const scale = read(d);
  const lossCurve: LossPoint[] = [];
  for (let i = 0; i < points; i++, p += 8) lossCurve.push({ epoch: v.getUint32(p, true), loss: v.getFloat32(p + 4, true) });
  return { k, d, mutuallyExclusive: (v.getUint16(6, true) & 1) === 1, weights, mean, scale, lossCurve, trainedOn: v.getUint32(16, true) };
}
