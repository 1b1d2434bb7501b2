import type { Kysely } from 'kysely';
import type { ChangeClock } from '../../ports/changes.js';
import type { DB } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

/** What the dialect-neutral store needs from a connected database. */
export interface Backend {
  readonly dialect: DialectName;
  /** Root handle: each query auto-commits. */
  readonly db: Kysely<DB>;
  /** Moves after every write of this process and, as soon as they are seen, of other processes. */
  readonly changes: ChangeClock;
  /** Runs fn in one transaction on one connection; a throw rolls everything back. */
  transaction<T>(fn: (trx: Kysely<DB>) => Promise<T>): Promise<T>;
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<string[]>;
  /** PostgreSQL: this process's pool (connections open, idle, callers waiting for one). */
  poolStats?(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

/**
 * Told of every SQL statement with its duration (the `debug` log level): the statement text only,
 * never its parameters (they hold token hashes and user data).
 */
export type QueryLog = (sql: string, ms: number, failed: boolean) => void;

/** Kysely's `log` option for a QueryLog (undefined when there is none: Kysely then times nothing). */
export function kyselyLog(
  queryLog: QueryLog | undefined,
): ((e: { level: 'query' | 'error'; query: { sql: string }; queryDurationMillis: number }) => void) | undefined {
  return queryLog && ((e) => queryLog(e.query.sql, Math.round(e.queryDurationMillis * 1000) / 1000, e.level === 'error'));
}
