import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  sql,
} from 'kysely';
import { BoundedMap } from '../runtime/bounded-map.js';
import { ProcessChangeClock } from './changes/change-clock.js';
import { WalIndexWatch } from './changes/wal-index-watch.js';
import { migrateToLatest } from './migrations/index.js';
import { type Backend, kyselyLog, type QueryLog } from './sql/backend.js';
import { edgeDialect, TxScope } from './sql/edge.js';
import { translateSqliteError } from './sql/errors.js';
import { GroupCommit } from './sql/group-commit.js';
import type { DB } from './sql/schema.js';
import { BackgroundCheckpoints } from './sqlite-checkpoints.js';

export interface SqliteOptions {
  /** Each statement and its duration (debug logs). */
  queryLog?: QueryLog;
  /** Prepared statements kept per connection (LRU). Varying IN-list or batch sizes make new SQL texts. */
  statementCacheSize?: number;
  /** How long a statement waits for another process's write lock before SQLITE_BUSY (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * Kysely's driver calls `db.prepare(sql)` for every query; preparing costs more than running a
 * small indexed query, so this hands back the statement prepared last time for the same text.
 * Safe because better-sqlite3 runs each statement to completion synchronously (we never stream).
 */
export function cachingDatabase(raw: Database.Database, max = 512): SqliteDatabase {
  const cache = new BoundedMap<string, Database.Statement>(max, true);
  return {
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = raw.prepare(sql);
        cache.set(sql, stmt);
      }
      return stmt;
    },
    close() {
      cache.clear();
      raw.close();
    },
  };
}

/**
 * BEGIN IMMEDIATE takes the write lock up front. With a plain (deferred) BEGIN, a transaction that
 * reads then writes can fail with SQLITE_BUSY when another process wrote in between, and
 * busy_timeout cannot help; immediate writers queue on busy_timeout instead.
 * In-process transactions are already serialised: Kysely's SQLite driver hands its one connection
 * to one caller at a time (an async mutex), and GroupCommit runs the units it batches one by one.
 * (The driver's beginTransaction serves Kysely's own db.transaction(); the store goes through GroupCommit.)
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

export function openSqliteDatabase(file: string, busyTimeoutMs = 5000): Database.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const raw = new Database(file);
  // First: switching to WAL needs a lock another process starting at the same moment may hold.
  raw.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL'); // WAL + NORMAL: durable across app crashes, may lose the last commits on power loss
  raw.pragma('foreign_keys = ON');
  return raw;
}

/** Opens (creating if needed) the SQLite database at `file`. */
export function openSqlite(file: string, opts: SqliteOptions = {}): Backend {
  const raw = openSqliteDatabase(file, opts.busyTimeoutMs);
  // Not inside a request's COMMIT (see BackgroundCheckpoints); an in-memory database has no WAL.
  const checkpoints = file === ':memory:' ? undefined : new BackgroundCheckpoints(raw, file);
  const scope = new TxScope();
  // data_version moves when another connection (another process) commits; our own writes are counted at the edge.
  const dataVersion = raw.prepare('PRAGMA data_version').pluck();
  const wal = new WalIndexWatch(file);
  // Even and odd: a switch between the two sources always reads as a change.
  const changes = new ProcessChangeClock(() => {
    const w = wal.version();
    return w !== undefined ? 2 * w : 2 * (dataVersion.get() as number) + 1;
  });
  const base = new ImmediateSqliteDialect({ database: cachingDatabase(raw, opts.statementCacheSize) });
  const db = new Kysely<DB>({ dialect: edgeDialect(base, translateSqliteError, scope, () => changes.written()), log: kyselyLog(opts.queryLog) });
  // Writes asked for together commit together (one WAL append), each in its own savepoint.
  const group = new GroupCommit(db, scope);
  return {
    dialect: 'sqlite',
    db,
    changes,
    transaction: (fn) => group.run(fn),
    migrate: () => migrateSqlite(db),
    close: async () => {
      await group.idle();
      await checkpoints?.close();
      wal.close();
      await db.destroy();
    },
  };
}

/**
 * Kysely takes no migration lock on SQLite (it assumes one connection), so two processes starting on
 * a new file (serve and worker together) would both apply 001. One IMMEDIATE transaction around the
 * whole run holds the file's write lock: the second process waits (busy_timeout), then finds nothing
 * pending. SQLite's DDL is transactional, so a failed migration leaves no half-made schema.
 */
async function migrateSqlite(db: Kysely<DB>): Promise<string[]> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const applied = await migrateToLatest(conn);
      await sql`commit`.execute(conn);
      return applied;
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}
