// What an evaluation needs from the data, and how it splits it into folds. Pure functions.
// Labels use the trainer's n × k layout: 1 = positive, 0 = negative, anything else = unknown.
import { createRng, shuffleInPlace } from '../classifier/rng.js';

export const DEFAULT_FOLDS = 5;
export const MAX_FOLDS = 10;
/** Inputs an evaluation needs at the least: one to hold out, one to train on. */
export const MIN_EVALUATION_INPUTS = 2;

export type EvaluationProblem =
  /** 21315: no input is labelled (1 or 0) with any of the version's concepts. */
  | { kind: 'need-labels'; message: string }
  /** 21316: fewer than MIN_EVALUATION_INPUTS labelled inputs: nothing can be held out and trained on. */
  | { kind: 'need-inputs'; concepts: number[]; message: string };

export interface EvaluableOptions {
  mutuallyExclusive: boolean;
  conceptNames?: readonly string[];
}

export function positivesPerConcept(labels: ArrayLike<number>, n: number, k: number): { positives: number[]; negatives: number[] } {
  const positives = new Array<number>(k).fill(0);
  const negatives = new Array<number>(k).fill(0);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < k; c++) {
      const l = labels[r * k + c];
      if (l === 1) positives[c]!++;
      else if (l === 0) negatives[c]!++;
    }
  }
  return { positives, negatives };
}

/** Rows carrying at least one known label (1 or 0). */
export function labelledRowCount(labels: ArrayLike<number>, n: number, k: number): number {
  let rows = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < k; c++) {
      const l = labels[r * k + c];
      if (l === 1 || l === 0) {
        rows++;
        break;
      }
    }
  }
  return rows;
}

/**
 * The reason nothing at all can be computed, or null. Anything with two labelled inputs can be
 * cross-validated (down to leave-one-out, see foldsFor): a concept without positives or without
 * negatives only has no ROC AUC, which the metrics leave out and the summary says.
 */
export function evaluationProblem(labels: ArrayLike<number>, n: number, k: number, opts: EvaluableOptions): EvaluationProblem | null {
  if (k === 0) return { kind: 'need-labels', message: 'the version has no concepts' };
  const rows = labelledRowCount(labels, n, k);
  const names = (opts.conceptNames ?? []).slice(0, k).join(', ');
  if (rows === 0) {
    return {
      kind: 'need-labels',
      message: `no input is labelled (value 1 or 0) with any of the version's concepts${names ? ` (${names})` : ''}, so there is nothing to compare predictions with`,
    };
  }
  if (rows < MIN_EVALUATION_INPUTS) {
    return {
      kind: 'need-inputs',
      concepts: [],
      message: `only ${rows} input is labelled with the version's concepts; cross-validation needs at least ${MIN_EVALUATION_INPUTS} (one held out, one to train on)`,
    };
  }
  return null;
}

/** Folds actually used: the ones asked for, fewer when there are fewer labelled inputs (leave-one-out). */
export function foldsFor(requested: number, labelledRows: number): { folds: number; leaveOneOut: boolean } {
  const folds = Math.max(1, Math.min(requested, labelledRows));
  return { folds, leaveOneOut: folds === labelledRows };
}

/**
 * Stratified k-fold assignment: the fold (0..numFolds-1) of each row. Rows are grouped by their
 * rarest positive concept (rows without a positive form one more group); each group is shuffled
 * with the seed and dealt round-robin, continuing where the previous group stopped, so folds differ
 * in size by at most one and a concept with at least numFolds positives (mutually exclusive labels)
 * has a positive in every fold. Deterministic for (labels, seed).
 */
export function stratifiedFolds(labels: ArrayLike<number>, n: number, k: number, numFolds: number, seed: number): Int32Array {
  if (!Number.isInteger(numFolds) || numFolds < 1) throw new RangeError(`numFolds must be a positive integer, got ${numFolds}`);
  const { positives } = positivesPerConcept(labels, n, k);
  const groups: number[][] = Array.from({ length: k + 1 }, () => []);
  for (let r = 0; r < n; r++) {
    let g = k;
    for (let c = 0; c < k; c++) {
      if (labels[r * k + c] !== 1) continue;
      if (g === k || positives[c]! < positives[g]!) g = c;
    }
    groups[g]!.push(r);
  }
  const rng = createRng(seed);
  const fold = new Int32Array(n);
  let next = 0;
  for (const rows of groups) {
    const perm = Uint32Array.from(rows);
    shuffleInPlace(perm, rng);
    for (const r of perm) {
      fold[r] = next;
      next = (next + 1) % numFolds;
    }
  }
  return fold;
}
