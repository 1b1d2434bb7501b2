// The training objective: mean cross-entropy over the used rows plus l2 / 2 · ‖W‖² (biases are not
// penalised), on standardised features. Evaluated in blocks of rows by the SIMD kernels, so that
// the caller can yield between blocks.
import { sigmoid, softmaxInPlace, softplus } from './kernel.js';
import { SimdWorkspace } from './simd.js';

export interface Problem {
  /** n × d embeddings, row-major. */
  x: Float32Array;
  d: number;
  /** The rows of x that are trained on. */
  rows: Uint32Array;
  /** Weight vectors: k for softmax / one-vs-rest, 1 for a two-class softmax fitted as one logistic. */
  vectors: number;
  /** 'softmax': one softmax over the vectors; 'sigmoid': independent logistic losses. */
  loss: 'softmax' | 'sigmoid';
  /** used × vectors targets: soft probabilities (softmax), 1 / 0 / NaN = not labelled (sigmoid). */
  targets: Float32Array;
  l2: number;
}

/**
 * Rows per block: the gradient is summed in float32 within a block and in float64 across blocks
 * (so rounding stays at a block's worth), and a yield comes every few milliseconds of work.
 */
const BLOCK = 256;

/**
 * Parameters θ: `vectors` × d weights (standardised space), then `vectors` biases. Returns the
 * Objective for lbfgs.minimise and the standardisation it uses; `beforeBlock` runs before each
 * block of rows (stop checks).
 */
export function objectiveOf(p: Problem, beforeBlock: () => void) {
  const { d, targets, l2, vectors: k } = p;
  const used = p.rows.length;
  const ws = new SimdWorkspace(p.x, d, p.rows, k, BLOCK);
  const { d4, w: wf, z, out } = ws;
  const kd = k * d;
  const raw = new Float64Array(kd),
    gsum = new Float64Array(k);
  const softmax = p.loss === 'softmax';

  return { mean: ws.mean, scale: ws.scale, evaluate };

  function* evaluate(theta: Float64Array, grad: Float64Array): Generator<void, number, void> {
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) wf[c * d4 + j] = theta[c * d + j]!;
    raw.fill(0);
    gsum.fill(0);
    let loss = 0;
    for (let from = 0; from < used; from += BLOCK) {
      beforeBlock();
      const count = Math.min(BLOCK, used - from);
      ws.logits(from, count);
      for (let r = 0; r < count; r++) {
        const o = r * k,
          t0 = (from + r) * k;
        for (let c = 0; c < k; c++) z[o + c] = z[o + c]! + theta[kd + c]!;
        if (softmax) {
          // log Σ exp(z) − Σ t·z against the (possibly soft) target; gradient p − t.
          let tz = 0;
          for (let c = 0; c < k; c++) tz += targets[t0 + c]! * z[o + c]!;
          loss += softmaxInPlace(z, o, k) - tz;
          for (let c = 0; c < k; c++) z[o + c] = z[o + c]! - targets[t0 + c]!;
        } else {
          for (let c = 0; c < k; c++) {
            const t = targets[t0 + c]!,
              v = z[o + c]!;
            if (t !== t) {
              z[o + c] = 0;
              continue;
            } // NaN: not labelled for this concept
            loss += softplus(v) - t * v;
            z[o + c] = sigmoid(v) - t;
          }
        }
        for (let c = 0; c < k; c++) gsum[c] = gsum[c]! + z[o + c]!;
      }
      out.fill(0);
      ws.gradient(from, count);
      for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) raw[c * d + j] = raw[c * d + j]! + out[c * d4 + j]!;
      yield;
    }
    const inv = 1 / used;
    let penalty = 0;
    for (let i = 0; i < kd; i++) {
      const wi = theta[i]!;
      penalty += wi * wi;
      grad[i] = raw[i]! * inv + l2 * wi;
    }
    for (let c = 0; c < k; c++) grad[kd + c] = gsum[c]! * inv;
    return loss * inv + 0.5 * l2 * penalty;
  }
}
