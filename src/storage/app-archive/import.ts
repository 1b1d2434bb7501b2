import type { Kysely } from 'kysely';
import { newId } from '../../domain/ids.js';
import { Code } from '../../domain/status-codes.js';
import type { KyselyStore } from '../kysely-store.js';
import { migrations } from '../migrations/index.js';
import { lastTurn } from '../repos/input-processing.repo.js';
import type { DB } from '../sql/schema.js';
import type { UntypedDb } from '../sql/untyped-db.js';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_TABLES,
  ARCHIVE_VERSION,
  ArchiveError,
  type ArchiveFooter,
  type ArchiveHeader,
  decodeValue,
  type Namespace,
  type Row,
  type TableSpec,
} from './format.js';

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
  const db = store.db as unknown as UntypedDb;
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
    // The source's queue places mean nothing here: the app's inputs take turns in this queue (decision 0034).
    let turn: number | undefined;
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
      if (spec.name === 'inputs') row.turn = turn = (turn ?? (await lastTurn(trx as unknown as Kysely<DB>, to!.userId, to!.appId))) + 1;
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
      if ((counts[table] ?? 0) !== n)
        throw new ArchiveError(`the archive is damaged: ${table} has ${counts[table] ?? 0} rows, the end marker says ${n} (nothing was imported)`);
    }
    return { source: { userId: header.app.user_id, appId: header.app.app_id }, target: to!, rows: footer.rows, createdUser };
  });
}

function checkHeader(doc: Record<string, unknown>): ArchiveHeader {
  if (doc.format !== ARCHIVE_FORMAT) throw new ArchiveError(`not a modelkeep app archive (first line has format ${JSON.stringify(doc.format)})`);
  if (doc.version !== ARCHIVE_VERSION)
    throw new ArchiveError(`archive version ${String(doc.version)} is not supported by this modelkeep (it reads version ${ARCHIVE_VERSION})`);
  const h = doc as unknown as ArchiveHeader;
  const unknown = (h.migrations ?? []).filter((m) => !(m in migrations));
  if (unknown.length > 0) throw new ArchiveError(`the archive comes from a newer modelkeep (schema ${unknown.join(', ')}); upgrade this one first`);
  return h;
}

/** The target user is created when missing; the target app must not exist. Returns whether the user was created. */
async function prepareTarget(trx: UntypedDb, to: ImportTarget, now: number): Promise<boolean> {
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
  for (const [col, ns] of Object.entries(spec.nullableRefs ?? {})) {
    if (row[col] === null || row[col] === undefined) continue;
    const mapped = typeof row[col] === 'string' ? mapOf(ns).get(row[col] as string) : undefined;
    if (!mapped) throw new ArchiveError(`line ${lineNo}: ${spec.name}.${col} refers to a row the archive does not have`);
    row[col] = mapped;
  }
  if (spec.name === 'jobs') {
    row.payload = rewritePayload(String(row.payload ?? '{}'), mapOf);
    // The worker that held it belongs to the old instance: the job starts over here.
    if (row.state === 'running') Object.assign(row, { state: 'queued', lease_owner: null, lease_expires_at: null });
  }
  // Archives from before migration 005 have no input-level annotation id: the input's key stands in, as the migration does.
  if (spec.name === 'inputs' && (row.annotation_id === undefined || row.annotation_id === null)) row.annotation_id = row.pk;
  if (spec.name === 'inputs' && row.status_code === Code.INPUT_IN_PROGRESS) {
    Object.assign(row, { status_code: Code.INPUT_PENDING, lease_owner: null, lease_expires_at: null });
  }
  // Likewise a re-index under way (decision 0037) is queued again here.
  if (spec.name === 'inputs' && row.status_code === Code.INPUT_REINDEX_IN_PROGRESS) {
    Object.assign(row, { status_code: Code.INPUT_REINDEX_PENDING, lease_owner: null, lease_expires_at: null });
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
