import type { Annotation, Concept, Dataset, DatasetVersion, GeoPoint, Input, InputKind, InputLabel, NewInput, SnapshotInput } from '../domain/inputs.js';
import type { JsonObject } from '../domain/json.js';
import type { Page } from './paging.js';

export interface InputListQuery {
  userId: string;
  appId: string;
  /** Only these input ids. */
  ids?: string[];
  statusCode?: number;
  /**
   * Only inputs after this one in the list's order (keyset paging, with page 1): a scan of a whole
   * app reads each row once, where OFFSET paging re-walks every earlier row on each page.
   */
  after?: { createdAt: number; id: string };
  page: Page;
}

export type ClaimLane = 'any' | 'fetch' | 'local';

/** An input the processor has claimed, with what it needs to compute its embeddings. */
export interface ClaimedInput {
  pk: string;
  id: string;
  /** The input's app: its base workflow decides which embedders index it (decision 0037). */
  userId: string;
  appId: string;
  kind: InputKind;
  text: string | null;
  imageUrl: string | null;
  textUrl: string | null;
  /** How many times it has been claimed, this claim included (crashed processors count). */
  attempts: number;
}

/** The outcome the processor writes for a claimed input. */
export type ProcessingResult =
  | {
      ok: true;
      embeddings: { embedderId: string; vector: Float32Array }[];
      imageInfo: JsonObject | null;
      fetchedBytes: Uint8Array | null;
      fetchedText?: string;
    }
  | { ok: false; details: string };

/** What training needs to know about an input, without its data. */
export interface TrainingRow {
  pk: string;
  id: string;
  kind: InputKind;
  statusCode: number;
  labels: InputLabel[];
}

export interface InputRepo {
  /**
   * Writes new inputs (status 30001) with their image bytes, labels and dataset memberships
   * (`datasetPks` parallel to `inputs`). Throws DuplicateKeyError('input', id) on a taken id.
   * Concepts and datasets must exist (callers ensure them in the same transaction).
   */
  create(inputs: NewInput[], datasetPks: string[][]): Promise<void>;
  /** `forUpdate` locks the row until the transaction ends (PostgreSQL FOR UPDATE), for read-modify-write PATCHes. */
  get(userId: string, appId: string, id: string, forUpdate?: boolean): Promise<Input | undefined>;
  /** The inputs with these ids that exist (any order). */
  getMany(userId: string, appId: string, ids: string[]): Promise<Input[]>;
  getByPks(pks: string[]): Promise<Input[]>;
  /** Newest first (created_at, then id). */
  list(query: InputListQuery): Promise<Input[]>;
  /**
   * Replaces the labels and metadata (and geo, when given) of an existing input (PatchInputs). A label
   * kept stays in the annotation holding it; a new one joins the input-level annotation.
   */
  updateAnnotations(pk: string, concepts: InputLabel[], metadata: JsonObject, now: number, geo?: GeoPoint | null): Promise<void>;
  /** Deletes inputs with their blobs, labels, embeddings and dataset memberships. */
  delete(pks: string[]): Promise<number>;
  /** Number of inputs of the app per status code. */
  countByStatus(userId: string, appId: string): Promise<Map<number, number>>;
  /** The stored image bytes (base64 upload, or fetched from its URL). */
  imageBytes(pk: string): Promise<Uint8Array | undefined>;
  /**
   * Atomically takes up to `limit` inputs that are pending, or in progress with an expired lease
   * (their processor died), sets them 30003 under `workerId` until `leaseUntil` and bumps attempts.
   * Two processors never hold the same input (SQLite: one writer; PostgreSQL: SKIP LOCKED).
   * Oldest first. `lane` takes only inputs that need a URL fetch ('fetch') or only those that do not
   * ('local'), so slow fetches never hold the rest.
   */
  claim(workerId: string, limit: number, leaseUntil: number, now: number, lane?: ClaimLane): Promise<ClaimedInput[]>;
  /**
   * Ends processing of an input this worker still holds: success (30000, embeddings stored) or
   * failure (30002 with details). Returns false, writing nothing, when the input was deleted or
   * taken over. Atomic on its own (runs in a transaction when called outside one).
   */
  finish(pk: string, workerId: string, result: ProcessingResult, now: number): Promise<boolean>;
  /**
   * The app's base workflow now indexes `kind` inputs with `embedderId` (decision 0037): its processed
   * inputs of that kind without a vector of it become 30501 (re-index pending), and inputs of that kind
   * in processing (30003) go back to 30001, so a processor that started them under the old workflow
   * cannot finish them (its lease is gone). Returns how many were queued for re-indexing.
   */
  markForReindex(userId: string, appId: string, kind: InputKind, embedderId: string, now: number): Promise<number>;
  /** Like claim, for re-indexing: 30501 inputs (and 30503 with an expired lease) become 30503 under `workerId`, oldest first. */
  claimReindex(workerId: string, limit: number, leaseUntil: number, now: number): Promise<ClaimedInput[]>;
  /**
   * Ends re-indexing of an input this worker still holds: 30500 with its new vectors stored, or 30502
   * with details (its earlier vectors stay). False, writing nothing, when it was deleted or taken over.
   */
  finishReindex(pk: string, workerId: string, result: ProcessingResult, now: number): Promise<boolean>;
  /**
   * Records the inputs (by id, within the version's app) a version was trained on; written in the
   * transaction that marks it TRAINED, replacing any earlier record.
   */
  recordTrainedOn(versionPk: string, userId: string, appId: string, inputIds: string[]): Promise<void>;
  /** The inputs a version was trained on that still exist (ListModelInputs), newest first like ListInputs. */
  trainedOn(versionPk: string, page: Page): Promise<Input[]>;
  /** Inputs of an app for training: labelled with any of `conceptIds` (all when empty), optionally within a dataset or a pk list. */
  trainingRows(q: { userId: string; appId: string; conceptIds: string[]; datasetPk?: string; inputPks?: string[] }): Promise<TrainingRow[]>;
}

