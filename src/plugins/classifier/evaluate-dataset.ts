import type { ModelVersion } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import { Outcome, Stopped } from '../../domain/outcome.js';
import { Code } from '../../domain/status-codes.js';
import { type LinearModel, predict } from '../../ml/classifier/model.js';
import type { Embedder } from '../../ml/embedders/embedder.js';
import type { EvaluateCall, EvaluationResult } from '../../ports/plugins.js';
import type { TrainingDataSource } from '../../ports/training-data.js';
import { vectorSource } from '../embedding.js';
import { labelMatrix } from './labels.js';
import { classifierSettings } from './params.js';

/**
 * Held-out evaluation of a trained classifier version on a dataset (decision 0020): the version's
 * own artifact scores exactly the dataset's inputs — a dataset version's frozen inputs with the
 * labels they had then, or the dataset's current ones — that are processed and labelled with the
 * version's concepts. The label matrix is built as the k-fold path builds it (labelMatrix), and the
 * caller computes the same metrics from it (ml/evaluation/metrics.ts); only where the scores come
 * from differs. Nothing is trained, so the result does not depend on a seed.
 */
export async function evaluateOnDataset(
  call: EvaluateCall,
  embedder: Embedder | string,
  data: TrainingDataSource,
  loadModel: (version: ModelVersion) => Promise<LinearModel | undefined>,
): Promise<EvaluationResult> {
  const { version } = call;
  const heldOut = call.heldOut!;
  let s;
  try {
    s = classifierSettings(version, call.type);
  } catch (e) {
    if (e instanceof Outcome)
      throw new Outcome(Code.MODEL_EVALUATION_FAILED, `the version's settings are no longer valid (${e.details}); train a new version and evaluate that one.`);
    throw e;
  }
  if (typeof embedder === 'string') throw new Outcome(Code.MODEL_EVALUATION_FAILED, `${embedder}; the version cannot be evaluated on this server.`);
  const conceptIds = version.concepts.map((c) => c.id);
  const what = `dataset '${heldOut.datasetId}'${heldOut.datasetVersionId ? ` version '${heldOut.datasetVersionId}'` : ''}`;
  let selection;
  try {
    selection = await data.collect({
      userId: version.userId,
      appId: version.appId,
      ...vectorSource(embedder),
      conceptIds,
      datasetId: heldOut.datasetId,
      ...(heldOut.datasetVersionId ? { datasetVersionId: heldOut.datasetVersionId } : {}),
    });
  } catch (e) {
    if (e instanceof ApiError) throw new Outcome(Code.MODEL_EVALUATION_FAILED, `the evaluation dataset cannot be read: ${e.details}`);
    throw e;
  }
  const m = labelMatrix(selection.examples, { conceptIds, dim: embedder.dim });
  if (m.n === 0) {
    const waiting = selection.pending ? `; ${selection.pending} of its inputs are still being processed (wait for status 30000)` : '';
    throw new Outcome(
      Code.MODEL_EVALUATION_NEED_INPUTS,
      `${what} has no processed input with a ${embedder.id} embedding labelled with the version's concepts (${conceptIds.join(', ')})${waiting}; label inputs of the dataset with them, then evaluate again.`,
    );
  }
  const model = await loadModel(version);
  if (!model)
    throw new Outcome(Code.MODEL_EVALUATION_FAILED, `model version '${version.id}' has no trained artifact; train a new version and evaluate that one.`);
  if (model.d !== embedder.dim || model.k !== conceptIds.length) {
    throw new Outcome(
      Code.MODEL_EVALUATION_FAILED,
      `model version '${version.id}' was trained on ${model.d}-dimension features for ${model.k} concepts, which does not match its embedder ${embedder.id} (${embedder.dim}) or its ${conceptIds.length} concepts; train a new version.`,
    );
  }
  if (call.shouldStop()) throw new Stopped();
  const scores = predict(model, m.x, m.n);
  call.progress(1);
  return {
    conceptIds,
    inputIds: m.inputIds,
    n: m.n,
    k: conceptIds.length,
    labels: m.labels,
    scores,
    mutuallyExclusive: s.mutuallyExclusive,
    numFolds: 0,
    requestedFolds: 0,
    leaveOneOut: false,
    seed: 0,
    heldOut,
  };
}
