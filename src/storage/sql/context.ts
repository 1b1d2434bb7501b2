import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { MODEL_SETTABLE_FIELDS } from '../../domain/model-rules.js';
import { Code } from '../../domain/status-codes.js';
import type { DialectName } from './backend.js';
import { precompile } from './precompiled.js';
import type { ModelRow } from './rows.js';
import type { DB, ModelVersionsTable } from './schema.js';

/** What every repo works with: a root or a transaction-bound handle plus shared precompiled queries. */
export interface Ctx {
  readonly db: Kysely<DB>;
  readonly dialect: DialectName;
  readonly inTx: boolean;
  readonly hot: HotQueries;
  /** Runs a multi-statement write atomically: directly inside a transaction, else in a new one. */
  atomic<T>(fn: (db: Kysely<DB>) => Promise<T>): Promise<T>;
}

/**
 * Models columns minus the denormalised ones (search_text can be as long as the notes): the identity,
 * the type, the fields a user sets (their list is the domain's, named as the API names them) and the
 * timestamps.
 */
export const MODEL_COLUMNS = [
  'pk',
  'user_id',
  'app_id',
  'id',
  'model_type_id',
  ...MODEL_SETTABLE_FIELDS,
  'created_at',
  'modified_at',
] as const satisfies readonly (keyof ModelRow)[];

export const TRAINED = Code.MODEL_TRAINED;

/** Every model_versions column, in the order the precompiled INSERT takes them (the Record type lists each once). */
export const VERSION_INSERT_COLUMNS = Object.keys({
  pk: 1,
  model_pk: 1,
  id: 1,
  user_id: 1,
  app_id: 1,
  status_code: 1,
  status_details: 1,
  percent_completed: 1,
  concepts: 1,
  total_input_count: 1,
  description: 1,
  license: 1,
  visibility: 1,
  metadata: 1,
  output_info: 1,
  input_info: 1,
  train_info: 1,
  import_info: 1,
  runtime: 1,
  train_log: 1,
  metrics: 1,
  created_at: 1,
  modified_at: 1,
  completed_at: 1,
} satisfies Record<keyof ModelVersionsTable, 1>) as (keyof ModelVersionsTable)[];

export type HotQueries = ReturnType<typeof hotQueries>;

/**
 * The per-request queries of auth, GetModel and GetModelVersion (one indexed lookup each), and the
 * INSERT of PostModelVersions (building a 24-column insert cost more than running it).
 */
export function hotQueries(db: Kysely<DB>) {
  const versions = db.selectFrom('model_versions').selectAll();
  const newestFirst = (q: typeof versions) => q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1);
  return {
    keyByTokenHash: precompile(1, (h) => db.selectFrom('api_keys').selectAll().where('token_hash', '=', h)),
    modelById: precompile(3, (u, a, m) => db.selectFrom('models').select(MODEL_COLUMNS).where('user_id', '=', u).where('app_id', '=', a).where('id', '=', m)),
    versionById: precompile(2, (m, v) => versions.where('model_pk', '=', m).where('id', '=', v)),
    versionByPk: precompile(1, (pk) => versions.where('pk', '=', pk)),
    latest: precompile(1, (m) => newestFirst(versions.where('model_pk', '=', m))),
    latestTrained: precompile(1, (m) => newestFirst(versions.where('model_pk', '=', m).where('status_code', '=', TRAINED))),
    insertVersion: precompile(VERSION_INSERT_COLUMNS.length, (...v) =>
      db
        .insertInto('model_versions')
        .values(Object.fromEntries(VERSION_INSERT_COLUMNS.map((c, i) => [c, v[i]])) as unknown as ModelVersionsTable)
        .onConflict((oc) => oc.doNothing()),
    ),
  };
}

/**
 * `col IN (values)` with ONE SQL text whatever the number of values, so the statement cache (SQLite)
 * and pg's plan reuse see a single statement, and no parameter limit is ever hit.
 */
export function inList(dialect: DialectName, column: string, values: readonly string[]): Expression<SqlBool> {
  return dialect === 'postgres'
    ? sql<SqlBool>`${sql.ref(column)} = any(${[...values]}::text[])`
    : sql<SqlBool>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(values)}))`;
}

/** Numbers from Kysely's bigint row counts. */
export const count = (n: bigint | undefined): number => Number(n ?? 0n);

/** LIMIT/OFFSET of a 1-based page (pages below 1 read as 1). */
export function limitOffset(page: { page: number; perPage: number }): { limit: number; offset: number } {
  const limit = Math.max(0, Math.floor(page.perPage));
  return { limit, offset: (Math.max(1, Math.floor(page.page)) - 1) * limit };
}

/**
 * Rows per multi-row INSERT. SQLite binds at most 32,766 parameters per statement (PostgreSQL 65,535):
 * one PostInputs at the caps (128 inputs × 128 labels × 5 columns = 81,920) answered 500 as one
 * statement. Parts of 500 rows also keep each synchronous SQLite statement short (a few ms).
 */
export const ROWS_PER_INSERT = 500;

/**
 * Writes `rows` in parts of ROWS_PER_INSERT, giving the event loop a turn between parts: better-sqlite3
 * runs each statement synchronously, so 16,384 label rows in one go held every other request (and
 * /healthz) for the whole insert. Inside a transaction the others' queries still wait for the commit;
 * what they no longer wait for is everything that needs no database. A write of several parts also
 * waits a turn before its first: the statements before it (BEGIN, the inputs themselves) ran in the
 * same turn as the request's decoding and validation.
 */
export async function insertInParts<T>(rows: readonly T[], write: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    if (i > 0 || rows.length > ROWS_PER_INSERT) await nextTurn();
    await write(rows.slice(i, i + ROWS_PER_INSERT));
  }
}

/**
 * Inputs whose labels one query reads (trainingRows, hydrateInputs): at most 16 × 128 = 2,048 label
 * rows, a few ms of synchronous SQLite. One read of PostInputs' 16,384 answer labels took up to 116 ms
 * at load 8, and ran in the same turn as the COMMIT before it and the answer's encoding after it.
 */
export const LABEL_READ_INPUTS = 16;
