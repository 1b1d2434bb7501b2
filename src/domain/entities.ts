import type { JsonObject, JsonValue } from './json.js';

/** Visibility.gettable values from the protos. */
export const Visibility = { PRIVATE: 10, ORG: 30, PUBLIC: 50 } as const;

/** Milliseconds since the epoch; every timestamp in the domain uses it. */
export type Millis = number;

export interface User {
  id: string;
  createdAt: Millis;
}

export type KeyKind = 'pat' | 'app';

/** A PAT (user-level, all scopes) or an app key (bound to apps, limited to its scopes). Only the token's hash is kept. */
export interface ApiKey {
  id: string;
  userId: string;
  kind: KeyKind;
  tokenHash: string;
  description: string;
  scopes: string[];
  /** App ids the key may act on (app keys: exactly one; PATs: empty = every app of the user). */
  appIds: string[];
  createdAt: Millis;
  expiresAt: Millis | null;
}

export interface App {
  userId: string;
  id: string;
  name: string;
  description: string;
  defaultLanguage: string;
  /** '' = none. Stored and returned; modelkeep serves no workflows (ListWorkflows is 10040). */
  defaultWorkflowId: string;
  visibility: number;
  metadata: JsonObject;
  createdAt: Millis;
  modifiedAt: Millis;
}

/** Model-level fields only (2023-01-20): everything version-specific lives on ModelVersion. */
export interface Model {
  /** Internal surrogate key: stays fixed when PatchModelIds renames `id`. */
  pk: string;
  userId: string;
  appId: string;
  id: string;
  name: string;
  modelTypeId: string;
  description: string;
  notes: string;
  metadata: JsonObject;
  visibility: number;
  toolkits: string[];
  useCases: string[];
  languages: string[];
  checkConsents: string[];
  presets: JsonValue | null;
  defaultEvalInfo: JsonObject | null;
  workflowRecommended: boolean | null;
  createdAt: Millis;
  modifiedAt: Millis;
}

export interface VersionConcept {
  id: string;
  name: string;
  /** For threshold-style operators (concept-thresholder) the per-concept value; otherwise 1. */
  value: number;
}

export interface VersionStatus {
  code: number;
  details: string;
  percentCompleted: number;
}

/**
 * A model version. The `*Info` blobs are kept in the API's own JSON shape (snake_case keys,
 * e.g. `{output_config: {...}, params: {...}}`) so model-type field paths such as
 * `output_info.params.max_concepts` address them directly. Concepts are kept apart: they are
 * fixed at creation and never part of `outputInfo`.
 */
/**
 * What runs a version's predictions: 'plugin' — its model type's built-in plugin (on what modelkeep
 * trained); 'onnx' — an uploaded ONNX package (decision 0036). Fixed when the version is made.
 */
export type VersionRuntime = 'plugin' | 'onnx';

export interface ModelVersion {
  pk: string;
  modelPk: string;
  id: string;
  userId: string;
  appId: string;
  status: VersionStatus;
  concepts: VersionConcept[];
  totalInputCount: number;
  description: string;
  license: string;
  visibility: number;
  metadata: JsonObject;
  outputInfo: JsonObject;
  inputInfo: JsonObject;
  trainInfo: JsonObject;
  importInfo: JsonObject;
  runtime: VersionRuntime;
  trainLog: string;
  metrics: JsonObject | null;
  createdAt: Millis;
  modifiedAt: Millis;
  completedAt: Millis | null;
}

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A durable unit of background work (training, evaluation), written in the same transaction as its version. */
export interface Job {
  id: string;
  kind: string;
  versionPk: string;
  state: JobState;
  attempts: number;
  payload: JsonObject;
  leaseOwner: string | null;
  leaseExpiresAt: Millis | null;
  lastError: string;
  createdAt: Millis;
  updatedAt: Millis;
}
