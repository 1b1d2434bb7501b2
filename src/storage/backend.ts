import type { Kysely } from 'kysely';
import type { ChangeClock } from '../ports/changes.js';
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
