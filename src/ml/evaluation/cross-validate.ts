// k-fold cross-validation of the linear classifier: one fresh model per fold, trained on the other
// folds with the same options, scoring the rows it did not see. The result is the out-of-fold
// score matrix every metric is computed from.
import { predict } from '../classifier/model.js';
import { type TrainData, type TrainOptions, trainAsync } from '../classifier/train.js';

export interface CrossValidateOptions {
  /** The trainer's options (k, exclusivity, hyper-parameters, seed) — the version's own. */
  train: Omit<TrainOptions, 'onProgress' | 'shouldStop' | 'timeoutMs'>;
  /** Overall progress 0..1 across the folds. */
  onProgress?: (fraction: number) => void;
  shouldStop?: () => boolean;
  /** Milliseconds left for the whole run (checked by the trainer; exceeding it throws Stopped('timeout')). */
  timeLeftMs?: () => number;
}

/** Copies rows `rows` of an n × w row-major matrix. */
function take<T extends Float32Array | Uint8Array>(src: T, rows: readonly number[], w: number, make: (len: number) => T): T {
  const out = make(rows.length * w);
  rows.forEach((r, i) => out.set(src.subarray(r * w, (r + 1) * w), i * w));
  return out;
}

/**
 * n × k out-of-fold scores: row r is scored by the model trained without fold[r]'s rows.
 * Folds without rows are skipped. Throws Stopped (cancelled / timeout) from the trainer.
 */
export async function crossValidate(data: TrainData, fold: Int32Array, numFolds: number, opts: CrossValidateOptions): Promise<Float32Array> {
  const { n, d } = data;
  const k = opts.train.k;
  if (fold.length !== n) throw new RangeError(`crossValidate: ${fold.length} fold assignments for ${n} rows`);
  const labels = data.labels instanceof Uint8Array ? data.labels : Uint8Array.from(data.labels);
  const scores = new Float32Array(n * k);
  for (let f = 0; f < numFolds; f++) {
    const test: number[] = [],
      train: number[] = [];
    for (let r = 0; r < n; r++) (fold[r] === f ? test : train).push(r);
    if (test.length === 0) continue;
    const trainLabels = take(labels, train, k, (l) => new Uint8Array(l));
    // As in training (plugins/classifier/labels.ts): a softmax needs a positive to learn from; a fold
    // whose training rows are all negatives trains one-vs-rest heads, which score every concept low.
    const exclusive = opts.train.mutuallyExclusive && trainLabels.includes(1);
    const model = await trainAsync(
      { x: take(data.x, train, d, (l) => new Float32Array(l)), n: train.length, d, labels: trainLabels },
      {
        ...opts.train,
        mutuallyExclusive: exclusive,
        onProgress: (fraction) => opts.onProgress?.((f + fraction) / numFolds),
        ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}),
        ...(opts.timeLeftMs ? { timeoutMs: Math.max(1, opts.timeLeftMs()) } : {}),
      },
    );
    const out = predict(
      model,
      take(data.x, test, d, (l) => new Float32Array(l)),
      test.length,
    );
    test.forEach((r, i) => scores.set(out.subarray(i * k, (i + 1) * k), r * k));
    opts.onProgress?.((f + 1) / numFolds);
  }
  return scores;
}
