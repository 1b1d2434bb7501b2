/**
 * A whole app as a stream of lines (JSON Lines, usually gzipped): a header, every row of every table
 * that belongs to the app in parent-before-child order, and a footer with the row counts. Rows are
 * copied column for column, so ids, statuses, timestamps, trained artifacts, image bytes and
 * embeddings come back exactly; binary columns travel as `{"$b64": "…"}`.
 *
 * What is not in an archive: the user (the importing side names its own), API keys (secrets bound
 * to one instance's users), and other apps (the system app clarifai/main exists everywhere).
 *
 * Internal keys (`pk` columns, job ids) are instance-local: import gives every row a fresh one and
 * rewrites the references, so an archive can be imported next to its own source (`--as`). The fresh
 * keys sort like the old ones (rows arrive in key order; new key = one random prefix per import +
 * a counter), because a few lists break ties on them (dataset members added in one call).
 */
export const ARCHIVE_FORMAT = 'modelkeep-app-archive';
export const ARCHIVE_VERSION = 1;

export type Namespace = 'model' | 'version' | 'input' | 'dataset' | 'datasetVersion' | 'job' | 'annotation';

export interface TableSpec {
  name: string;
  /** Primary key: keyset paging order on export. */
  key: string[];
  /** Rows of the app are found through this parent (which has user_id / app_id); absent = own columns. */
  via?: { column: string; parent: string; parentKey: string };
  /** This table's own instance-local key: a fresh one on import. */
  own?: { column: string; ns: Namespace };
  /** Columns referring to instance-local keys of other tables: rewritten on import. */
  refs?: Record<string, Namespace>;
  /** Like refs, but NULL is a value of its own (kept as NULL). */
  nullableRefs?: Record<string, Namespace>;
  /** Rows per page on export (smaller for tables of large blobs). */
  page?: number;
}

/** Every table that holds app data, parents first (the order of the archive and of the import). */
export const ARCHIVE_TABLES: readonly TableSpec[] = [
  { name: 'apps', key: ['user_id', 'id'] },
  { name: 'concepts', key: ['user_id', 'app_id', 'id'] },
  { name: 'models', key: ['pk'], own: { column: 'pk', ns: 'model' } },
  { name: 'model_versions', key: ['pk'], own: { column: 'pk', ns: 'version' }, refs: { model_pk: 'model' } },
  {
    name: 'model_version_concepts',
    key: ['version_pk', 'position'],
    via: { column: 'version_pk', parent: 'model_versions', parentKey: 'pk' },
    refs: { version_pk: 'version' },
  },
  {
    name: 'artifacts',
    key: ['version_pk'],
    via: { column: 'version_pk', parent: 'model_versions', parentKey: 'pk' },
    refs: { version_pk: 'version' },
    page: 10,
  },
  {
    // A large artifact's further parts (migration 012): 4 MiB each, so a few per page.
    name: 'artifact_parts',
    key: ['version_pk', 'seq'],
    via: { column: 'version_pk', parent: 'model_versions', parentKey: 'pk' },
    refs: { version_pk: 'version' },
    page: 4,
  },
  {
    name: 'jobs',
    key: ['id'],
    via: { column: 'version_pk', parent: 'model_versions', parentKey: 'pk' },
    own: { column: 'id', ns: 'job' },
    refs: { version_pk: 'version' },
  },
  { name: 'inputs', key: ['pk'], own: { column: 'pk', ns: 'input' } },
  {
    name: 'annotations',
    key: ['pk'],
    via: { column: 'input_pk', parent: 'inputs', parentKey: 'pk' },
    own: { column: 'pk', ns: 'annotation' },
    refs: { input_pk: 'input' },
  },
  {
    name: 'input_labels',
    key: ['input_pk', 'concept_id'],
    via: { column: 'input_pk', parent: 'inputs', parentKey: 'pk' },
    refs: { input_pk: 'input' },
    nullableRefs: { annotation_pk: 'annotation' },
  },
  { name: 'input_blobs', key: ['input_pk'], via: { column: 'input_pk', parent: 'inputs', parentKey: 'pk' }, refs: { input_pk: 'input' }, page: 20 },
  {
    name: 'input_embeddings',
    key: ['input_pk', 'embedder_id'],
    via: { column: 'input_pk', parent: 'inputs', parentKey: 'pk' },
    refs: { input_pk: 'input' },
    page: 100,
  },
  {
    name: 'model_version_inputs',
    key: ['version_pk', 'input_pk'],
    via: { column: 'version_pk', parent: 'model_versions', parentKey: 'pk' },
    refs: { version_pk: 'version', input_pk: 'input' },
  },
  { name: 'workflows', key: ['user_id', 'app_id', 'id'] },
  { name: 'datasets', key: ['pk'], own: { column: 'pk', ns: 'dataset' } },
  {
    name: 'dataset_inputs',
    key: ['dataset_pk', 'input_pk'],
    via: { column: 'dataset_pk', parent: 'datasets', parentKey: 'pk' },
    refs: { dataset_pk: 'dataset', input_pk: 'input' },
  },
  { name: 'dataset_versions', key: ['pk'], own: { column: 'pk', ns: 'datasetVersion' }, refs: { dataset_pk: 'dataset' } },
  {
    name: 'dataset_version_inputs',
    key: ['version_pk', 'input_pk'],
    via: { column: 'version_pk', parent: 'dataset_versions', parentKey: 'pk' },
    refs: { version_pk: 'datasetVersion', input_pk: 'input' },
  },
];

/**
 * Tables deliberately left out of an archive: the user and its keys (see above), the migrator's, and
 * derived data a request makes again (model version exports from the artifact, dataset version exports).
 * A test keeps this list and ARCHIVE_TABLES covering the schema.
 */
export const NOT_ARCHIVED: readonly string[] = [
  'users',
  'api_keys',
  'kysely_migration',
  'kysely_migration_lock',
  'model_version_exports',
  'dataset_version_exports',
];

export interface ArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  version: number;
  app: { user_id: string; app_id: string };
  exported_at: string;
  /** The schema the rows were read from; an importer must know every one of them. */
  migrations: string[];
  tables: string[];
}

export interface ArchiveFooter {
  end: true;
  rows: Record<string, number>;
}

export type Row = Record<string, unknown>;

/** Thrown for an archive that cannot be imported (wrong format, truncated, app taken, …); the message says why. */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

export const encodeValue = (v: unknown): unknown =>
  v instanceof Uint8Array ? { $b64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') } : v;

export const decodeValue = (v: unknown): unknown =>
  v !== null && typeof v === 'object' && typeof (v as { $b64?: unknown }).$b64 === 'string' ? Buffer.from((v as { $b64: string }).$b64, 'base64') : v;
