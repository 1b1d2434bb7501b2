import type { Insertable, Selectable } from 'kysely';
import {
  type Concept,
  type Dataset,
  type DatasetVersion,
  DEFAULT_CONCEPT_LANGUAGE,
  type GeoPoint,
  type Input,
  type InputKind,
  type InputLabel,
  type NamedLabel,
} from '../../domain/inputs.js';
import type { JsonObject } from '../../domain/json.js';
import type { ConceptsTable, DatasetsTable, DatasetVersionsTable, InputsTable } from './schema-training.js';

// Entity <-> row mapping for the training-data tables. JSON travels as TEXT, as in rows.ts.

const parse = <T>(s: string): T => JSON.parse(s) as T;

/**
 * float32 vectors as little-endian bytes (every platform Node supports is little-endian, so the
 * Float32Array's own memory is the encoding).
 */
export const vectorToBytes = (v: Float32Array): Buffer => Buffer.from(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));

/** Copies out of the driver's Buffer: it may be a view into a shared, unaligned pool. */
export function vectorFromBytes(b: Uint8Array): Float32Array {
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}

export const bytesToBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

export function inputFromRow(r: Selectable<InputsTable>, concepts: NamedLabel[], datasetIds: string[]): Input {
  return {
    pk: r.pk,
    userId: r.user_id,
    appId: r.app_id,
    id: r.id,
    kind: r.kind as InputKind,
    text: r.text_raw,
    // One column holds the URL of the input's data; the kind says whether it is an image or a text.
    imageUrl: r.kind === 'image' ? r.image_url : null,
    textUrl: r.kind === 'text' ? r.image_url : null,
    imageInfo: r.image_info === null ? null : parse<JsonObject>(r.image_info),
    metadata: parse<JsonObject>(r.metadata),
    geo: r.geo === null || r.geo === undefined ? null : parse<GeoPoint>(r.geo),
    // Rows imported from archives older than migration 005 have no id of their own: the pk stands in.
    annotationId: r.annotation_id ?? r.pk,
    concepts,
    datasetIds,
    status: { code: r.status_code, details: r.status_details },
    createdAt: r.created_at,
    modifiedAt: r.modified_at,
  };
}

/** Label rows of one annotation (`annotationPk` null: the input-level one), positions from `first` on. */
export const labelRows = (inputPk: string, labels: InputLabel[], annotationPk: string | null = null, first = 0) =>
  labels.map((l, i) => ({ input_pk: inputPk, concept_id: l.id, position: first + i, value: l.value, annotation_pk: annotationPk }));

export const conceptToRow = (c: Concept): Insertable<ConceptsTable> => ({
  user_id: c.userId,
  app_id: c.appId,
  id: c.id,
  name: c.name,
  language: c.language ?? DEFAULT_CONCEPT_LANGUAGE,
  created_at: c.createdAt,
  modified_at: c.modifiedAt,
});

export const conceptFromRow = (r: Selectable<ConceptsTable>): Concept => ({
  userId: r.user_id,
  appId: r.app_id,
  id: r.id,
  name: r.name,
  language: r.language || DEFAULT_CONCEPT_LANGUAGE,
  createdAt: r.created_at,
  modifiedAt: r.modified_at,
});

export const datasetToRow = (d: Dataset): DatasetsTable => ({
  pk: d.pk,
  user_id: d.userId,
  app_id: d.appId,
  id: d.id,
  description: d.description,
  notes: d.notes,
  metadata: JSON.stringify(d.metadata),
  created_at: d.createdAt,
  modified_at: d.modifiedAt,
});

export const datasetFromRow = (r: Selectable<DatasetsTable>): Dataset => ({
  pk: r.pk,
  userId: r.user_id,
  appId: r.app_id,
  id: r.id,
  description: r.description,
  notes: r.notes,
  metadata: parse<JsonObject>(r.metadata),
  createdAt: r.created_at,
  modifiedAt: r.modified_at,
});

export const datasetVersionToRow = (v: DatasetVersion): DatasetVersionsTable => ({
  pk: v.pk,
  dataset_pk: v.datasetPk,
  id: v.id,
  user_id: v.userId,
  app_id: v.appId,
  description: v.description,
  metadata: JSON.stringify(v.metadata),
  status_code: v.statusCode,
  inputs_count: v.counts.inputs,
  unlabeled_count: v.counts.unlabeled,
  positive_tags_count: v.counts.positiveTags,
  created_at: v.createdAt,
  modified_at: v.modifiedAt,
});

export const datasetVersionFromRow = (r: Selectable<DatasetVersionsTable> & { dataset_id: string }): DatasetVersion => ({
  pk: r.pk,
  datasetPk: r.dataset_pk,
  datasetId: r.dataset_id,
  userId: r.user_id,
  appId: r.app_id,
  id: r.id,
  description: r.description,
  metadata: parse<JsonObject>(r.metadata),
  statusCode: r.status_code,
  counts: { inputs: r.inputs_count, unlabeled: r.unlabeled_count, positiveTags: r.positive_tags_count },
  createdAt: r.created_at,
  modifiedAt: r.modified_at,
});