export interface AnnotationQuery {
  userId: string;
  appId: string;
  /** Only annotations with these ids. */
  ids?: string[];
  /** Only annotations of these inputs (by input id). */
  inputIds?: string[];
  page: Page;
}

/**
 * Annotations: an input's labels in groups (decision 0019). The labels are the ones InputRepo
 * reads and writes — one store — so what is written here is what GetInput shows and training uses.
 * A concept labels an input once: callers check that a new label's concept is not held by another
 * annotation of the input (the store's key refuses it).
 */
export interface AnnotationRepo {
  /** Both the input-level annotations and the added ones, oldest first (Clarifai docs, List Annotations). */
  list(q: AnnotationQuery): Promise<Annotation[]>;
  /** Every annotation of these inputs: each input's input-level one first, then the added ones oldest first. */
  ofInputs(userId: string, appId: string, inputPks: string[]): Promise<Annotation[]>;
  /** Adds an annotation with its labels. Throws DuplicateKeyError('annotation', id) when the input has one with that id. */
  create(a: { pk: string; inputPk: string; id: string; labels: InputLabel[]; now: number }): Promise<void>;
  /** Replaces the labels of one annotation (`annotationPk` null: the input-level one). */
  setLabels(inputPk: string, annotationPk: string | null, labels: InputLabel[], now: number): Promise<void>;
  /** Deletes added annotations with their labels (never the input-level ones: they go with their input). */
  delete(pks: string[]): Promise<number>;
}

export interface EmbeddingRepo {
  /** Vectors of `embedderId` for these inputs; inputs without one are absent from the map. */
  getMany(inputPks: string[], embedderId: string): Promise<Map<string, Float32Array>>;
  /** Which embedders have a vector for the input, with their dimension. */
  listFor(inputPk: string): Promise<{ embedderId: string; dim: number }[]>;
}

