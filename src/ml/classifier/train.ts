// Linear classifier trainer on embeddings: softmax regression (mutually exclusive concepts) or
// one-vs-rest logistic regressions, fitted with mini-batch Adam on standardised features.
//
// Why mini-batch Adam and not sklearn's full-batch L-BFGS: in plain JS one pass over 10k × 1,280
// costs about as much as one L-BFGS iteration, and L-BFGS needs 30–100 of them; Adam with a cosine
// learning-rate decay reaches the same held-out accuracy in a handful of passes. Standardising the
// features makes one learning rate fit every feature, and is folded into the weights on the fly
// (see effectiveWeights) so X is never copied.
import { batchGradient, batchLogits, effectiveWeights, softmaxInPlace, sigmoid, softplus } from './kernel.js';
import { Stopped } from '../../domain/outcome.js';
import type { LinearModel, LossPoint } from './model.js';
import { createRng, shuffleInPlace } from './rng.js';

export interface TrainData {
  /** n × d embeddings, row-major. */
  x: Float32Array;
  n: number;
  d: number;
  /** n × k: 1 = positive, 0 = negative, anything else (NaN, -1, 255) = not labelled. */
  labels: Uint8Array | Float32Array;
}

export interface TrainOptions {
  k: number;
  mutuallyExclusive: boolean;
  /** Passes over the data (default 4). Raised when needed so that the run takes at least
   *  `minSteps` optimizer steps: Adam moves each weight by at most about the learning rate per step,
   *  so a small set needs many steps, not a bigger rate (600 rows at batch 32 get 53 passes). */
  epochs?: number;
  /** Minimum optimizer steps (default 1000; 0 makes `epochs` exact). */
  minSteps?: number;
  /** Adam step size; decays to 0 along a cosine over the run. */
  learningRate?: number;
  /** Objective = mean cross-entropy + l2 / 2 · ‖W‖² (biases are not penalised). */
  l2?: number;
  batchSize?: number;
  seed?: number;
  /** Called after every epoch and at most every 200 ms within one, with the running mean loss. */
  onProgress?: (fraction: number, loss: number) => void;
  /** Checked before every mini-batch; returning true ends training with Stopped('cancelled'). */
  shouldStop?: () => boolean;
  /** Wall-clock budget from the call; exceeding it ends training with Stopped('timeout'). */
  timeoutMs?: number;
}

// The trainer's own defaults, for callers that pass no settings (tests, bench). The API's defaults are
// the model-type catalog's (linearHeadParams), which PostModelVersions writes into every version.
// Chosen on the benchmark set (bench-data.ts) at three difficulties and on small sets: 4 passes of
// batch 32 at 0.01 (1,000 steps for 8,000 rows) match or beat the held-out accuracy of a converged
// sklearn LogisticRegression (stopping early regularises 1,280-d data), and small sets converge.
export const TRAIN_DEFAULTS = { epochs: 4, minSteps: 1000, learningRate: 0.01, l2: 1e-4, batchSize: 32, seed: 1 } as const;

/** @deprecated Stopped (src/domain/outcome.ts) is the one class; this name stays until the parallel branches are merged. */
export const TrainingStopped = Stopped;

/** Trains synchronously (blocks the thread; use it in a worker, or trainAsync on the main thread). */
export function train(data: TrainData, opts: TrainOptions): LinearModel {
  const steps = trainSteps(data, opts);
  for (let r = steps.next(); ; r = steps.next()) if (r.done === true) return r.value;
}

