import { invalidArgument } from '../../domain/errors.js';
import { isJsonObject, type JsonObject } from '../../domain/json.js';
import { DEFAULT_FOLDS, MAX_FOLDS } from '../../ml/evaluation/split.js';

/**
 * The eval_info.params modelkeep understands. `use_kfold` is Clarifai's switch between k-fold and a
 * dataset evaluation (its docs set `{"dataset_id": …, "use_kfold": false}`); here the dataset decides,
 * so the flag is accepted when it agrees and refused when it contradicts.
 */
const EVAL_PARAMS = ['num_folds', 'dataset_id', 'dataset_version_id', 'use_kfold'];

/**
 * How a version is evaluated: k-fold cross-validation on its own training data (num_folds), or —
 * with a dataset — held out: the trained version scores exactly that dataset's (version's) inputs
 * (decision 0020).
 */
export interface EvalParams {
  numFolds: number;
  datasetId?: string;
  datasetVersionId?: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * `eval_info` of a request (and the evaluation's `ground_truth_dataset`, the other place Clarifai's
 * clients name the dataset) -> validated parameters; 21202 for anything else, never dropped. Empty
 * strings mean unset: the official SDK always sends both dataset keys.
 */
export function evalParamsOf(raw: unknown, where: string, groundTruth?: unknown, gtWhere = 'ground_truth_dataset'): EvalParams {
  let params: JsonObject = {};
  if (raw !== undefined && raw !== null) {
    if (!isJsonObject(raw))
      throw invalidArgument(`${where} must be an object like {"params": {"num_folds": ${DEFAULT_FOLDS}}} or {"params": {"dataset_id": "test-set"}}.`);
    const unknownKeys = Object.keys(raw).filter((k) => k !== 'params');
    if (unknownKeys.length > 0)
      throw invalidArgument(
        `${where}.${unknownKeys[0]} is not supported; modelkeep takes ${where}.params (num_folds, or dataset_id with an optional dataset_version_id and use_kfold false).`,
      );
    const p = raw.params ?? {};
    if (!isJsonObject(p)) throw invalidArgument(`${where}.params must be an object.`);
    params = p;
  }
  const unknown = Object.keys(params).filter((k) => !EVAL_PARAMS.includes(k));
  if (unknown.length > 0) {
    throw invalidArgument(
      `${where}.params.${unknown[0]} is not supported: modelkeep evaluates a version by k-fold cross-validation on its training data (${where}.params.num_folds, 2–${MAX_FOLDS}, default ${DEFAULT_FOLDS}) or on a held-out dataset (${where}.params.dataset_id, optional dataset_version_id).`,
    );
  }
  let datasetId = str(params.dataset_id);
  let datasetVersionId = str(params.dataset_version_id);
  if (groundTruth !== undefined && groundTruth !== null && isJsonObject(groundTruth)) {
    const gtId = str(groundTruth.id);
    const gtVersion = isJsonObject(groundTruth.version) ? str(groundTruth.version.id) : '';
    if (gtId && datasetId && gtId !== datasetId)
      throw invalidArgument(`${gtWhere}.id '${gtId}' and ${where}.params.dataset_id '${datasetId}' name different datasets; name the dataset once.`);
    if (gtVersion && datasetVersionId && gtVersion !== datasetVersionId)
      throw invalidArgument(
        `${gtWhere}.version.id '${gtVersion}' and ${where}.params.dataset_version_id '${datasetVersionId}' differ; name the dataset version once.`,
      );
    datasetId ||= gtId;
    datasetVersionId ||= gtVersion;
  }
  if (datasetVersionId && !datasetId)
    throw invalidArgument(`${where}.params.dataset_version_id needs ${where}.params.dataset_id: name the dataset the version belongs to.`);
  const useKfold = params.use_kfold;
  if (useKfold !== undefined && useKfold !== null && typeof useKfold !== 'boolean')
    throw invalidArgument(`${where}.params.use_kfold ${JSON.stringify(useKfold)} must be true or false.`);
  if (useKfold === true && datasetId)
    throw invalidArgument(
      `${where}.params.use_kfold true and dataset_id cannot be combined: a dataset evaluation scores the dataset's inputs with the trained version, without folds. Send use_kfold false (or leave it out) with dataset_id, or leave dataset_id out for k-fold.`,
    );
  if (useKfold === false && !datasetId)
    throw invalidArgument(
      `${where}.params.use_kfold false needs a dataset to evaluate on: name it in ${where}.params.dataset_id (or leave use_kfold out for k-fold cross-validation).`,
    );
  if (datasetId) {
    if (params.num_folds !== undefined && params.num_folds !== null) {
      throw invalidArgument(
        `${where}.params.num_folds and dataset_id cannot be combined: a dataset evaluation scores the dataset's inputs with the trained version, without folds. Send one of them.`,
      );
    }
    return { numFolds: 0, datasetId, ...(datasetVersionId ? { datasetVersionId } : {}) };
  }
  const folds = params.num_folds ?? DEFAULT_FOLDS;
  if (typeof folds !== 'number' || !Number.isInteger(folds) || folds < 2 || folds > MAX_FOLDS) {
    throw invalidArgument(`${where}.params.num_folds ${JSON.stringify(folds)} must be a whole number from 2 to ${MAX_FOLDS}.`);
  }
  return { numFolds: folds };
}

/** The eval_info kept with the evaluation: what was asked, in the request's own terms. */
export function evalInfoOf(p: EvalParams): JsonObject {
  if (!p.datasetId) return { params: { num_folds: p.numFolds } };
  return { params: { dataset_id: p.datasetId, ...(p.datasetVersionId ? { dataset_version_id: p.datasetVersionId } : {}) } };
}
