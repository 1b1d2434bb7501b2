import type { JsonObject } from '../json.js';
import { SYSTEM_APP_ID, SYSTEM_USER_ID } from '../system-app.js';
import type { ConceptsFieldType, EnumOption, FieldSpec } from './types.js';

/**
 * Field builders shared by several catalog entries, so that e.g. every concept-producing type
 * describes `max_concepts` the same way the predictor applies it (reference §6.2).
 */

/** Largest integer a float32 holds exactly: ModelTypeRangeInfo.min/max are proto floats. */
export const FLOAT32_SAFE_INT = 16_777_216;

export const range = (path: string, defaultValue: number, min: number, max: number, step: number, description: string): FieldSpec => ({
  path,
  fieldType: 'RANGE',
  defaultValue,
  description,
  placeholder: lastSegment(path),
  range: { min, max, step },
});

const lastSegment = (path: string): string => path.slice(path.lastIndexOf('.') + 1);

/** `output_info.data`: the version's concept list. */
export const conceptsData = (fieldType: ConceptsFieldType, required: boolean, description: string): FieldSpec => ({
  path: 'output_info.data',
  fieldType,
  description,
  required,
});

/** The knobs every concept-producing predictor honours (same keys as OutputConfig; §6.2 steps 2–4). */
export const predictionParams = (): FieldSpec[] => [
  {
    path: 'output_info.params.max_concepts',
    fieldType: 'NUMBER',
    defaultValue: 20,
    description: 'the maximum number of concepts returned per prediction, highest values first.',
    placeholder: 'max_concepts',
    range: { min: 1, max: 200, step: 1 },
  },
  range('output_info.params.min_value', 0, 0, 1, 0.01, 'concepts with a value below this are left out of predictions.'),
  {
    path: 'output_info.params.select_concepts',
    fieldType: 'ARRAY_OF_MODEL_CONCEPTS',
    defaultValue: [],
    description: "only return these concepts (matched by id or name); empty returns all of the version's concepts.",
    placeholder: 'select_concepts',
  },
];

/** OutputConfig flags that shape how a classifier is trained (kept in output_config, where Clarifai's clients set them). */
export const classifierOutputConfig = (): FieldSpec[] => [
  {
    path: 'output_info.output_config.concepts_mutually_exclusive',
    fieldType: 'BOOLEAN',
    defaultValue: false,
    description: 'true: each input has exactly one of the concepts and values sum to 1 (softmax); false: each concept is scored on its own.',
  },
  {
    path: 'output_info.output_config.fail_on_missing_positive_examples',
    fieldType: 'BOOLEAN',
    defaultValue: false,
    description: 'fail training (21111) when a concept has no positive example, instead of training without it.',
  },
];

/** Which labelled data trains the version (§7.2): a dataset (version), or all of the app's annotations when empty. */
export const datasetParams = (): FieldSpec[] => [
  {
    path: 'train_info.params.dataset_id',
    fieldType: 'DATASET_ID',
    defaultValue: '',
    description: "train on this dataset; empty trains on all of the app's labelled inputs.",
    placeholder: 'dataset_id',
  },
  {
    path: 'train_info.params.dataset_version_id',
    fieldType: 'DATASET_VERSION_ID',
    defaultValue: '',
    description: 'train on this version of the dataset; empty uses its latest version.',
    placeholder: 'dataset_version_id',
  },
];

export const seedParam = (): FieldSpec =>
  range('train_info.params.seed', -1, -1, FLOAT32_SAFE_INT, 1, 'random seed for reproducible training; -1 picks one at random.');

/**
 * The embedder whose vectors a type works on. Served as `input_info.base_embed_model` (a Model
 * reference, Clarifai 9.7+); we describe it as a JSON field whose default is that reference.
 */
export const DEFAULT_BASE_EMBED_MODEL: JsonObject = {
  id: 'general-image-embedding',
  app_id: SYSTEM_APP_ID,
  user_id: SYSTEM_USER_ID,
  model_type_id: 'visual-embedder',
};

export const baseEmbedModel = (): FieldSpec => ({
  path: 'input_info.base_embed_model',
  fieldType: 'JSON',
  defaultValue: DEFAULT_BASE_EMBED_MODEL,
  description: 'the embedding model whose outputs this model works on, as {id, app_id, user_id}.',
  placeholder: 'base_embed_model',
});

/**
 * embedding-classifier's base model: no default, so a version created without one takes the
 * embedder of its training inputs' kind (general-text-embedding for text, general-image-embedding
 * for images) when it trains, and records it in its input_info (issue 11 item 8).
 */
export const baseEmbedModelFollowingData = (): FieldSpec => ({
  path: 'input_info.base_embed_model',
  fieldType: 'JSON',
  description:
    'the embedding model whose outputs this model works on, as {id, app_id, user_id}; left out, the training inputs decide: general-text-embedding for text, general-image-embedding for images.',
  placeholder: 'base_embed_model',
});

/** Hyper-parameters of our softmax / logistic-regression trainer on embeddings (shared by the light templates). */
export const linearHeadParams = (epochs: number): FieldSpec[] => [
  range(
    'train_info.params.num_epochs',
    epochs,
    1,
    1000,
    1,
    'solver iterations at most (about one pass over the training data each); training stops sooner once converged.',
  ),
  // Kept for versions that set it; the L-BFGS trainer (ADR 0023) has no step size.
  range('train_info.params.learning_rate', 0.003, 0.0001, 10, 0.0001, 'no effect: the trainer solves to convergence and has no step size.'),
  // 0.01: the calibration optimum on SpamAssassin and the synthetic benchmark set (ADR 0024).
  range(
    'train_info.params.l2_regularization',
    0.01,
    0,
    1,
    0.0001,
    'L2 penalty on the standardised weights; larger values give smoother, less confident scores.',
  ),
];

/** What every trainable classifier declares before its training params: concepts, training flags, prediction knobs, data. */
export const classifierFields = (): FieldSpec[] => [
  conceptsData('ARRAY_OF_CONCEPTS', true, 'the concepts to learn; the version predicts exactly these.'),
  ...classifierOutputConfig(),
  ...predictionParams(),
  ...datasetParams(),
];

/** `train_info.params.template` (reference §5.3): required, and each option carries its hyper-parameters. */
export const templateParam = (options: EnumOption[]): FieldSpec => ({
  path: 'train_info.params.template',
  fieldType: 'ENUM',
  required: true,
  description: 'the training template; its hyper-parameters come with it.',
  placeholder: 'template',
  enumOptions: options,
});