/** Same result as train, but gives the event loop a turn every `sliceMs` so a server stays responsive. */
export async function trainAsync(data: TrainData, opts: TrainOptions, sliceMs = 20): Promise<LinearModel> {
  const steps = trainSteps(data, opts);
  let sliceStart = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

/** The training loop; yields after every mini-batch so the drivers above decide when to pause. */
function* trainSteps(data: TrainData, opts: TrainOptions): Generator<void, LinearModel, void> {
  const started = performance.now();
  const { x, n, d, labels } = data;
  const { k, mutuallyExclusive: exclusive } = opts;
  const lr = opts.learningRate ?? TRAIN_DEFAULTS.learningRate;
  const l2 = opts.l2 ?? TRAIN_DEFAULTS.l2;
  if (x.length !== n * d || labels.length !== n * k) throw new RangeError(`train: x must be n×d and labels n×k (n=${n}, d=${d}, k=${k})`);
  if (k < 1 || (exclusive && k < 2)) throw new RangeError('train: need k ≥ 1 (k ≥ 2 when mutually exclusive)');

  const { rows, targets, priors } = buildTargets(labels, n, k, exclusive);
  const used = rows.length;
  if (used === 0) throw new RangeError('train: no row has a usable label');
  const { mean, scale } = standardisation(x, d, rows);
  const batchSize = Math.min(used, Math.max(1, Math.floor(opts.batchSize ?? TRAIN_DEFAULTS.batchSize)));

  // Parameters in standardised space; biases start at the (smoothed) log prior so early epochs
  // are not spent learning class frequencies.
  const w = new Float64Array(k * d);
  const b = Float64Array.from(priors);
  const mw = new Float64Array(k * d), vw = new Float64Array(k * d), mb = new Float64Array(k), vb = new Float64Array(k);
  const we = new Float64Array(k * d), be = new Float64Array(k); // raw-space weights for the batch
  const grad = new Float64Array(k * d), gsum = new Float64Array(k);
  const z = new Float64Array(batchSize * k); // logits, then the loss gradient w.r.t. them
  const offs = new Int32Array(batchSize);
  const invScale = new Float64Array(d);
  for (let j = 0; j < d; j++) invScale[j] = 1 / scale[j]!;

  const rng = createRng(opts.seed ?? TRAIN_DEFAULTS.seed);
  const order = new Uint32Array(used);
  const batches = Math.ceil(used / batchSize);
  const minSteps = opts.minSteps ?? TRAIN_DEFAULTS.minSteps;
  const epochs = Math.max(1, Math.floor(opts.epochs ?? TRAIN_DEFAULTS.epochs), Math.ceil(minSteps / batches));
  const totalSteps = epochs * batches;
  const beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  const lossCurve: LossPoint[] = [];
  let step = 0;
  let lastReport = started;

  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = 0; i < used; i++) order[i] = i;
    shuffleInPlace(order, rng);
    let epochLoss = 0;
    for (let batch = 0; batch < batches; batch++) {
      if (opts.shouldStop?.() === true) throw new Stopped('cancelled');
      const now = performance.now();
      if (opts.timeoutMs !== undefined && now - started > opts.timeoutMs) throw new Stopped('timeout');
      if (opts.onProgress && now - lastReport >= 200 && batch > 0) {
        lastReport = now;
        opts.onProgress((epoch + batch / batches) / epochs, epochLoss / (batch * batchSize));
      }

      effectiveWeights(w, b, mean, scale, k, d, we, be);
      grad.fill(0);
      gsum.fill(0);
      const from = batch * batchSize;
      const count = Math.min(used, from + batchSize) - from;
      for (let p = 0; p < count; p++) offs[p] = rows[order[from + p]!]! * d;
      batchLogits(x, offs, count, we, be, k, d, z);
      for (let p = 0; p < count; p++) {
        const t0 = order[from + p]! * k;
        const o = p * k;
        if (exclusive) {
          // Cross-entropy against the (possibly soft) target: log Σ exp(z) − Σ t·z; gradient p − t.
          let tz = 0;
          for (let c = 0; c < k; c++) tz += targets[t0 + c]! * z[o + c]!;
          epochLoss += softmaxInPlace(z, o, k) - tz;
          for (let c = 0; c < k; c++) z[o + c] = z[o + c]! - targets[t0 + c]!;
        } else {
          for (let c = 0; c < k; c++) {
            const t = targets[t0 + c]!;
            const v = z[o + c]!;
            if (t !== t) { z[o + c] = 0; continue; } // NaN target: not labelled for this concept
            epochLoss += softplus(v) - t * v;
            z[o + c] = sigmoid(v) - t;
          }
        }
        for (let c = 0; c < k; c++) gsum[c] = gsum[c]! + z[o + c]!;
      }
      batchGradient(x, offs, count, z, k, d, grad);

      // Back to standardised space: ∂/∂w_j = (Σ g·x_j − mean_j Σ g) / scale_j, averaged over the
      // batch, plus the L2 term; then one Adam step with a cosine-decayed learning rate.
      step++;
      const inv = 1 / count;
      const rate = lr * 0.5 * (1 + Math.cos((Math.PI * (step - 1)) / totalSteps));
      const c1 = 1 / (1 - Math.pow(beta1, step)), c2 = 1 / (1 - Math.pow(beta2, step));
      for (let c = 0; c < k; c++) {
        const o = c * d;
        const gs = gsum[c]!;
        for (let j = 0; j < d; j++) {
          const gj = (grad[o + j]! - mean[j]! * gs) * inv * invScale[j]! + l2 * w[o + j]!;
          const m = (mw[o + j] = beta1 * mw[o + j]! + (1 - beta1) * gj);
          const v = (vw[o + j] = beta2 * vw[o + j]! + (1 - beta2) * gj * gj);
          w[o + j] = w[o + j]! - (rate * m * c1) / (Math.sqrt(v * c2) + eps);
        }
        const gb = gs * inv;
        const m = (mb[c] = beta1 * mb[c]! + (1 - beta1) * gb);
        const v = (vb[c] = beta2 * vb[c]! + (1 - beta2) * gb * gb);
        b[c] = b[c]! - (rate * m * c1) / (Math.sqrt(v * c2) + eps);
      }
      yield;
    }
    let penalty = 0;
    for (let i = 0; i < w.length; i++) penalty += w[i]! * w[i]!;
    const loss = epochLoss / used + 0.5 * l2 * penalty;
    lossCurve.push({ epoch: epoch + 1, loss });
    opts.onProgress?.((epoch + 1) / epochs, loss);
  }

  const weights = new Float32Array(k * (d + 1));
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) weights[c * (d + 1) + j] = w[c * d + j]!;
    weights[c * (d + 1) + d] = b[c]!;
  }
  return { k, d, mutuallyExclusive: exclusive, weights, mean, scale, lossCurve, trainedOn: used };
}

