// What an evaluation needs from the data, and how it splits it into folds. Pure functions.
// Labels use the trainer's n × k layout: 1 = positive, 0 = negative, anything else = unknown.
import { createRng, shuffleInPlace } from '../classifier/rng.js';

/** Clarifai's rule: at least this many inputs labelled (positive) with every concept. */
export const MIN_POSITIVES_PER_CONCEPT = 5;
export const DEFAULT_FOLDS = 5;
export const MAX_FOLDS = 10;

export type EvaluationProblem =
  /** 21315: fewer than 2 concepts (in the version, or with labelled inputs). */
  | { kind: 'need-labels'; message: string }
  /** 21316: a concept with fewer than MIN_POSITIVES_PER_CONCEPT positives, or (one-vs-rest) without a negative. */
  | { kind: 'need-inputs'; concepts: number[]; message: string };

export interface EvaluableOptions {
  mutuallyExclusive: boolean;
  conceptNames?: readonly string[];
  minPositives?: number;
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

/** The first reason the data cannot be evaluated, or null. */
export function evaluationProblem(labels: ArrayLike<number>, n: number, k: number, opts: EvaluableOptions): EvaluationProblem | null {
  const name = (c: number): string => opts.conceptNames?.[c] ?? `#${c}`;
  const min = opts.minPositives ?? MIN_POSITIVES_PER_CONCEPT;
  if (k < 2) {
    return { kind: 'need-labels', message: `the version has ${k === 0 ? 'no concepts' : `only the concept ${name(0)}`}; evaluation compares concepts, so it needs a version with at least 2` };
  }
  const { positives, negatives } = positivesPerConcept(labels, n, k);
  const present = positives.map((p, c) => (p > 0 ? c : -1)).filter((c) => c >= 0);
  if (present.length < 2) {
    const what = present.length === 0 ? 'no input is labelled (value 1) with any of its concepts' : `only ${name(present[0]!)} has inputs labelled with it (value 1)`;
    return { kind: 'need-labels', message: `${what}; evaluation needs labelled inputs of at least 2 concepts` };
  }
  const few = positives.map((p, c) => (p < min ? c : -1)).filter((c) => c >= 0);
  if (few.length > 0) {
    return { kind: 'need-inputs', concepts: few, message: `evaluation needs at least ${min} inputs labelled (value 1) with each concept; ${few.map((c) => `${name(c)} has ${positives[c]}`).join(', ')}` };
  }
  if (!opts.mutuallyExclusive) {
    const oneSided = negatives.map((v, c) => (v === 0 ? c : -1)).filter((c) => c >= 0);
    if (oneSided.length > 0) {
      return { kind: 'need-inputs', concepts: oneSided, message: `no negative examples for ${oneSided.map(name).join(', ')} (every input is labelled with ${oneSided.length > 1 ? 'them' : 'it'}), so there is nothing to tell ${oneSided.length > 1 ? 'them' : 'it'} apart from` };
    }
  }
  return null;
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
