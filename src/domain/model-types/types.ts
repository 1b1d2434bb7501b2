import type { JsonValue } from '../json.js';

/**
 * ModelTypeField.ModelTypeFieldType numbers from the official resources.proto. Only the kinds our
 * catalog uses are listed: a field type outside this map cannot be validated, so the catalog may not use it.
 * REST prints these numbers (`"field_type": 7`), so they must match the proto exactly.
 */
export const FIELD_TYPE_NUMBERS = {
  BOOLEAN: 1,
  STRING: 2,
  NUMBER: 3,
  ARRAY_OF_CONCEPTS: 4,
  ARRAY_OF_CONCEPTS_WITH_THRESHOLD: 5,
  RANGE: 7,
  ENUM: 8,
  JSON: 10,
  ARRAY_OF_NUMBERS: 11,
  ARRAY_OF_STRINGS: 13,
  DATASET_ID: 16,
  DATASET_VERSION_ID: 17,
  ARRAY_OF_MODEL_CONCEPTS: 18,
} as const;

export type FieldType = keyof typeof FIELD_TYPE_NUMBERS;

/** The two field types that describe `output_info.data` (a version's concept list). */
export type ConceptsFieldType = 'ARRAY_OF_CONCEPTS' | 'ARRAY_OF_CONCEPTS_WITH_THRESHOLD';

/** EvaluationType enum of resources.proto (name → number). */
export const EVALUATION_TYPE_NUMBERS = {
  Undefined: 0,
  Classification: 1,
  Detection: 2,
  Segmentation: 3,
  Clustering: 4,
  Tracker: 5,
  Generation: 6,
} as const;

export type EvaluationType = keyof typeof EVALUATION_TYPE_NUMBERS;

/** ValueComparator enum of resources.proto; concept-thresholder's `concept_threshold_type` takes these. */
export const VALUE_COMPARATOR_NUMBERS = {
  GREATER_THAN: 1,
  GREATER_THAN_OR_EQUAL: 2,
  LESS_THAN: 3,
  LESS_THAN_OR_EQUAL: 4,
  EQUAL: 5,
} as const;

export type ValueComparator = keyof typeof VALUE_COMPARATOR_NUMBERS;

/** ModelTypeRangeInfo. `step` ≥ 1 and integral means "whole steps only" and is enforced; fractional steps are UI hints. */
export interface RangeInfo {
  min: number;
  max: number;
  step: number;
}

/** ModelTypeEnumOption. */
export interface EnumOption {
  id: string;
  description: string;
  recommended?: boolean;
  /** Not selectable by callers (the proto's `internal_only`); still listed so stored values stay explainable. */
  internalOnly?: boolean;
  /** ModelTypeEnumOptionAlias.id_int: numbers accepted in place of `id` (e.g. ValueComparator numbers). */
  aliases?: number[];
  /** Fields that exist only while this option is chosen (a training template's hyper-parameters). */
  fields?: FieldSpec[];
}

/**
 * ModelTypeField. `path` says where the value lives in a ModelVersion, in the API's JSON shape:
 * `output_info.data` (the concept list), `output_info.output_config.<x>`, `<section>.params.<x>` for
 * section ∈ output_info / input_info / train_info / import_info, or `input_info.base_embed_model`.
 */
export interface FieldSpec {
  path: string;
  fieldType: FieldType;
  defaultValue?: JsonValue;
  description: string;
  placeholder?: string;
  /** PostModelVersions must supply it; a default is never filled in for a required field. */
  required?: boolean;
  /** Server-managed: defaults are filled in, but callers may not set it. */
  internalOnly?: boolean;
  /** Bounds for RANGE (required there) and optionally for NUMBER. */
  range?: RangeInfo;
  /** Choices for ENUM. */
  enumOptions?: EnumOption[];
}

/** A model type as served by ListModelTypes / GetModelType, plus what the server needs to validate versions. */
export interface ModelTypeDef {
  id: string;
  title: string;
  description: string;
  /** Names of `Data` fields the type consumes / produces (ModelType.input_fields / output_fields). */
  inputFields: string[];
  outputFields: string[];
  trainable: boolean;
  /** Listed as creatable by ListModelTypes; PostModels refuses the others. */
  creatable: boolean;
  evaluationType: EvaluationType;
  fields: FieldSpec[];
  /** Field type of `output_info.data`; absent = the type takes no concepts. */
  conceptsField?: ConceptsFieldType;
  /** PostModelVersions must name at least one concept. */
  conceptsRequired?: boolean;
}

/** A concept as given in `output_info.data.concepts` of PostModelVersions (ids resolved, names filled by the caller). */
export interface ConceptInput {
  id: string;
  name: string;
  value: number;
}
