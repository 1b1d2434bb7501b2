import { ApiError } from '../../domain/errors.js';
import { isJsonObject } from '../../domain/json.js';
import { Outcome, Stopped } from '../../domain/outcome.js';
import { Code } from '../../domain/status-codes.js';
import { TRAIN_DEFAULTS } from '../../ml/classifier/train.js';
import type { Embedder } from '../../ml/embedders/embedder.js';
import { crossValidate } from '../../ml/evaluation/cross-validate.js';
import { type EvaluationProblem, evaluationProblem, foldsFor, labelledRowCount, stratifiedFolds } from '../../ml/evaluation/split.js';
import type { EvaluateCall, EvaluationResult } from '../../ports/plugins.js';
import type { TrainingDataSource } from '../../ports/training-data.js';
import { vectorSource } from '../embedding.js';
import { labelMatrix } from './labels.js';
import { classifierSettings } from './params.js';

const ADVICE: Record<EvaluationProblem['kind'], { code: number; advice: string }> = {
  'need-labels': {
    code: Code.MODEL_EVALUATION_NEED_LABELS,
    advice:
      "label inputs with the version's concepts (PostInputs / PatchInputs, data.concepts value 1 or 0), wait until they are processed (status 30000), then call PostModelVersionMetrics again",
  },
  'need-inputs': {
    code: Code.MODEL_EVALUATION_NEED_INPUTS,
    advice:
      "label at least one more input with the version's concepts (PostInputs / PatchInputs, data.concepts value 1 or 0), wait until it is processed (status 30000), then call PostModelVersionMetrics again",
  },
};

/**
 * Cross-validation of a classifier version on the data its training would select now (same
 * dataset / dataset version / app inputs, same embeddings): stratified k-fold, one fresh linear
 * model per fold with the version's own hyper-parameters and seed, scoring the held-out fold.
 * A version trained with seed -1 (random) is evaluated with the trainer's default seed, so a
 * repeated evaluation gives the same numbers.
 */
export async function evaluateClassifier(call: EvaluateCall, embedder: Embedder | string, data: TrainingDataSource): Promise<EvaluationResult> {
  const { version } = call;
  let s;
  try {
    s = classifierSettings(version, call.type);
  } catch (e) {
    if (e instanceof Outcome)
      throw new Outcome(
        Code.MODEL_EVALUATION_FAILED,
        `the version's training settings are no longer valid (${e.details}); train a new version and evaluate that one.`,
      );
    throw e;
  }
  if (typeof embedder === 'string') throw new Outcome(Code.MODEL_EVALUATION_FAILED, `${embedder}; the version cannot be evaluated on this server.`);
  const conceptIds = version.concepts.map((c) => c.id);
  let selection;
  try {
    selection = await data.collect({
      userId: version.userId,
      appId: version.appId,
      ...vectorSource(embedder),
      conceptIds,
      enrich: s.enrich,
      ...(s.datasetId ? { datasetId: s.datasetId } : {}),
      ...(s.datasetVersionId ? { datasetVersionId: s.datasetVersionId } : {}),
    });
  } catch (e) {
    if (e instanceof ApiError) throw new Outcome(Code.MODEL_EVALUATION_FAILED, `the version's training data cannot be read: ${e.details}`);
    throw e;
  }
  const m = labelMatrix(selection.examples, { conceptIds, dim: embedder.dim });
  const k = conceptIds.length;
  const problem = evaluationProblem(m.labels, m.n, k, { mutuallyExclusive: s.mutuallyExclusive, conceptNames: conceptIds });
  if (problem) throw failureOf(problem);

  const params = isJsonObject(version.trainInfo.params) ? version.trainInfo.params : {};
  const seed = typeof params.seed === 'number' && params.seed >= 0 ? s.seed : TRAIN_DEFAULTS.seed;
  const { folds: numFolds, leaveOneOut } = foldsFor(call.numFolds, labelledRowCount(m.labels, m.n, k));
  const folds = stratifiedFolds(m.labels, m.n, k, numFolds, seed);
  let scores: Float32Array;
  try {
    scores = await crossValidate({ x: m.x, n: m.n, d: embedder.dim, labels: m.labels }, folds, numFolds, {
      train: { k, mutuallyExclusive: s.mutuallyExclusive, epochs: s.epochs, learningRate: s.learningRate, l2: s.l2, batchSize: s.batchSize, seed },
      onProgress: (f) => call.progress(f),
      shouldStop: () => call.shouldStop(),
      timeLeftMs: () => call.timeLeftMs(),
    });
  } catch (e) {
    if (e instanceof Stopped && e.reason === 'cancelled') throw new Stopped();
    if (e instanceof Stopped)
      throw new Outcome(
        Code.MODEL_EVALUATION_TIMED_OUT,
        `the evaluation (${numFolds} trainings of the version's classifier) did not finish within its time limit; evaluate with fewer folds (eval_info.params.num_folds) or lower num_epochs in a new version.`,
      );
    throw e;
  }
  return {
    conceptIds,
    inputIds: m.inputIds,
    n: m.n,
    k,
    labels: m.labels,
    scores,
    mutuallyExclusive: s.mutuallyExclusive,
    numFolds,
    requestedFolds: call.numFolds,
    leaveOneOut,
    seed,
  };
}

function failureOf(p: EvaluationProblem): Outcome {
  const { code, advice } = ADVICE[p.kind];
  return new Outcome(code, `${p.message}; ${advice}.`);
}
