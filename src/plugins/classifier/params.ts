import { randomInt } from 'node:crypto';
import type { ModelVersion } from '../../domain/entities.js';
import { isJsonObject, type JsonObject } from '../../domain/json.js';
import type { ModelTypeDef } from '../../domain/model-types/types.js';
import { resolveVersionConfig } from '../../domain/model-types/version-config.js';
import { Outcome } from '../../domain/outcome.js';
import { Code } from '../../domain/status-codes.js';
import { TRAIN_DEFAULTS } from '../../ml/classifier/train.js';

export interface ClassifierSettings {
  mutuallyExclusive: boolean;
  failOnMissingPositives: boolean;
  epochs: number;
  learningRate: number;
  l2: number;
  batchSize: number;
  /** The seed actually used (a random one when the version asked for -1), logged so a run can be repeated. */
  seed: number;
  /** Template params the light trainer does not use (logged, so nobody believes they had an effect). */
  ignored: string[];
  datasetId?: string;
  datasetVersionId?: string;
  /** train_info.params.enrich_dataset 'Automatic': the scope's other inputs are negatives of every concept. */
  enrich: boolean;
}

/** Params accepted by a template but without effect here: features come from embeddings computed at upload. */
const NO_EFFECT = new Set(['image_size', 'flip_probability']);

const num = (params: JsonObject, key: string, fallback: number): number => {
  const v = params[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
};

/**
 * Reads a classifier version's training settings. The version was validated when it was created,
 * but it is validated again here (the catalog may have changed since): anything wrong is 21118.
 */
export function classifierSettings(version: ModelVersion, type: ModelTypeDef): ClassifierSettings {
  let trainInfo: JsonObject;
  try {
    ({ trainInfo } = resolveVersionConfig(type, {
      outputInfo: version.outputInfo,
      inputInfo: version.inputInfo,
      trainInfo: version.trainInfo,
      importInfo: version.importInfo,
    }));
  } catch (e) {
    throw new Outcome(Code.MODEL_TRAINING_INVALID_PARAMS, e instanceof Error ? e.message : String(e));
  }
  // The defaults are the catalog's (what ListModelTypes shows and PostModelVersions filled in);
  // TRAIN_DEFAULTS only stands in for a knob a type does not declare (batch_size of embedding-classifier).
  const params = isJsonObject(trainInfo.params) ? trainInfo.params : {};
  const oc = isJsonObject(version.outputInfo.output_config) ? version.outputInfo.output_config : {};
  const seedParam = num(params, 'seed', -1);
  const dataset = isJsonObject(version.trainInfo.dataset) ? version.trainInfo.dataset : {};
  const datasetVersion = isJsonObject(dataset.version) ? dataset.version : {};
  const datasetId = String(params.dataset_id ?? '') || String(dataset.id ?? '');
  const datasetVersionId = String(params.dataset_version_id ?? '') || String(datasetVersion.id ?? '');
  const s: ClassifierSettings = {
    mutuallyExclusive: oc.concepts_mutually_exclusive === true || params.concepts_mutually_exclusive === true,
    failOnMissingPositives: oc.fail_on_missing_positive_examples === true,
    epochs: Math.round(num(params, 'num_epochs', TRAIN_DEFAULTS.epochs)),
    learningRate: num(params, 'learning_rate', TRAIN_DEFAULTS.learningRate),
    l2: num(params, 'l2_regularization', TRAIN_DEFAULTS.l2),
    batchSize: Math.round(num(params, 'batch_size', TRAIN_DEFAULTS.batchSize)),
    seed: seedParam >= 0 ? Math.round(seedParam) : randomInt(1, 2 ** 31),
    ignored: Object.keys(params).filter((k) => NO_EFFECT.has(k)),
    enrich: params.enrich_dataset === 'Automatic',
  };
  if (datasetId) s.datasetId = datasetId;
  if (datasetVersionId) s.datasetVersionId = datasetVersionId;
  const bad: string[] = [];
  if (s.epochs < 1) bad.push(`num_epochs ${s.epochs} must be at least 1`);
  if (!(s.learningRate > 0)) bad.push(`learning_rate ${s.learningRate} must be above 0`);
  if (s.l2 < 0) bad.push(`l2_regularization ${s.l2} must not be negative`);
  if (s.batchSize < 1) bad.push(`batch_size ${s.batchSize} must be at least 1`);
  if (bad.length > 0) throw new Outcome(Code.MODEL_TRAINING_INVALID_PARAMS, `invalid train_info.params: ${bad.join('; ')}.`);
  return s;
}
