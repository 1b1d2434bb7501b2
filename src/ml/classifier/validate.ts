// Checks a training set before training, so the job can fail with the specific Clarifai code and a
// `details` the user can act on (21110 no data, 21111 missing positives, 21112 mutually exclusive
// with one concept, 21117 insufficient data) instead of training a meaningless model.
//
// Labels use the trainer's layout: n × k, 1 = positive, 0 = negative, anything else = unknown.
//
// The rules, checked in this order (the first that applies is returned):
//  1. no-data: n = 0, or no row carries a single known label.
//  2. single-class-exclusive: mutually exclusive with k < 2 (a softmax over one concept is always 1).
//  3. missing-positives (only when failOnMissingPositives, the default): concepts with no positive
//     example; all of them are listed.
//  4. insufficient-data:
//     - fewer than MIN_EXAMPLES (2) usable rows (mutually exclusive: rows with a positive; otherwise
//       rows with any known label);
//     - mutually exclusive: fewer than 2 concepts with positives (nothing to tell apart);
//     - one-vs-rest: a concept that has positives but no negative example (its sigmoid could
//       only learn "always yes"); those concepts are listed.

export const MIN_EXAMPLES = 2;

export type TrainingProblem =
  | { kind: 'no-data'; message: string }
  | { kind: 'single-class-exclusive'; message: string }
  | { kind: 'missing-positives'; concepts: number[]; message: string }
  | { kind: 'insufficient-data'; concepts: number[]; message: string };

export interface ValidationOptions {
  k: number;
  mutuallyExclusive: boolean;
  /** Clarifai's train_info.params.fail_on_missing_positive_examples; default true. */
  failOnMissingPositives?: boolean;
  /** Concept ids in label-column order, used in messages (defaults to column numbers). */
  conceptNames?: readonly string[];
}

export function validateTrainingData(
  labels: ArrayLike<number>, n: number, opts: ValidationOptions,
): TrainingProblem | null {
  const { k, mutuallyExclusive: exclusive } = opts;
  const name = (c: number): string => opts.conceptNames?.[c] ?? `#${c}`;
  const list = (cs: number[]): string => cs.map(name).join(', ');
  const positives = new Array<number>(k).fill(0);
  const negatives = new Array<number>(k).fill(0);
  let labelledRows = 0, positiveRows = 0;
  for (let i = 0; i < n; i++) {
    let known = false, positive = false;
    for (let c = 0; c < k; c++) {
      const v = labels[i * k + c];
      if (v === 1) { positives[c]!++; known = positive = true; }
      else if (v === 0) { negatives[c]!++; known = true; }
    }
    if (known) labelledRows++;
    if (positive) positiveRows++;
  }

  if (n === 0 || labelledRows === 0) {
    return { kind: 'no-data', message: n === 0 ? 'there are no training inputs' : 'no training input is labelled with any of the model\'s concepts' };
  }
  if (exclusive && k < 2) {
    return { kind: 'single-class-exclusive', message: 'concepts_mutually_exclusive needs at least 2 concepts' };
  }
  const missing = range(k).filter((c) => positives[c] === 0);
  if ((opts.failOnMissingPositives ?? true) && missing.length > 0) {
    return { kind: 'missing-positives', concepts: missing, message: `no positive examples for concept(s): ${list(missing)}` };
  }
  const usable = exclusive ? positiveRows : labelledRows;
  if (usable < MIN_EXAMPLES) {
    return { kind: 'insufficient-data', concepts: [], message: `need at least ${MIN_EXAMPLES} labelled inputs, found ${usable}` };
  }
  if (exclusive) {
    const present = range(k).filter((c) => positives[c]! > 0);
    if (present.length < 2) {
      return { kind: 'insufficient-data', concepts: present, message: 'mutually exclusive concepts need positive examples of at least 2 concepts' };
    }
  } else {
    const oneSided = range(k).filter((c) => positives[c]! > 0 && negatives[c] === 0);
    if (oneSided.length > 0) {
      return { kind: 'insufficient-data', concepts: oneSided, message: `no negative examples for concept(s): ${list(oneSided)}` };
    }
  }
  return null;
}

function range(k: number): number[] {
  return Array.from({ length: k }, (_, c) => c);
}