export interface ConceptRepo {
  /** Creates the concepts that do not exist yet with name = id (existing ones are left alone). */
  ensure(userId: string, appId: string, ids: string[], now: number): Promise<void>;
  /** Throws DuplicateKeyError('concept', id) when one exists. */
  create(concepts: Concept[]): Promise<void>;
  get(userId: string, appId: string, id: string): Promise<Concept | undefined>;
  /** By id ascending; `idContains` filters case-insensitively. */
  list(userId: string, appId: string, page: Page, idContains?: string): Promise<Concept[]>;
  /** Sets the name of an existing concept (PatchConcepts); false when it does not exist. */
  rename(userId: string, appId: string, id: string, name: string, now: number): Promise<boolean>;
}

export interface DatasetRepo {
  /** Throws DuplicateKeyError('dataset', id). */
  create(d: Dataset): Promise<void>;
  /** `forUpdate` locks the row until the transaction ends (PostgreSQL FOR UPDATE), for read-modify-write PATCHes. */
  get(userId: string, appId: string, id: string, forUpdate?: boolean): Promise<Dataset | undefined>;
  /** Writes description, notes, metadata and modified_at of an existing dataset (PatchDatasets). */
  update(d: Dataset): Promise<void>;
  /** Deletes datasets with their memberships and versions (the inputs stay). Returns how many went. */
  delete(pks: string[]): Promise<number>;
  /** The existing datasets among `ids`. */
  getMany(userId: string, appId: string, ids: string[]): Promise<Dataset[]>;
  list(userId: string, appId: string, page: Page): Promise<Dataset[]>;
  /** Adds inputs to a dataset; already-present ones are left as they are. Returns how many were added. */
  addInputs(datasetPk: string, inputPks: string[], now: number): Promise<number>;
  /** Members in the order they were added, with when. */
  listInputs(datasetPk: string, page: Page): Promise<{ inputPk: string; addedAt: number }[]>;
  /** Every member's input pk. */
  inputPks(datasetPk: string): Promise<string[]>;
  /** Which of `inputPks` are members, with when they were added. */
  members(datasetPk: string, inputPks: string[]): Promise<{ inputPk: string; addedAt: number }[]>;
  /** Takes inputs out of the dataset (the inputs and the frozen versions stay). Returns how many left. */
  removeInputs(datasetPk: string, inputPks: string[]): Promise<number>;
  /** Writes a version with its frozen inputs. Throws DuplicateKeyError('dataset version', id). */
  createVersion(v: DatasetVersion, inputs: SnapshotInput[]): Promise<void>;
  getVersion(datasetPk: string, versionId: string): Promise<DatasetVersion | undefined>;
  /** Writes description, metadata and modified_at of an existing version (its frozen inputs never change). */
  updateVersion(v: DatasetVersion): Promise<void>;
  /** Deletes versions with their frozen membership. Returns how many went. */
  deleteVersions(pks: string[]): Promise<number>;
  /** A version found by id anywhere in the app (training by dataset_version_id alone). */
  findVersionInApp(userId: string, appId: string, versionId: string): Promise<DatasetVersion[]>;
  /** Newest first. */
  listVersions(datasetPk: string, page: Page): Promise<DatasetVersion[]>;
  /** The frozen inputs of a version (inputs deleted since are gone). */
  versionInputs(versionPk: string): Promise<SnapshotInput[]>;
  /**
   * Keeps a version's export archive in `format` unless one is kept already (an export is made once);
   * returns the archive kept, with when it was made. Undefined when the version is gone.
   */
  putExport(versionPk: string, format: string, archive: Uint8Array, now: number): Promise<DatasetExport | undefined>;
  getExport(versionPk: string, format: string): Promise<DatasetExport | undefined>;
  /** The exports kept for these versions, without their bytes: size and when they were made. */
  exportsOf(versionPks: string[]): Promise<{ versionPk: string; format: string; size: number; createdAt: number }[]>;
}

/** A dataset version's export archive (PutDatasetVersionExports, decision 0046). */
export interface DatasetExport {
  format: string;
  archive: Uint8Array;
  createdAt: number;
}
