import { Outcome } from '../../domain/outcome.js';
import { Code } from '../../domain/status-codes.js';
import type { TrainData } from '../../ml/classifier/train.js';
import { labelCoverage, type TrainingProblem, validateTrainingData } from '../../ml/classifier/validate.js';
import type { LabelledExample } from '../../ports/training-data.js';

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
  /** Their ids (recorded for ListModelInputs). */
  usedIds: string[];
  positives: number[];
  /** Things worth a line in the training log. */
  warnings: string[];
  /**
   * What the trained version cannot know, one sentence per problem naming the concepts (a concept
   * without positives scores low on every input, one without negatives high): logged and put in
   * the TRAINED version's status.details.
   */
  notes: string[];
  /** The head to train: the version's choice, except softmax with no positive at all (see buildTrainingSet). */
  mutuallyExclusive: boolean;
}

/** Each validation problem → the Clarifai status and what the user can do about it. */
const ADVICE: Record<TrainingProblem['kind'], { code: number; advice: string }> = {
  'no-data': {
    code: Code.MODEL_TRAINING_NO_DATA,
    advice: 'add inputs with data.concepts [{"id": "…", "value": 1}] (PostInputs), wait until they are processed (status 30000), then create a new version',
  },
  'single-class-exclusive': {
    code: Code.MODEL_TRAINING_ONE_VS_N_SINGLE_CLASS,
    advice: 'create a version with at least two concepts, or with output_config.concepts_mutually_exclusive false',
  },
  'missing-positives': {
    code: Code.MODEL_TRAINING_NO_POSITIVES,
    advice: 'label some inputs with value 1 for them, or set output_config.fail_on_missing_positive_examples false to train without',
  },
};

export function failureOf(p: TrainingProblem): Outcome {
  const { code, advice } = ADVICE[p.kind];
  return new Outcome(code, `${p.message}; ${advice}.`);
}

export interface LabelMatrix {
  /** n × dim embeddings, rows ordered by input id. */
  x: Float32Array;
  n: number;
  /** n × k: 1 positive, 0 negative (explicit or implicit), UNLABELLED otherwise. */
  labels: Uint8Array;
  /** The input id of each row. */
  inputIds: string[];
  /** Things worth a line in the training log. */
  warnings: string[];
}

/**
 * Turns the labelled inputs into an n × k label matrix over their embeddings (no validation).
 * 1 = positive, 0 = explicit negative (value 0). An input positive for some of the version's
 * concepts is also a negative for those it is not labelled with (implicit negative): inputs
 * labelled with one concept each are the common case, and without this a one-vs-rest concept
 * would only ever see positives. Inputs are ordered by id, so the result does not depend on the
 * order the data source returns them in (training is deterministic for a seed).
 */
export function labelMatrix(examples: readonly LabelledExample[], opts: { conceptIds: readonly string[]; dim: number }): LabelMatrix {
  const { conceptIds, dim } = opts;
  const k = conceptIds.length;
  const warnings: string[] = [];
  const usable = examples.filter((e) => e.vector.length === dim);
  if (usable.length < examples.length)
    warnings.push(`${examples.length - usable.length} inputs skipped: their embedding has the wrong length (expected ${dim})`);
  const sorted = [...usable].sort((a, b) => (a.inputId < b.inputId ? -1 : a.inputId > b.inputId ? 1 : 0));
  const n = sorted.length;
  const index = new Map(conceptIds.map((c, i) => [c, i]));
  const labels = new Uint8Array(n * k).fill(UNLABELLED);
  const x = new Float32Array(n * dim);
  sorted.forEach((e, row) => {
    x.set(e.vector, row * dim);
    const pos = e.positives.map((c) => index.get(c)).filter((c): c is number => c !== undefined);
    for (const c of e.negatives) {
      const i = index.get(c);
      if (i !== undefined) labels[row * k + i] = 0;
    }
    if (pos.length > 0) for (let c = 0; c < k; c++) if (labels[row * k + c] === UNLABELLED) labels[row * k + c] = 0;
    for (const c of pos) labels[row * k + c] = 1; // a positive wins over a contradicting negative
  });
  return { x, n, labels, inputIds: sorted.map((e) => e.inputId), warnings };
}

/**
 * The training set of a version: labelMatrix, then the trainer's own validation
 * (ml/classifier/validate.ts), failing with the status a user can act on. Anything else trains, as
 * on Clarifai, with a note per gap in the data. A mutually exclusive version whose inputs are all
 * negatives (no row a softmax could learn from) trains one-vs-rest heads instead, each scoring low.
 */
export function buildTrainingSet(examples: readonly LabelledExample[], opts: LabelOptions): TrainingSet {
  const { conceptIds, dim } = opts;
  const k = conceptIds.length;
  const { x, n, labels, warnings, inputIds } = labelMatrix(examples, { conceptIds, dim });

  const problem = validateTrainingData(labels, n, {
    k,
    mutuallyExclusive: opts.mutuallyExclusive,
    failOnMissingPositives: opts.failOnMissingPositives,
    conceptNames: conceptIds,
  });
  if (problem) throw failureOf(problem);

  const cov = labelCoverage(labels, n, k);
  const mutuallyExclusive = opts.mutuallyExclusive && cov.positiveRows > 0;
  const notes: string[] = [];
  const list = (cs: string[]): string => cs.join(', ');
  const they = (cs: string[]): string => (cs.length > 1 ? 'they score' : 'it scores');
  const noPositives = conceptIds.filter((_, c) => cov.positives[c] === 0);
  if (noPositives.length > 0)
    notes.push(
      `No positive examples for ${list(noPositives)}: ${they(noPositives)} low on every input; label inputs with value 1 for ${noPositives.length > 1 ? 'them' : 'it'} and train a new version.`,
    );
  if (!opts.mutuallyExclusive) {
    const noNegatives = conceptIds.filter((_, c) => cov.positives[c]! > 0 && cov.negatives[c] === 0);
    if (noNegatives.length > 0)
      notes.push(
        `No negative examples for ${list(noNegatives)}: ${they(noNegatives)} high on every input; label inputs with value 0 for ${noNegatives.length > 1 ? 'them' : 'it'}, or with another concept, and train a new version.`,
      );
  } else if (!mutuallyExclusive) {
    notes.push('No input is labelled with value 1 for any concept, so no softmax can be trained: independent (one-vs-rest) heads were trained instead.');
  }
  // The inputs that train the head (ListModelInputs): rows with a positive for a softmax, with any known label otherwise.
  const usedIds: string[] = [];
  for (let row = 0; row < n; row++) {
    let known = false,
      positive = false;
    for (let c = 0; c < k; c++) {
      const v = labels[row * k + c];
      if (v === 1) positive = true;
      if (v === 1 || v === 0) known = true;
    }
    if (mutuallyExclusive ? positive : known) usedIds.push(inputIds[row]!);
  }
  return { data: { x, n, d: dim, labels }, used: usedIds.length, usedIds, positives: cov.positives, warnings, notes, mutuallyExclusive };
}