/**
 * Rows that can teach something and their targets (used × k). Softmax: rows with at least one
 * positive, the target spread evenly over its positives. One-vs-rest: rows with at least one
 * known label, NaN marking the concepts the row is not labelled for.
 */
function buildTargets(labels: ArrayLike<number>, n: number, k: number, exclusive: boolean) {
  const rowList: number[] = [];
  const tmp = new Float32Array(n * k);
  const pos = new Float64Array(k), known = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    let positives = 0, knownCount = 0;
    for (let c = 0; c < k; c++) {
      const v = labels[i * k + c]!;
      if (v === 1) positives++;
      if (v === 1 || v === 0) knownCount++;
    }
    if (exclusive ? positives === 0 : knownCount === 0) continue;
    const t0 = rowList.length * k;
    rowList.push(i);
    for (let c = 0; c < k; c++) {
      const v = labels[i * k + c]!;
      const t = exclusive ? (v === 1 ? 1 / positives : 0) : v === 1 ? 1 : v === 0 ? 0 : NaN;
      tmp[t0 + c] = t;
      if (t === t) { pos[c] = pos[c]! + t; known[c] = known[c]! + 1; }
    }
  }
  const used = rowList.length;
  const priors = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    priors[c] = exclusive
      ? Math.log((pos[c]! + 1) / (used + k)) // log class frequency (add-one smoothing)
      : Math.log((pos[c]! + 0.5) / (known[c]! - pos[c]! + 0.5)); // logit of the positive rate
  }
  return { rows: Uint32Array.from(rowList), targets: tmp.subarray(0, used * k), priors };
}

/** Per-feature mean and standard deviation over the used rows (constant features get scale 1). */
function standardisation(x: Float32Array, d: number, rows: Uint32Array) {
  const sum = new Float64Array(d), sq = new Float64Array(d);
  for (let r = 0; r < rows.length; r++) {
    const off = rows[r]! * d;
    for (let j = 0; j < d; j++) sum[j] = sum[j]! + x[off + j]!;
  }
  const mean = new Float32Array(d);
  for (let j = 0; j < d; j++) mean[j] = sum[j]! / rows.length;
  for (let r = 0; r < rows.length; r++) {
    const off = rows[r]! * d;
    for (let j = 0; j < d; j++) { const e = x[off + j]! - mean[j]!; sq[j] = sq[j]! + e * e; }
  }
  const scale = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    const sd = Math.sqrt(sq[j]! / rows.length);
    scale[j] = sd > 1e-6 * (1 + Math.abs(mean[j]!)) ? sd : 1;
  }
  return { mean, scale };
}
