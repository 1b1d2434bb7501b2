import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { ProcessChangeClock } from './changes/change-clock.js';
import { listenerConfig, PgChangeListener } from './changes/pg-change-listener.js';
import { migrateToLatest } from './migrations/index.js';
import { type Backend, kyselyLog, type QueryLog } from './sql/backend.js';
import { edgeDialect, TxScope } from './sql/edge.js';
import { translatePgError } from './sql/errors.js';
import type { DB } from './sql/schema.js';

export interface PostgresOptions {
  /** postgres:// URL; a `schema` query parameter puts every table in that schema (created if missing). */
  url: string;
  /** Connections per process (default 10). N processes open up to N × poolSize connections. */
  poolSize?: number;
  /** Told about errors of idle pooled connections (server restart); the pool drops them and reconnects. */
  onConnectionError?: (err: Error) => void;
  /** Each statement and its duration (debug logs). */
  queryLog?: QueryLog;
}

/** int8 -> JS number. Our int8 columns are millisecond timestamps and counts, far below 2^53. */
const parseInt8 = (v: string): number => Number(v);
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? parseInt8 : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Any advisory-lock key works as long as every modelkeep process uses the same one. */
const MIGRATION_LOCK_KEY = 0x6d6b6d67; // "mkmg"

export function splitSchema(url: string): { connectionString: string; schema?: string } {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? undefined;
  if (schema === undefined) return { connectionString: url };
  // Lower-case only: search_path folds unquoted names, so anything else would name two different schemas.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name '${schema}' in database URL (use [a-z0-9_])`);
  u.searchParams.delete('schema');
  return { connectionString: u.toString(), schema };
}

export function openPostgres(opts: PostgresOptions): Backend {
  const { connectionString, schema } = splitSchema(opts.url);
  const connection = { connectionString, types, ...(schema ? { options: `-c search_path=${schema}` } : {}) };
  const pool = new pg.Pool({ ...connection, max: opts.poolSize ?? 10 });
  const report = (err: Error): void => opts.onConnectionError?.(err);
  // Without listeners, a connection that dies (server restart) emits an unhandled 'error' and kills
  // the process. Idle ones surface on the pool; checked-out ones on the client, whose query then
  // fails and the pool discards it on release.
  pool.on('error', report);
  pool.on('connect', (client) => client.on('error', report));

  const scope = new TxScope();
  const listener = new PgChangeListener(listenerConfig(connection), report);
  const changes = new ProcessChangeClock(
    () => listener.seen(),
    () => listener.fence(),
  );
  const db = new Kysely<DB>({
    dialect: edgeDialect(new PostgresDialect({ pool }), translatePgError, scope, () => changes.written()),
    log: kyselyLog(opts.queryLog),
  });
  return {
    dialect: 'postgres',
    db,
    changes,
    transaction: (fn) => db.transaction().execute((trx) => scope.run(() => fn(trx))),
    migrate: () => migratePostgres(db, schema),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: async () => {
      await listener.close();
      await db.destroy();
    },
  };
}

/**
 * Several processes may start at once: a session advisory lock makes them migrate one after the
 * other (the later ones find nothing pending). Everything runs on the one locked connection so a
 * pool of size 1 cannot deadlock.
 */
async function migratePostgres(db: Kysely<DB>, schema: string | undefined): Promise<string[]> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(conn);
    try {
      if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(conn);
      const { rows } = await sql<{ s: string | null }>`select current_schema() as s`.execute(conn);
      const current = rows[0]?.s;
      if (!current) throw new Error('PostgreSQL has no current schema: check search_path or the `schema` URL parameter');
      // Kysely's migrator introspects every schema of the database, calling has_schema_privilege()
      // on each name; a schema another client drops meanwhile makes that query fail with 3F000
      // (seen with test suites creating and dropping schemas side by side). Nothing was applied: retry.
      for (let attempt = 1; ; attempt++) {
        try {
          return await migrateToLatest(conn, current);
        } catch (e) {
          const code = (e as { cause?: { code?: unknown } }).cause?.code;
          if (code !== '3F000' || attempt >= 10 || String((e as Error).message).includes(`"${current}"`)) throw e;
          await new Promise((r) => setTimeout(r, 50 * attempt));
        }
      }
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(conn);
    }
  });
}
