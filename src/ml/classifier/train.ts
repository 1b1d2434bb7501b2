// Linear classifier trainer on embeddings: softmax regression (mutually exclusive concepts) or
// one-vs-rest logistic regressions, L2-regularised, fitted to convergence by full-batch L-BFGS on
// standardised features (ADR 0023).
//
// Why full-batch L-BFGS and not mini-batch Adam (what this was until ADR 0023): profiled on the
// SpamAssassin features (4,729 × 2,048), the Adam loop spent its time in 7,400 small steps, each
// paying a full k × d optimizer update for 32 rows; L-BFGS reaches the regularised optimum in a few
// dozen passes, each a tight pass over X. A converged, regularised fit is also what makes the
// scores calibrated probabilities, and it uses no randomness, so a set gives the same weights on
// every machine. Standardising makes one l2 fit every feature (the used rows are standardised
// once, in the kernels' own memory: simd.ts).
import { Stopped } from '../../domain/outcome.js';
import { minimise } from './lbfgs.js';
import type { LinearModel, LossPoint } from './model.js';
import { objectiveOf, type Problem } from './objective.js';

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
  /** L-BFGS iterations at most; one iteration is about one pass over the data (the template's
   *  num_epochs). Training usually stops earlier, once converged. */
  epochs?: number;
  /** Objective = mean cross-entropy + l2 / 2 · ‖W‖² on standardised features (biases are not penalised). */
  l2?: number;
  /** No effect since ADR 0023 (full-batch fitting has no step size nor batches); kept so callers need not change. */
  learningRate?: number;
  /** No effect since ADR 0023. */
  batchSize?: number;
  /** No effect since ADR 0023: full-batch fitting uses no randomness, so every seed gives the same weights. */
  seed?: number;
  /** Called after every iteration, at most every 200 ms within one, and with 1 at the end: an
   *  estimate of the fraction done (never decreasing) and the last loss. */
  onProgress?: (fraction: number, loss: number) => void;
  /** Checked before every block of rows; returning true ends training with Stopped('cancelled'). */
  shouldStop?: () => boolean;
  /** Wall-clock budget from the call (0 or less: none left); exceeding it ends training with Stopped('timeout'). */
  timeoutMs?: number;
}

// The trainer's own defaults, for callers that pass no settings (tests, bench). The API's defaults are
// the model-type catalog's (linearHeadParams), which PostModelVersions writes into every version.
// l2 0.01 on standardised features: the calibration optimum on the SpamAssassin and synthetic sets
// (ADR 0024); 100 iterations is a cap, not the usual run (ADR 0023).
export const TRAIN_DEFAULTS = { epochs: 100, learningRate: 0.01, l2: 1e-2, batchSize: 32, seed: 1 } as const;

/** Convergence: max |gradient| of the mean objective, and the relative decrease per iteration. */
export const SOLVER = { gtol: 1e-4, ftol: 1e-7 } as const;

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

