import { Code } from '../../domain/status-codes.js';
import type { TrainData } from '../../ml/classifier/train.js';
import type { LabelledExample } from '../../ports/training-data.js';
import { TrainingFailure } from '../types.js';

/** Label-matrix value for "this input says nothing about this concept" (the trainer skips it). */
export const UNLABELLED = 255;

export interface LabelOptions {
  conceptIds: readonly string[];
  mutuallyExclusive: boolean;
  failOnMissingPositives: boolean;
  dim: number;
}

export interface TrainingSet {
  data: TrainData;
  /** Inputs that carry a usable label (`total_input_count`). */
  used: number;
  positives: number[];
  /** Things worth a line in the training log. */
  warnings: string[];
}

const list = (ids: string[]): string => ids.map((c) => `'${c}'`).join(', ');

/**
 * Turns the labelled inputs into the trainer's n × k label matrix, or fails with the status a
 * user can act on. Rules (docs/decisions/0005-training-and-prediction.md):
 * - 1 = positive, 0 = explicit negative (value 0). An input positive for some of the version's
 *   concepts is also a negative for the others it is not labelled with (implicit negative): inputs
 *   labelled with one concept each are the common case, and without this a one-vs-rest concept
 *   would only ever see positives.
 * - 21112 mutually exclusive with fewer than two concepts; 21110 no input at all; 21111 a concept
 *   without positives when fail_on_missing_positive_examples; 21117 nothing to learn from (no
 *   positives, or — one-vs-rest — no concept with both a positive and a negative; softmax needs
 *   positives of two concepts).
 * Inputs are ordered by id so the result does not depend on the order the data source returns.
 */
export function buildTrainingSet(examples: readonly LabelledExample[], opts: LabelOptions): TrainingSet {
  const { conceptIds, mutuallyExclusive: exclusive, dim } = opts;
  const k = conceptIds.length;
  if (exclusive && k < 2) {
    throw new TrainingFailure(Code.MODEL_TRAINING_ONE_VS_N_SINGLE_CLASS, `concepts_mutually_exclusive is true but the version has only ${k === 1 ? `the concept ${list([...conceptIds])}` : 'no concepts'}; create a version with at least two concepts, or with concepts_mutually_exclusive false.`);
  }
  const warnings: string[] = [];
  const usable = examples.filter((e) => e.vector.length === dim);
  if (usable.length < examples.length) warnings.push(`${examples.length - usable.length} inputs skipped: their embedding has the wrong length (expected ${dim})`);
  if (usable.length === 0) {
    throw new TrainingFailure(Code.MODEL_TRAINING_NO_DATA, `no processed input is labelled with any of the concepts ${list([...conceptIds])}; add inputs with data.concepts [{"id": "…", "value": 1}] (PostInputs), wait until they are processed (status 30000), then create a new version.`);
  }
  const sorted = [...usable].sort((a, b) => (a.inputId < b.inputId ? -1 : a.inputId > b.inputId ? 1 : 0));
  const n = sorted.length;
  const index = new Map(conceptIds.map((c, i) => [c, i]));
  const labels = new Uint8Array(n * k).fill(UNLABELLED);
  const x = new Float32Array(n * dim);
  const positives = new Array<number>(k).fill(0);
  const negatives = new Array<number>(k).fill(0);
  let used = 0;
  sorted.forEach((e, row) => {
    x.set(e.vector, row * dim);
    const pos = e.positives.map((c) => index.get(c)).filter((c): c is number => c !== undefined);
    for (const c of e.negatives) {
      const i = index.get(c);
      if (i !== undefined) labels[row * k + i] = 0;
    }
    if (pos.length > 0) for (let c = 0; c < k; c++) if (labels[row * k + c] === UNLABELLED) labels[row * k + c] = 0;
    for (const c of pos) labels[row * k + c] = 1; // a positive wins over a contradicting negative
    let known = false;
    for (let c = 0; c < k; c++) {
      const v = labels[row * k + c];
      if (v === 1) positives[c]!++;
      if (v === 0) negatives[c]!++;
      if (v !== UNLABELLED) known = true;
    }
    if (exclusive ? pos.length > 0 : known) used++;
  });

  const missing = conceptIds.filter((_, c) => positives[c] === 0);
  if (missing.length > 0 && opts.failOnMissingPositives) {
    throw new TrainingFailure(Code.MODEL_TRAINING_NO_POSITIVES, `no input is labelled positively (value 1) with ${list(missing)}, and fail_on_missing_positive_examples is true; label some inputs with ${missing.length > 1 ? 'these concepts' : 'this concept'}, or set fail_on_missing_positive_examples false to train without.`);
  }
  if (missing.length === k) {
    throw new TrainingFailure(Code.MODEL_TRAINING_INSUFFICIENT_DATA, `${n} inputs are labelled, but none positively (value 1) with any of ${list([...conceptIds])}; a classifier needs positive examples.`);
  }
  if (exclusive && k - missing.length < 2) {
    throw new TrainingFailure(Code.MODEL_TRAINING_INSUFFICIENT_DATA, `mutually exclusive training needs positive examples of at least two concepts; only ${list(conceptIds.filter((_, c) => positives[c]! > 0))} has any. Label inputs with another concept, or set concepts_mutually_exclusive false and add negatives (value 0).`);
  }
  if (!exclusive && !conceptIds.some((_, c) => positives[c]! > 0 && negatives[c]! > 0)) {
    throw new TrainingFailure(Code.MODEL_TRAINING_INSUFFICIENT_DATA, `every labelled input is a positive example, so there is nothing to tell the concepts apart from: label some inputs with value 0 for ${list([...conceptIds])} (explicit negatives), or add inputs of another concept of this version.`);
  }
  if (missing.length > 0) warnings.push(`no positive examples for ${list(missing)}: ${missing.length > 1 ? 'they' : 'it'} will score low on every input`);
  const noNeg = exclusive ? [] : conceptIds.filter((_, c) => positives[c]! > 0 && negatives[c] === 0);
  if (noNeg.length > 0) warnings.push(`no negative examples for ${list(noNeg)}: ${noNeg.length > 1 ? 'they' : 'it'} will score high on every input`);
  return { data: { x, n, d: dim, labels }, used, positives, warnings };
}
