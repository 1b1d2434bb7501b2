import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { RetryableStoreError } from '../domain/errors.js';
import { KyselyStore } from './kysely-store.js';
import { cachingDatabase, openSqlite } from './sqlite.js';

describe('sqlite backend', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'modelkeep-sqlite-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reuses the prepared statement for the same SQL and evicts the least recently used', () => {
    const raw = new Database(':memory:');
    const db = cachingDatabase(raw, 2);
    const a = db.prepare('select 1');
    assert.equal(db.prepare('select 1'), a);
    db.prepare('select 2');
    db.prepare('select 1'); // touch: 'select 2' is now the oldest
    db.prepare('select 3');
    assert.equal(db.prepare('select 1'), a);
    db.close();
  });

  it('creates the directory, sets WAL and foreign keys', async () => {
    const file = path.join(dir, 'nested', 'deeper', 'x.db');
    const backend = openSqlite(file);
    await backend.migrate();
    await backend.close();
    const raw = new Database(file, { readonly: true });
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.close();
  });

  it('a write lock held by another connection past busy_timeout gives RetryableStoreError', async () => {
    const file = path.join(dir, 'busy.db');
    const store = new KyselyStore(openSqlite(file, { busyTimeoutMs: 50 }));
    await store.migrate();
    const other = new Database(file);
    other.exec('begin immediate');
    try {
      await assert.rejects(store.users.create({ id: 'u', createdAt: 1 }), RetryableStoreError);
      await assert.rejects(
        store.transaction(async (tx) => tx.users.get('u')),
        RetryableStoreError,
      );
    } finally {
      other.exec('rollback');
      other.close();
    }
    await store.users.create({ id: 'u', createdAt: 1 });
    assert.equal(await store.users.count(), 1);
    await store.close();
  });
});
