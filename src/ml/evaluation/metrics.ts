// Classification metrics for model evaluation: pure functions over scores and labels, no I/O.
//
// Layout (the trainer's): `scores` and `labels` are n × k, row-major. A label is 1 = positive,
// 0 = negative, anything else = this input says nothing about this concept (the concept's metrics
// skip it). Scores are probabilities: one softmax per row when the concepts are mutually exclusive,
// independent sigmoids otherwise.
//
// Definitions (the usual ones, as scikit-learn computes them):
//  - ROC AUC: the Mann–Whitney rank statistic, ties counted half — the probability that a random
//    positive scores above a random negative. Undefined without both positives and negatives.
//  - Predicted positive: score >= threshold (default 0.5); for mutually exclusive concepts the
//    row's highest score (ties: the first concept), since only one of them can be the answer.
//  - precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = their harmonic mean; 0 where the
//    denominator is 0 (nothing predicted, no positives).
//  - Average precision: Σ (recall_i − recall_{i−1}) · precision_i over descending score thresholds.
//  - Macro averages: plain means over concepts — precision, recall and F1 over concepts with at
//    least one positive, ROC AUC over concepts where it is defined; std is the population std.
//  - Confusion matrix: for every input with a positive label, one count in
//    (actual = each concept it is positive for, predicted = its highest-scoring concept).
//  - Co-occurrence matrix: one count in (actual concept, predicted concept) for every pair of a
//    concept the input is positive for and a concept predicted positive (threshold / argmax).

export const DEFAULT_THRESHOLD = 0.5;
/** Points kept per ROC / precision–recall curve (sampled evenly along the thresholds). */
export const DEFAULT_CURVE_POINTS = 50;

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface PrecisionRecall {
  precision: number;
  recall: number;
  f1: number;
}

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}

export interface PrCurve {
  precision: number[];
  recall: number[];
  thresholds: number[];
}

export interface ConceptMetrics extends Counts, PrecisionRecall {
  /** Inputs labelled positive / negative for the concept, and their sum. */
  numPos: number;
  numNeg: number;
  numTot: number;
  /** Undefined without both positives and negatives. */
  rocAuc: number | undefined;
  /** Undefined without positives. */
  avgPrecision: number | undefined;
  rocCurve: RocCurve;
  prCurve: PrCurve;
}

export interface MetricsSummary {
  macroAvgRocAuc: number;
  macroStdRocAuc: number;
  macroAvgF1: number;
  macroStdF1: number;
  macroAvgPrecision: number;
  macroAvgRecall: number;
  /** Concepts the ROC AUC mean is over (those with positives and negatives). */
  aucConcepts: number;
}

export interface MatrixCell {
  /** Concept column index of the true label (confusion) or the row concept (co-occurrence). */
  actual: number;
  predicted: number;
  count: number;
}

export interface ClassificationMetrics {
  perConcept: ConceptMetrics[];
  summary: MetricsSummary;
  /** Non-zero cells only, row-major by actual then predicted. */
  confusion: MatrixCell[];
  /** Concept indices ordered by the strength of the confusion matrix diagonal (share of a concept's inputs predicted right), strongest first; ties by index. */
  confusionOrder: number[];
  cooccurrence: MatrixCell[];
  /** n × k: 1 where the concept is predicted positive for the row (threshold, or argmax when exclusive). */
  predicted: Uint8Array;
  /** Inputs with at least one known label (the ones the evaluation says anything about). */
  labelledRows: number;
}

export interface MetricsInput {
  scores: ArrayLike<number>;
  labels: ArrayLike<number>;
  n: number;
  k: number;
  mutuallyExclusive: boolean;
  threshold?: number;
  curvePoints?: number;
}

