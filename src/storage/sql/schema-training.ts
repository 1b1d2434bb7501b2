import type { ColumnType } from 'kysely';
/** Row shapes of the tables created by `migrations/002_training_data.ts` (same conventions as schema.ts). Binary columns are Buffers on both drivers. */

export interface ConceptsTable {
  user_id: string;
  app_id: string;
  id: string;
  name: string;
  /** Migration 006; the database fills 'en' when an insert leaves it out (implicitly created concepts). */
  language: ColumnType<string, string | undefined, string>;
  created_at: number;
  modified_at: number;
}

export interface InputsTable {
  pk: string;
  user_id: string;
  app_id: string;
  id: string;
  kind: string;
  text_raw: string | null;
  image_url: string | null;
  /** JSON ImageInfo, set when processing decoded the image. */
  image_info: string | null;
  metadata: string;
  status_code: number;
  status_details: string;
  attempts: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  created_at: number;
  modified_at: number;
  /** Id of the input-level annotation (migration 005); NULL only in rows imported from older archives (the pk stands in). */
  annotation_id: string | null;
  /** JSON {longitude, latitude} (migration 005); NULL when the input has no geo point. */
  geo: string | null;
  /** Place in the processing queue (migration 007, decision 0034): set by inputs.create, 0 for older rows. */
  turn: ColumnType<number, number | undefined, number>;
}

export interface InputLabelsTable {
  input_pk: string;
  concept_id: string;
  position: number;
  value: number;
  /** The annotation holding this label (migration 005); NULL for the input's input-level annotation. */
  annotation_pk: string | null;
}

/** Migration 005: annotations added by PostAnnotations (the input-level one is the input row itself). */
export interface AnnotationsTable {
  pk: string;
  input_pk: string;
  id: string;
  created_at: number;
  modified_at: number;
}

/** Archives of a dataset version, one per export format (migration 011). */
export interface DatasetVersionExportsTable {
  version_pk: string;
  format: string;
  archive: Buffer;
  created_at: number;
}

export interface InputBlobsTable {
  input_pk: string;
  bytes: Buffer;
}

export interface InputEmbeddingsTable {
  input_pk: string;
  embedder_id: string;
  dim: number;
  /** float32 little-endian. */
  vector: Buffer;
}

export interface DatasetsTable {
  pk: string;
  user_id: string;
  app_id: string;
  id: string;
  description: string;
  notes: string;
  metadata: string;
  created_at: number;
  modified_at: number;
}

export interface DatasetInputsTable {
  dataset_pk: string;
  input_pk: string;
  created_at: number;
}

export interface DatasetVersionsTable {
  pk: string;
  dataset_pk: string;
  id: string;
  user_id: string;
  app_id: string;
  description: string;
  metadata: string;
  status_code: number;
  inputs_count: number;
  unlabeled_count: number;
  positive_tags_count: number;
  created_at: number;
  modified_at: number;
}

export interface DatasetVersionInputsTable {
  version_pk: string;
  input_pk: string;
  /** JSON InputLabel[] as they were when the version was made. */
  labels: string;
}

export interface ArtifactsTable {
  version_pk: string;
  /** The whole artifact, or its first part when `parts` > 0 (migration 012). */
  bytes: Buffer;
  created_at: number;
  /** How many more parts artifact_parts holds (seq 1…parts). */
  parts: ColumnType<number, number | undefined, number>;
}

export interface ArtifactPartsTable {
  version_pk: string;
  seq: number;
  bytes: Buffer;
}

/** Migration 010: a trained version's exported package (decision 0041). */
export interface ModelVersionExportsTable {
  version_pk: string;
  size: number;
  bytes: Buffer;
  created_at: number;
}

/** Migration 005: the inputs a trained version learned from (an input deleted since drops out). */
export interface ModelVersionInputsTable {
  version_pk: string;
  input_pk: string;
}

export interface TrainingDataTables {
  concepts: ConceptsTable;
  inputs: InputsTable;
  input_labels: InputLabelsTable;
  annotations: AnnotationsTable;
  model_version_inputs: ModelVersionInputsTable;
  input_blobs: InputBlobsTable;
  input_embeddings: InputEmbeddingsTable;
  datasets: DatasetsTable;
  dataset_inputs: DatasetInputsTable;
  dataset_versions: DatasetVersionsTable;
  dataset_version_inputs: DatasetVersionInputsTable;
  dataset_version_exports: DatasetVersionExportsTable;
  artifacts: ArtifactsTable;
  artifact_parts: ArtifactPartsTable;
  model_version_exports: ModelVersionExportsTable;
}
