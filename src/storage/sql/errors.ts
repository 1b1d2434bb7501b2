import { RetryableStoreError } from '../../domain/errors.js';

const codeOf = (err: unknown): string =>
  typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : '';

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A unique / primary-key violation from either driver (repos turn it into DuplicateKeyError with context). */
export function isUniqueViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** SQLITE_BUSY and its extended codes: another connection (another process) holds the write lock past busy_timeout. */
export function translateSqliteError(err: unknown): unknown {
  const code = codeOf(err);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new RetryableStoreError(`database is busy (${code}); retry the request`, err);
  }
  return err;
}

// Socket errors from node and the messages pg uses when the server goes away mid-session (they carry no code).
const NODE_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const PG_RETRYABLE = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);
const PG_GONE = /Connection terminated|not queryable|Client was closed|timeout exceeded when trying to connect|connection has been discarded/i;

/** Connection loss, server restarts, deadlocks and serialization failures: the request may simply be retried. */
export function translatePgError(err: unknown): unknown {
  if (err instanceof RetryableStoreError) return err;
  const code = codeOf(err);
  if (NODE_NET.has(code) || PG_RETRYABLE.has(code) || code.startsWith('08') || PG_GONE.test(messageOf(err))) {
    return new RetryableStoreError(`database unavailable (${code || messageOf(err)}); retry the request`, err);
  }
  return err;
}