/** Indices 0..n-1 ordered by score, descending (stable: equal scores keep index order). */
function byScoreDesc(scores: ArrayLike<number>): number[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  return idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/** ROC AUC by the rank statistic (average ranks for ties). Undefined without both classes. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number | undefined {
  const m = scores.length;
  let nPos = 0;
  for (let i = 0; i < m; i++) if (positive[i]) nPos++;
  const nNeg = m - nPos;
  if (nPos === 0 || nNeg === 0) return undefined;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0;
  for (let i = 0; i < m; ) {
    let j = i;
    while (j + 1 < m && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const avgRank = (i + j + 2) / 2; // 1-based ranks i+1 .. j+1
    for (let t = i; t <= j; t++) if (positive[order[t]!]) rankSumPos += avgRank;
    i = j + 1;
  }
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export function countsOf(predicted: ArrayLike<boolean>, positive: ArrayLike<boolean>): Counts {
  const c: Counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let i = 0; i < positive.length; i++) {
    if (predicted[i]) positive[i] ? c.tp++ : c.fp++;
    else positive[i] ? c.fn++ : c.tn++;
  }
  return c;
}

export function precisionRecallF1(c: Counts): PrecisionRecall {
  const precision = c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0;
  const recall = c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

/** The confusion counts at every distinct score threshold, highest first (a score >= threshold is predicted positive). */
function thresholdSweep(
  scores: ArrayLike<number>,
  positive: ArrayLike<boolean>,
): { thresholds: number[]; tp: number[]; fp: number[]; nPos: number; nNeg: number } {
  const order = byScoreDesc(scores);
  let nPos = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) nPos++;
  const out = { thresholds: [] as number[], tp: [] as number[], fp: [] as number[], nPos, nNeg: positive.length - nPos };
  let tp = 0,
    fp = 0;
  for (let i = 0; i < order.length; i++) {
    positive[order[i]!] ? tp++ : fp++;
    const s = scores[order[i]!]!;
    if (i + 1 < order.length && scores[order[i + 1]!] === s) continue; // the whole tie group crosses together
    out.thresholds.push(s);
    out.tp.push(tp);
    out.fp.push(fp);
  }
  return out;
}

