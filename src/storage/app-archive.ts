import { sql, type Kysely, type RawBuilder } from 'kysely';
import { newId } from '../domain/ids.js';
import { Code } from '../domain/status-codes.js';
import type { KyselyStore } from './kysely-store.js';
import { migrations } from './migrations/index.js';

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

type Namespace = 'model' | 'version' | 'input' | 'dataset' | 'datasetVersion' | 'job';

interface TableSpec {
  name: string;
  /** Primary key: keyset paging order on export. */
  key: string[];
  /** Rows of the app are found through this parent (which has user_id / app_id); absent = own columns. */
  via?: { column: string; parent: string; parentKey: string };
  /** This table's own instance-local key: a fresh one on import. */
  own?: { column: string; ns: Namespace };
  /** Columns referring to instance-local keys of other tables: rewritten on import. */
  refs?: Record<string, Namespace>;
  /** Rows per page on export (smaller for tables of large blobs). */
  page?: number;
}

/** Every table that holds app data, parents first (the order of the archive and of the import). */
export const ARCHIVE_TABLES: readonly TableSpec[] = [
  { name: 'apps', key: ['user_id', 'id'] },
  { name: 'concepts', key: ['user_id', 'app_id', 'id'] },
  { name: 'models', key: ['pk'], own: { column: 'pk', ns: 'model' } },
  { name: 'model_versions', key: ['pk'], own: { column: 'pk', ns: 'version' }, refs: { model_pk: 'model' } },
  { name: 'model_version_concepts', key: ['version_pk', 'position'], via: { column: 'version_pk', parent: 'model_versions', parentKey: 'pk' }, refs: { version_pk: 'version' } },
  { name: 'artifacts', key: ['version_pk'], via: { column: 'version_pk', parent: 'model_versions', parentKey: 'pk' }, refs: { version_pk: 'version' }, page: 10 },
  { name: 'jobs', key: ['id'], via: { column: 'version_pk', parent: 'model_versions', parentKey: 'pk' }, own: { column: 'id', ns: 'job' }, refs: { version_pk: 'version' } },
  { name: 'inputs', key: ['pk'], own: { column: 'pk', ns: 'input' } },
  { name: 'input_labels', key: ['input_pk', 'concept_id'], via: { column: 'input_pk', parent: 'inputs', parentKey: 'pk' }, refs: { input_pk: 'input' } },
  { name: 'input_blobs', key: ['input_pk'], via: { column: 'input_pk', parent: 'inputs', parentKey: 'pk' }, refs: { input_pk: 'input' }, page: 20 },
  { name: 'input_embeddings', key: ['input_pk', 'embedder_id'], via: { column: 'input_pk', parent: 'inputs', parentKey: 'pk' }, refs: { input_pk: 'input' }, page: 100 },
  { name: 'datasets', key: ['pk'], own: { column: 'pk', ns: 'dataset' } },
  { name: 'dataset_inputs', key: ['dataset_pk', 'input_pk'], via: { column: 'dataset_pk', parent: 'datasets', parentKey: 'pk' }, refs: { dataset_pk: 'dataset', input_pk: 'input' } },
  { name: 'dataset_versions', key: ['pk'], own: { column: 'pk', ns: 'datasetVersion' }, refs: { dataset_pk: 'dataset' } },
  { name: 'dataset_version_inputs', key: ['version_pk', 'input_pk'], via: { column: 'version_pk', parent: 'dataset_versions', parentKey: 'pk' }, refs: { version_pk: 'datasetVersion', input_pk: 'input' } },
];

/** Tables deliberately left out of an archive (see above). A test keeps this list and ARCHIVE_TABLES covering the schema. */
export const NOT_ARCHIVED: readonly string[] = ['users', 'api_keys', 'kysely_migration', 'kysely_migration_lock'];

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

type Row = Record<string, unknown>;

/** Thrown for an archive that cannot be imported (wrong format, truncated, app taken, …); the message says why. */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

