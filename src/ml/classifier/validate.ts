// Checks a training set before training, so the job can fail with the specific Clarifai code and a
// `details` the user can act on (21110 no data, 21111 missing positives, 21112 mutually exclusive
// with one concept) instead of training a meaningless model, and says what the data lacks when it
// trains anyway (coverage: concepts without positives, or without negatives).
//
// Labels use the trainer's layout: n × k, 1 = positive, 0 = negative, anything else = unknown.
//
// The rules, checked in this order (the first that applies is returned). Clarifai trains as soon
// as one input is labelled (positively or negatively) with one of the concepts (its python-grpc
// test trains a one-concept model on two positive inputs), so anything short of these trains:
//  1. no-data: n = 0, or no row carries a single known label.
//  2. single-class-exclusive: mutually exclusive with k < 2 (a softmax over one concept is always 1).
//  3. missing-positives (only when failOnMissingPositives): concepts with no positive example; all
//     of them are listed.

export type TrainingProblem =
  | { kind: 'no-data'; message: string }
  | { kind: 'single-class-exclusive'; message: string }
  | { kind: 'missing-positives'; concepts: number[]; message: string };

export interface ValidationOptions {
  k: number;
  mutuallyExclusive: boolean;
  /** Clarifai's output_config.fail_on_missing_positive_examples; default true. */
  failOnMissingPositives?: boolean;
  /** Concept ids in label-column order, used in messages (defaults to column numbers). */
  conceptNames?: readonly string[];
}

/** What the labels say about each concept (columns), and how many rows carry a label / a positive. */
export interface LabelCoverage {
  positives: number[];
  negatives: number[];
  labelledRows: number;
  positiveRows: number;
}

export function labelCoverage(labels: ArrayLike<number>, n: number, k: number): LabelCoverage {
  const positives = new Array<number>(k).fill(0);
  const negatives = new Array<number>(k).fill(0);
  let labelledRows = 0,
    positiveRows = 0;
  for (let i = 0; i < n; i++) {
    let known = false,
      positive = false;
    for (let c = 0; c < k; c++) {
      const v = labels[i * k + c];
      if (v === 1) {
        positives[c]!++;
        known = positive = true;
      } else if (v === 0) {
        negatives[c]!++;
        known = true;
      }
    }
    if (known) labelledRows++;
    if (positive) positiveRows++;
  }
  return { positives, negatives, labelledRows, positiveRows };
}

export function validateTrainingData(labels: ArrayLike<number>, n: number, opts: ValidationOptions): TrainingProblem | null {
  const { k, mutuallyExclusive: exclusive } = opts;
  const name = (c: number): string => opts.conceptNames?.[c] ?? `#${c}`;
  const { positives, labelledRows } = labelCoverage(labels, n, k);
  if (n === 0 || labelledRows === 0) {
    return { kind: 'no-data', message: n === 0 ? 'there are no training inputs' : "no training input is labelled with any of the model's concepts" };
  }
  if (exclusive && k < 2) {
    return { kind: 'single-class-exclusive', message: 'concepts_mutually_exclusive needs at least 2 concepts' };
  }
  const missing = Array.from({ length: k }, (_, c) => c).filter((c) => positives[c] === 0);
  if ((opts.failOnMissingPositives ?? true) && missing.length > 0) {
    return { kind: 'missing-positives', concepts: missing, message: `no positive examples for concept(s): ${missing.map(name).join(', ')}` };
  }
  return null;
}