/** Average precision (step-wise area under the precision–recall curve). Undefined without positives. */
export function averagePrecision(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number | undefined {
  const sw = thresholdSweep(scores, positive);
  if (sw.nPos === 0) return undefined;
  let ap = 0,
    prevRecall = 0;
  for (let i = 0; i < sw.thresholds.length; i++) {
    const recall = sw.tp[i]! / sw.nPos;
    const precision = sw.tp[i]! / (sw.tp[i]! + sw.fp[i]!);
    ap += (recall - prevRecall) * precision;
    prevRecall = recall;
  }
  return ap;
}

/** At most `max` indices of 0..m-1, evenly spread, always with the first and the last. */
export function sampleIndices(m: number, max: number): number[] {
  if (m <= max) return Array.from({ length: m }, (_, i) => i);
  if (max <= 1) return m > 0 ? [m - 1] : [];
  const out: number[] = [];
  for (let i = 0; i < max; i++) {
    const j = Math.round((i * (m - 1)) / (max - 1));
    if (out[out.length - 1] !== j) out.push(j);
  }
  return out;
}

/** ROC and precision–recall points at the distinct score thresholds (highest first), at most `maxPoints` each. */
export function curves(scores: ArrayLike<number>, positive: ArrayLike<boolean>, maxPoints = DEFAULT_CURVE_POINTS): { roc: RocCurve; pr: PrCurve } {
  const sw = thresholdSweep(scores, positive);
  const roc: RocCurve = { fpr: [], tpr: [], thresholds: [] };
  const pr: PrCurve = { precision: [], recall: [], thresholds: [] };
  for (const i of sampleIndices(sw.thresholds.length, maxPoints)) {
    const tp = sw.tp[i]!,
      fp = sw.fp[i]!,
      t = sw.thresholds[i]!;
    roc.fpr.push(sw.nNeg > 0 ? fp / sw.nNeg : 0);
    roc.tpr.push(sw.nPos > 0 ? tp / sw.nPos : 0);
    roc.thresholds.push(t);
    pr.precision.push(tp / (tp + fp));
    pr.recall.push(sw.nPos > 0 ? tp / sw.nPos : 0);
    pr.thresholds.push(t);
  }
  return { roc, pr };
}

/** Mean and population standard deviation; 0 and 0 for no values. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: 0, std: 0 };
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

/** Index of the highest score of row r (ties: the first). */
export function argmaxRow(scores: ArrayLike<number>, r: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (scores[r * k + c]! > scores[r * k + best]!) best = c;
  return best;
}

/** n × k predictions: argmax per row when exclusive, else score >= threshold. */
export function predictLabels(scores: ArrayLike<number>, n: number, k: number, mutuallyExclusive: boolean, threshold = DEFAULT_THRESHOLD): Uint8Array {
  const out = new Uint8Array(n * k);
  for (let r = 0; r < n; r++) {
    if (mutuallyExclusive) out[r * k + argmaxRow(scores, r, k)] = 1;
    else for (let c = 0; c < k; c++) if (scores[r * k + c]! >= threshold) out[r * k + c] = 1;
  }
  return out;
}

/** Every metric of one evaluation, from out-of-sample scores and the true labels. */
export function classificationMetrics(input: MetricsInput): ClassificationMetrics {
  const { scores, labels, n, k, mutuallyExclusive } = input;
  if (scores.length < n * k || labels.length < n * k) throw new RangeError(`classificationMetrics: expected ${n} × ${k} scores and labels`);
  const predicted = predictLabels(scores, n, k, mutuallyExclusive, input.threshold ?? DEFAULT_THRESHOLD);

  const perConcept: ConceptMetrics[] = [];
  for (let c = 0; c < k; c++) {
    const s: number[] = [],
      pos: boolean[] = [],
      pred: boolean[] = [];
    for (let r = 0; r < n; r++) {
      const l = labels[r * k + c];
      if (l !== 1 && l !== 0) continue;
      s.push(scores[r * k + c]!);
      pos.push(l === 1);
      pred.push(predicted[r * k + c] === 1);
    }
    const counts = countsOf(pred, pos);
    const { roc, pr } = curves(s, pos, input.curvePoints ?? DEFAULT_CURVE_POINTS);
    const numPos = counts.tp + counts.fn;
    const numNeg = counts.fp + counts.tn;
    perConcept.push({
      ...counts,
      ...precisionRecallF1(counts),
      numPos,
      numNeg,
      numTot: numPos + numNeg,
      rocAuc: rocAuc(s, pos),
      avgPrecision: averagePrecision(s, pos),
      rocCurve: roc,
      prCurve: pr,
    });
  }

  const withPos = perConcept.filter((m) => m.numPos > 0);
  const aucs = perConcept.map((m) => m.rocAuc).filter((a): a is number => a !== undefined);
  const auc = meanStd(aucs);
  const f1 = meanStd(withPos.map((m) => m.f1));
  const summary: MetricsSummary = {
    macroAvgRocAuc: auc.mean,
    macroStdRocAuc: auc.std,
    macroAvgF1: f1.mean,
    macroStdF1: f1.std,
    macroAvgPrecision: meanStd(withPos.map((m) => m.precision)).mean,
    macroAvgRecall: meanStd(withPos.map((m) => m.recall)).mean,
    aucConcepts: aucs.length,
  };

  const confusionCounts = new Float64Array(k * k);
  const coCounts = new Float64Array(k * k);
  let labelledRows = 0;
  for (let r = 0; r < n; r++) {
    let known = false;
    const top = argmaxRow(scores, r, k);
    for (let a = 0; a < k; a++) {
      const l = labels[r * k + a];
      if (l === 1 || l === 0) known = true;
      if (l !== 1) continue;
      confusionCounts[a * k + top]!++;
      for (let p = 0; p < k; p++) if (predicted[r * k + p] === 1) coCounts[a * k + p]!++;
    }
    if (known) labelledRows++;
  }
  const cells = (m: Float64Array): MatrixCell[] => {
    const out: MatrixCell[] = [];
    for (let a = 0; a < k; a++) for (let p = 0; p < k; p++) if (m[a * k + p]! > 0) out.push({ actual: a, predicted: p, count: m[a * k + p]! });
    return out;
  };
  const strength = Array.from({ length: k }, (_, c) => {
    let row = 0;
    for (let p = 0; p < k; p++) row += confusionCounts[c * k + p]!;
    return row > 0 ? confusionCounts[c * k + c]! / row : -1;
  });
  const confusionOrder = Array.from({ length: k }, (_, c) => c).sort((a, b) => strength[b]! - strength[a]! || a - b);
  return { perConcept, summary, confusion: cells(confusionCounts), confusionOrder, cooccurrence: cells(coCounts), predicted, labelledRows };
}