/** The training loop; yields after every block of rows so the drivers above decide when to pause. */
function* trainSteps(data: TrainData, opts: TrainOptions): Generator<void, LinearModel, void> {
  const started = performance.now();
  const { x, n, d, labels } = data;
  const { k, mutuallyExclusive: exclusive } = opts;
  const l2 = opts.l2 ?? TRAIN_DEFAULTS.l2;
  const maxIterations = Math.max(1, Math.floor(opts.epochs ?? TRAIN_DEFAULTS.epochs));
  if (x.length !== n * d || labels.length !== n * k) throw new RangeError(`train: x must be n×d and labels n×k (n=${n}, d=${d}, k=${k})`);
  if (k < 1 || (exclusive && k < 2)) throw new RangeError('train: need k ≥ 1 (k ≥ 2 when mutually exclusive)');
  if (!(l2 >= 0)) throw new RangeError('train: l2 must not be negative');

  const { rows, targets, priors } = buildTargets(labels, n, k, exclusive);
  const used = rows.length;
  if (used === 0) throw new RangeError('train: no row has a usable label');

  // Two exclusive concepts: the softmax depends only on w₁ − w₀, so fit that one vector v as a
  // logistic regression (half the work). With w₁ = v/2, w₀ = −v/2 the penalty l2/2·(‖w₀‖² + ‖w₁‖²)
  // is (l2/2)/2·‖v‖²: the same optimum as the two-row softmax.
  const binary = exclusive && k === 2;
  const vectors = binary ? 1 : k;
  const problem: Problem = {
    x,
    d,
    rows,
    vectors,
    loss: exclusive && !binary ? 'softmax' : 'sigmoid',
    targets: binary ? everyOther(targets, 1) : targets,
    l2: binary ? l2 / 2 : l2,
  };
  const theta = new Float64Array(vectors * (d + 1));
  // Biases start at the (smoothed) log prior so the first iterations do not learn class frequencies.
  if (binary) theta[d] = priors[1]! - priors[0]!;
  else for (let c = 0; c < k; c++) theta[vectors * d + c] = priors[c]!;

  const lossCurve: LossPoint[] = [];
  // Progress: the larger of the iterations used and how far max |gradient| has come down towards
  // the tolerance on a log scale (L-BFGS usually stops long before maxIterations); never back.
  let g0 = 1,
    fraction = 0;
  const progressAt = (iteration: number, gradient: number): number => {
    const towards = gradient >= g0 ? 0 : Math.log(g0 / gradient) / Math.log(g0 / SOLVER.gtol);
    fraction = Math.max(fraction, Math.min(0.99, Math.max(iteration / maxIterations, towards)));
    return fraction;
  };
  let lastReport = started;
  const beforeBlock = (): void => {
    if (opts.shouldStop?.() === true) throw new Stopped('cancelled');
    const now = performance.now();
    if (opts.timeoutMs !== undefined && now - started >= opts.timeoutMs) throw new Stopped('timeout');
    if (opts.onProgress && now - lastReport >= 200 && lossCurve.length > 0) {
      lastReport = now;
      opts.onProgress(fraction, lossCurve[lossCurve.length - 1]!.loss);
    }
  };
  const { evaluate, mean, scale } = objectiveOf(problem, beforeBlock);
  const result = yield* minimise(evaluate, theta, {
    maxIterations,
    gtol: SOLVER.gtol,
    ftol: SOLVER.ftol,
    onStart: (_f, gradient) => {
      g0 = Math.max(gradient, SOLVER.gtol * 10);
    },
    onIteration: (iteration, f, gradient) => {
      lossCurve.push({ epoch: iteration, loss: f });
      opts.onProgress?.(progressAt(iteration, gradient), f);
    },
  });
  if (lossCurve.length === 0) lossCurve.push({ epoch: 0, loss: result.f });
  opts.onProgress?.(1, result.f);

  const weights = new Float32Array(k * (d + 1));
  if (binary) {
    for (let j = 0; j < d; j++) {
      weights[j] = -theta[j]! / 2;
      weights[d + 1 + j] = theta[j]! / 2;
    }
    weights[d] = -theta[d]! / 2;
    weights[2 * d + 1] = theta[d]! / 2;
  } else {
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) weights[c * (d + 1) + j] = theta[c * d + j]!;
      weights[c * (d + 1) + d] = theta[k * d + c]!;
    }
  }
  return { k, d, mutuallyExclusive: exclusive, weights, mean, scale, lossCurve, trainedOn: used };
}

/** Column `c` of a two-column matrix. */
function everyOther(t: Float32Array, c: number): Float32Array {
  const out = new Float32Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = t[2 * i + c]!;
  return out;
}

/**
 * Rows that can teach something and their targets (used × k). Softmax: rows with at least one
 * positive, the target spread evenly over its positives. One-vs-rest: rows with at least one
 * known label, NaN marking the concepts the row is not labelled for.
 */
function buildTargets(labels: ArrayLike<number>, n: number, k: number, exclusive: boolean) {
  const rowList: number[] = [];
  const tmp = new Float32Array(n * k);
  const pos = new Float64Array(k),
    known = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    let positives = 0,
      knownCount = 0;
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
      if (t === t) {
        pos[c] = pos[c]! + t;
        known[c] = known[c]! + 1;
      }
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
