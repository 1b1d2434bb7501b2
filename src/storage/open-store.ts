import path from 'node:path';
import type { Store } from '../ports/store.js';
import { KyselyStore } from './kysely-store.js';
import type { Backend, QueryLog } from './sql/backend.js';
import { openSqlite } from './sqlite.js';

export interface OpenOptions {
  /** PostgreSQL pool size per process (default 10). */
  poolSize?: number;
  /** Idle PostgreSQL connection errors (e.g. server restart); the pool reconnects by itself. */
  onConnectionError?: (err: Error) => void;
  /** Each SQL statement and its duration, for `debug` logs (default: none, nothing is timed). */
  queryLog?: QueryLog;
}

/**
 * Accepted URLs: `postgres://…` / `postgresql://…` (optional `?schema=name`), `sqlite:relative/or/abs.db`,
 * `sqlite:///abs/path.db`, `sqlite::memory:`, or a plain file path.
 * The PostgreSQL backend (and `pg`) is imported only for a postgres:// URL: a SQLite server does not load it.
 */
export async function openBackend(databaseUrl: string, opts: OpenOptions = {}): Promise<Backend> {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres({ url: databaseUrl, poolSize: opts.poolSize, onConnectionError: opts.onConnectionError, queryLog: opts.queryLog });
  }
  return openSqlite(sqliteFile(databaseUrl), { queryLog: opts.queryLog });
}

export function sqliteFile(databaseUrl: string): string {
  if (!databaseUrl.startsWith('sqlite:')) return databaseUrl;
  const rest = databaseUrl.slice('sqlite:'.length);
  if (rest === ':memory:') return rest;
  // sqlite:///abs -> /abs ; sqlite://rel -> rel ; sqlite:rel -> rel
  const file = rest.startsWith('//') ? rest.slice(2) : rest;
  if (file === '') throw new Error(`no file in database URL '${databaseUrl}'`);
  return path.normalize(file);
}

/** Opens the store and brings its schema up to date. */
export async function openKyselyStore(databaseUrl: string, opts: OpenOptions = {}): Promise<KyselyStore> {
  const store = new KyselyStore(await openBackend(databaseUrl, opts));
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

export function openStore(databaseUrl: string, opts: OpenOptions = {}): Promise<Store> {
  return openKyselyStore(databaseUrl, opts);
}

/** `modelkeep migrate`: applies pending migrations and returns their names (empty when up to date). */
export async function migrate(databaseUrl: string): Promise<string[]> {
  const backend = await openBackend(databaseUrl, { poolSize: 1 });
  try {
    return await backend.migrate();
  } finally {
    await backend.close();
  }
}