const encodeValue = (v: unknown): unknown => (v instanceof Uint8Array ? { $b64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') } : v);

const decodeValue = (v: unknown): unknown =>
  v !== null && typeof v === 'object' && typeof (v as { $b64?: unknown }).$b64 === 'string' ? Buffer.from((v as { $b64: string }).$b64, 'base64') : v;

function scopeOf(spec: TableSpec, userId: string, appId: string): { from: RawBuilder<unknown>; where: RawBuilder<unknown> } {
  const t = sql.table(spec.name);
  if (spec.via) {
    const p = sql.table(spec.via.parent);
    return {
      from: sql`${t} as t join ${p} as p on p.${sql.ref(spec.via.parentKey)} = t.${sql.ref(spec.via.column)}`,
      where: sql`p.user_id = ${userId} and p.app_id = ${appId}`,
    };
  }
  const appCol = spec.name === 'apps' ? 'id' : 'app_id';
  return { from: sql`${t} as t`, where: sql`t.user_id = ${userId} and t.${sql.ref(appCol)} = ${appId}` };
}

/**
 * Writes the app as archive lines to `sink` (one JSON document per call, no newline). Reads in one
 * read-only snapshot (PostgreSQL REPEATABLE READ; SQLite a deferred read transaction, which in WAL
 * mode does not block writers), paging each table by its primary key so memory stays flat.
 * Throws ArchiveError when the app does not exist.
 */
export async function exportApp(store: KyselyStore, userId: string, appId: string, sink: (line: string) => Promise<void>, now = Date.now()): Promise<ArchiveFooter> {
  const db = store.db as unknown as Kysely<any>;
  return db.connection().execute(async (conn) => {
    await sql.raw(store.dialect === 'postgres' ? 'begin isolation level repeatable read read only' : 'begin').execute(conn);
    try {
      const app = await sql`select id from apps where user_id = ${userId} and id = ${appId}`.execute(conn);
      if (app.rows.length === 0) throw new ArchiveError(`app ${userId}/${appId} does not exist`);
      const header: ArchiveHeader = {
        format: ARCHIVE_FORMAT,
        version: ARCHIVE_VERSION,
        app: { user_id: userId, app_id: appId },
        exported_at: new Date(now).toISOString(),
        migrations: Object.keys(migrations),
        tables: ARCHIVE_TABLES.map((s) => s.name),
      };
      await sink(JSON.stringify(header));
      const counts: Record<string, number> = {};
      for (const spec of ARCHIVE_TABLES) {
        counts[spec.name] = 0;
        const { from, where } = scopeOf(spec, userId, appId);
        const keyCols = sql.join(spec.key.map((k) => sql`t.${sql.ref(k)}`));
        let after: unknown[] | undefined;
        for (;;) {
          const page = sql`select t.* from ${from} where ${where}${after ? sql` and (${keyCols}) > (${sql.join(after)})` : sql``} order by ${keyCols} limit ${sql.lit(spec.page ?? 500)}`;
          const { rows } = await page.execute(conn);
          for (const r of rows as Row[]) {
            const out: Row = {};
            for (const [k, v] of Object.entries(r)) out[k] = encodeValue(v);
            await sink(JSON.stringify({ table: spec.name, row: out }));
          }
          counts[spec.name] = (counts[spec.name] ?? 0) + rows.length;
          if (rows.length < (spec.page ?? 500)) break;
          const last = rows[rows.length - 1] as Row;
          after = spec.key.map((k) => last[k]);
        }
      }
      const footer: ArchiveFooter = { end: true, rows: counts };
      await sink(JSON.stringify(footer));
      return footer;
    } finally {
      await sql`rollback`.execute(conn);
    }
  });
}

export interface ImportTarget {
  userId: string;
  appId: string;
}

export interface ImportResult {
  source: { userId: string; appId: string };
  target: ImportTarget;
  rows: Record<string, number>;
  /** The target user did not exist and was created (it has no keys yet). */
  createdUser: boolean;
}

/**
 * Reads archive lines and writes the app in ONE transaction: a bad or truncated archive leaves the
 * database as it was. The app lands under `target` (default: the archive's own user and app id).
 * Work in flight at export time starts over: running jobs are queued again, inputs being processed
 * go back to pending. Throws ArchiveError when the target app exists, or the archive is malformed,
 * truncated or from a newer schema.
 */
export async function importApp(store: KyselyStore, lines: AsyncIterable<string>, target?: ImportTarget, now = Date.now()): Promise<ImportResult> {
  const specs = new Map(ARCHIVE_TABLES.map((s) => [s.name, s]));
  const db = store.db as unknown as Kysely<any>;
  return db.transaction().execute(async (trx) => {
    let header: ArchiveHeader | undefined;
    let footer: ArchiveFooter | undefined;
    let to: ImportTarget | undefined;
    let createdUser = false;
    const counts: Record<string, number> = {};
    const maps = new Map<Namespace, Map<string, string>>();
    const mapOf = (ns: Namespace) => maps.get(ns) ?? maps.set(ns, new Map()).get(ns)!;
    const prefix = newId().slice(0, 16);
    let seq = 0;
    const freshKey = () => `${prefix}${(seq++).toString(16).padStart(16, '0')}`;
    let pending: { table: string; rows: Row[]; bytes: number } | undefined;
    const flush = async () => {
      if (!pending || pending.rows.length === 0) return;
      await trx.insertInto(pending.table).values(pending.rows).execute();
      pending = undefined;
    };
    let lineNo = 0;
    for await (const raw of lines) {
      lineNo++;
      const line = raw.trim();
      if (!line) continue;
      if (footer) throw new ArchiveError(`line ${lineNo}: data after the end marker`);
      let doc: Record<string, unknown>;
      try {
        doc = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new ArchiveError(`line ${lineNo}: not JSON`);
      }
      if (!header) {
        header = checkHeader(doc);
        to = target ?? { userId: header.app.user_id, appId: header.app.app_id };
        createdUser = await prepareTarget(trx, to, now);
        continue;
      }
      if (doc.end === true) {
        await flush();
        footer = doc as unknown as ArchiveFooter;
        continue;
      }
      const spec = specs.get(String(doc.table));
      if (!spec || typeof doc.row !== 'object' || doc.row === null) throw new ArchiveError(`line ${lineNo}: unknown table '${String(doc.table)}'`);
      const row = rewriteRow(spec, doc.row as Row, to!, mapOf, freshKey, lineNo);
      counts[spec.name] = (counts[spec.name] ?? 0) + 1;
      if (pending && pending.table !== spec.name) await flush();
      pending ??= { table: spec.name, rows: [], bytes: 0 };
      pending.rows.push(row);
      pending.bytes += line.length;
      // Bounded batches: PostgreSQL allows 65535 parameters per statement; blobs keep batches small in bytes too.
      if (pending.rows.length >= 200 || pending.bytes > 8 * 1024 * 1024) await flush();
    }
    if (!header) throw new ArchiveError('the archive is empty');
    if (!footer) throw new ArchiveError('the archive is truncated: no end marker (nothing was imported)');
    for (const [table, n] of Object.entries(footer.rows ?? {})) {
      if ((counts[table] ?? 0) !== n) throw new ArchiveError(`the archive is damaged: ${table} has ${counts[table] ?? 0} rows, the end marker says ${n} (nothing was imported)`);
    }
    return { source: { userId: header.app.user_id, appId: header.app.app_id }, target: to!, rows: footer.rows, createdUser };
  });
}

function checkHeader(doc: Record<string, unknown>): ArchiveHeader {
  if (doc.format !== ARCHIVE_FORMAT) throw new ArchiveError(`not a modelkeep app archive (first line has format ${JSON.stringify(doc.format)})`);
  if (doc.version !== ARCHIVE_VERSION) throw new ArchiveError(`archive version ${String(doc.version)} is not supported by this modelkeep (it reads version ${ARCHIVE_VERSION})`);
  const h = doc as unknown as ArchiveHeader;
  const unknown = (h.migrations ?? []).filter((m) => !(m in migrations));
  if (unknown.length > 0) throw new ArchiveError(`the archive comes from a newer modelkeep (schema ${unknown.join(', ')}); upgrade this one first`);
  return h;
}

/** The target user is created when missing; the target app must not exist. Returns whether the user was created. */
async function prepareTarget(trx: Kysely<any>, to: ImportTarget, now: number): Promise<boolean> {
  const app = await trx.selectFrom('apps').select('id').where('user_id', '=', to.userId).where('id', '=', to.appId).executeTakeFirst();
  if (app) throw new ArchiveError(`app ${to.userId}/${to.appId} already exists; delete it or import under another name with --as <user>/<app>`);
  const user = await trx.selectFrom('users').select('id').where('id', '=', to.userId).executeTakeFirst();
  if (user) return false;
  await trx.insertInto('users').values({ id: to.userId, created_at: now }).execute();
  return true;
}

function rewriteRow(spec: TableSpec, src: Row, to: ImportTarget, mapOf: (ns: Namespace) => Map<string, string>, freshKey: () => string, lineNo: number): Row {
  const row: Row = {};
  for (const [k, v] of Object.entries(src)) row[k] = decodeValue(v);
  if ('user_id' in row) row.user_id = to.userId;
  if ('app_id' in row) row.app_id = to.appId;
  if (spec.name === 'apps') row.id = to.appId;
  if (spec.own) {
    const old = row[spec.own.column];
    if (typeof old !== 'string') throw new ArchiveError(`line ${lineNo}: ${spec.name}.${spec.own.column} is missing`);
    const fresh = freshKey();
    mapOf(spec.own.ns).set(old, fresh);
    row[spec.own.column] = fresh;
  }
  for (const [col, ns] of Object.entries(spec.refs ?? {})) {
    const mapped = typeof row[col] === 'string' ? mapOf(ns).get(row[col] as string) : undefined;
    if (!mapped) throw new ArchiveError(`line ${lineNo}: ${spec.name}.${col} refers to a row the archive does not have`);
    row[col] = mapped;
  }
  if (spec.name === 'jobs') {
    row.payload = rewritePayload(String(row.payload ?? '{}'), mapOf);
    // The worker that held it belongs to the old instance: the job starts over here.
    if (row.state === 'running') Object.assign(row, { state: 'queued', lease_owner: null, lease_expires_at: null });
  }
  if (spec.name === 'inputs' && row.status_code === Code.INPUT_IN_PROGRESS) {
    Object.assign(row, { status_code: Code.INPUT_PENDING, lease_owner: null, lease_expires_at: null });
  }
  return row;
}

/** Job payloads name models by pk (`model_pk`); any `*_pk` string found in a key map is rewritten. */
function rewritePayload(text: string, mapOf: (ns: Namespace) => Map<string, string>): string {
  const payload = JSON.parse(text) as Record<string, unknown>;
  for (const [k, v] of Object.entries(payload)) {
    if (!k.endsWith('_pk') || typeof v !== 'string') continue;
    for (const ns of ['model', 'version', 'input', 'dataset', 'datasetVersion'] as const) {
      const mapped = mapOf(ns).get(v);
      if (mapped) {
        payload[k] = mapped;
        break;
      }
    }
  }
  return JSON.stringify(payload);
}
