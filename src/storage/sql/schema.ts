import type { TrainingDataTables } from './schema-training.js';

/**
 * Row shapes of the tables created by `migrations/`, as Kysely sees them. Both dialects return
 * the same JS types: timestamps are integer milliseconds (pg's int8 parser is set to Number),
 * JSON is TEXT that the repos (de)serialise, booleans are 0/1.
 */

export interface UsersTable {
  id: string;
  created_at: number;
}

export interface ApiKeysTable {
  user_id: string;
  id: string;
  kind: string;
  token_hash: string;
  description: string;
  /** JSON string[] */
  scopes: string;
  /** JSON string[]: the entity's appIds, kept verbatim. */
  app_ids: string;
  /** The app an app key is bound to (FK, so deleting the app deletes the key); NULL for PATs. */
  app_id: string | null;
  created_at: number;
  expires_at: number | null;
}

export interface AppsTable {
  user_id: string;
  id: string;
  name: string;
  description: string;
  default_language: string;
  default_workflow_id: string;
  visibility: number;
  metadata: string;
  created_at: number;
  modified_at: number;
}

export interface ModelsTable {
  pk: string;
  user_id: string;
  app_id: string;
  id: string;
  name: string;
  model_type_id: string;
  description: string;
  notes: string;
  metadata: string;
  visibility: number;
  toolkits: string;
  use_cases: string;
  languages: string;
  check_consents: string;
  presets: string | null;
  default_eval_info: string | null;
  workflow_recommended: number | null;
  /** Denormalised: total_input_count of the latest version, kept by the version repo (sort by num_inputs). */
  num_inputs: number;
  /** Denormalised: lower-cased word tokens of id, name, description, notes (ListModels `query`). */
  search_text: string;
  created_at: number;
  modified_at: number;
}

export interface ModelVersionsTable {
  pk: string;
  model_pk: string;
  id: string;
  user_id: string;
  app_id: string;
  status_code: number;
  status_details: string;
  percent_completed: number;
  /** JSON VersionConcept[]: concepts are immutable, so the row carries them and reads need no join. */
  concepts: string;
  total_input_count: number;
  description: string;
  license: string;
  visibility: number;
  metadata: string;
  output_info: string;
  input_info: string;
  train_info: string;
  import_info: string;
  /** What runs the version: 'plugin' (its type's built-in plugin) or 'onnx' (an uploaded package). Migration 009. */
  runtime: string;
  train_log: string;
  metrics: string | null;
  created_at: number;
  modified_at: number;
  completed_at: number | null;
}

/** One row per concept of a version: serves the `concept_ids` filter through an index. */
export interface ModelVersionConceptsTable {
  version_pk: string;
  position: number;
  concept_id: string;
  name: string;
  value: number;
}

export interface JobsTable {
  id: string;
  kind: string;
  version_pk: string;
  state: string;
  attempts: number;
  payload: string;
  lease_owner: string | null;
  lease_expires_at: number | null;
  last_error: string;
  created_at: number;
  updated_at: number;
}

/** Migration 009: one row per workflow, its graph as JSON (decision 0033). */
export interface WorkflowsTable {
  user_id: string;
  app_id: string;
  id: string;
  description: string;
  /** JSON object */
  metadata: string;
  /** JSON WorkflowNode[] (domain shape) */
  nodes: string;
  created_at: number;
  modified_at: number;
}

export interface DB extends TrainingDataTables {
  workflows: WorkflowsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  apps: AppsTable;
  models: ModelsTable;
  model_versions: ModelVersionsTable;
  model_version_concepts: ModelVersionConceptsTable;
  jobs: JobsTable;
}
