import type { ModelVersion } from '../domain/entities.js';
import type { JsonObject } from '../domain/json.js';
import type { ClassificationMetrics } from '../ml/evaluation/metrics.js';
import type { EvaluationResult } from '../ports/plugins.js';

/** At most this many held-out inputs are kept in `test_set` (the first by input id), as Clarifai caps one split at 1,000. */
export const TEST_SET_LIMIT = 1000;
/** Predicted concepts kept per test-set input (highest scores first). */
const TEST_SET_CONCEPTS = 20;

const round = (x: number): number => Math.round(x * 1e6) / 1e6;
const roundAll = (xs: readonly number[]): number[] => xs.map(round);

/**
 * The computed parts of an `EvalMetrics` (summary, binary metrics, matrices, label counts, test set)
 * in API JSON, concepts named as the version names them. Show-if-empty fields are always printed.
 */
export function evaluationToApi(result: EvaluationResult, m: ClassificationMetrics, version: ModelVersion): JsonObject {
  const concept = (c: number): { id: string; name: string; app_id: string } => {
    const vc = version.concepts.find((x) => x.id === result.conceptIds[c]);
    return { id: result.conceptIds[c]!, name: vc?.name || result.conceptIds[c]!, app_id: version.appId };
  };
  const { k } = result;
  const binary = m.perConcept.map(
    (p, c): JsonObject => ({
      num_pos: p.numPos,
      num_neg: p.numNeg,
      num_tot: p.numTot,
      roc_auc: round(p.rocAuc ?? 0),
      f1: round(p.f1),
      concept: concept(c),
      roc_curve: { fpr: roundAll(p.rocCurve.fpr), tpr: roundAll(p.rocCurve.tpr), thresholds: roundAll(p.rocCurve.thresholds) },
      precision_recall_curve: { recall: roundAll(p.prCurve.recall), precision: roundAll(p.prCurve.precision), thresholds: roundAll(p.prCurve.thresholds) },
      ...(p.avgPrecision !== undefined ? { avg_precision: round(p.avgPrecision) } : {}),
    }),
  );
  const ids = result.conceptIds;
  const matrix = (cells: ClassificationMetrics['confusion']): JsonObject[] =>
    cells.map((e) => ({
      predicted: ids[e.predicted]!,
      actual: ids[e.actual]!,
      value: e.count,
      predicted_concept: concept(e.predicted),
      actual_concept: concept(e.actual),
    }));
  const testSet: JsonObject[] = [];
  for (let r = 0; r < result.n && testSet.length < TEST_SET_LIMIT; r++) {
    const truth: JsonObject[] = [];
    for (let c = 0; c < k; c++) {
      const l = result.labels[r * k + c];
      if (l === 1 || l === 0) truth.push({ ...concept(c), value: l });
    }
    if (truth.length === 0) continue;
    const predicted = Array.from({ length: k }, (_, c) => ({ ...concept(c), value: round(result.scores[r * k + c]!) }))
      .sort((a, b) => b.value - a.value || (a.id < b.id ? -1 : 1))
      .slice(0, TEST_SET_CONCEPTS);
    testSet.push({ input: { id: result.inputIds[r]! }, predicted_concepts: predicted, ground_truth_concepts: truth });
  }
  return {
    summary: {
      macro_avg_roc_auc: round(m.summary.macroAvgRocAuc),
      macro_std_roc_auc: round(m.summary.macroStdRocAuc),
      macro_avg_f1_score: round(m.summary.macroAvgF1),
      macro_std_f1_score: round(m.summary.macroStdF1),
      macro_avg_precision: round(m.summary.macroAvgPrecision),
      macro_avg_recall: round(m.summary.macroAvgRecall),
    },
    confusion_matrix: { matrix: matrix(m.confusion), concept_ids: m.confusionOrder.map((c) => ids[c]!) },
    cooccurrence_matrix: {
      matrix: m.cooccurrence.map((e) => ({ row: ids[e.actual]!, col: ids[e.predicted]!, count: e.count })),
      concept_ids: [...ids],
    },
    label_counts: { positive_label_counts: m.perConcept.map((p, c) => ({ count: p.numPos, concept: concept(c) })) },
    binary_metrics: binary,
    test_set: testSet,
  };
}

/**
 * How the numbers were computed, for the evaluation's status.details (the summary itself has no
 * text field): the folds actually used and why fewer than asked, the inputs, the seed, and the
 * concepts left out of the ROC AUC average because they lack positives or negatives.
 */
export function evaluationMethodText(result: EvaluationResult, m: ClassificationMetrics, seconds: string): string {
  const how = result.leaveOneOut
    ? `Leave-one-out cross-validation (${result.numFolds} folds${result.numFolds < result.requestedFolds ? `, fewer than the ${result.requestedFolds} asked: there are only ${result.numFolds} labelled inputs` : ''})`
    : `${result.numFolds}-fold cross-validation`;
  const noAuc = m.perConcept.map((p, c) => (p.rocAuc === undefined ? result.conceptIds[c]! : '')).filter(Boolean);
  const left =
    noAuc.length > 0 ? ` ROC AUC is left out for ${noAuc.join(', ')}: ${noAuc.length > 1 ? 'they have' : 'it has'} no positive or no negative inputs.` : '';
  return `${how} on ${m.labelledRows} labelled inputs (seed ${result.seed}) in ${seconds} s.${left}`;
}
