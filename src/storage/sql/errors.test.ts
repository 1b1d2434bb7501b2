import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RetryableStoreError } from '../../domain/errors.js';
import { isUniqueViolation, translatePgError, translateSqliteError } from './errors.js';

const err = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('storage error translation', () => {
  it('unique violations of both drivers', () => {
    for (const c of ['23505', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']) assert.ok(isUniqueViolation(err(c)));
    for (const c of ['23503', 'SQLITE_CONSTRAINT_FOREIGNKEY']) assert.ok(!isUniqueViolation(err(c)));
  });

  it('SQLite busy is retryable, other errors pass through', () => {
    assert.ok(translateSqliteError(err('SQLITE_BUSY')) instanceof RetryableStoreError);
    assert.ok(translateSqliteError(err('SQLITE_BUSY_SNAPSHOT')) instanceof RetryableStoreError);
    const other = err('SQLITE_CONSTRAINT_FOREIGNKEY');
    assert.equal(translateSqliteError(other), other);
  });

  it('PostgreSQL connection loss, shutdown, deadlock and serialization failures are retryable', () => {
    for (const e of [
      err('ECONNREFUSED'),
      err('ECONNRESET'),
      err('57P01'),
      err('08006'),
      err('40001'),
      err('40P01'),
      new Error('Connection terminated unexpectedly'),
    ]) {
      const t = translatePgError(e);
      assert.ok(t instanceof RetryableStoreError, String(e));
      assert.equal((t as RetryableStoreError).cause, e);
    }
    const syntax = err('42601');
    assert.equal(translatePgError(syntax), syntax);
  });
});
