import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { openSqlite } from '../sqlite.js';
import type { Backend } from './backend.js';
import { BatchLostError } from './group-commit.js';
import type { DB } from './schema.js';

// The SQLite backend's transaction(): units asked for together share one BEGIN … COMMIT, each in its savepoint.
describe('SQLite group commit', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'modelkeep-group-'));
  const file = path.join(dir, 'db.sqlite');
  let backend: Backend;
  /** A second connection, as another process would read the file: it sees committed data only. */
  let other: Database.Database;
  let statements: string[] = [];

  const insert = (trx: Kysely<DB>, id: string) => sql`insert into t (id) values (${id})`.execute(trx);
  const committed = (): string[] => (other.prepare('select id from t order by id').pluck().all() as string[]).sort();
  const begins = () => statements.filter((s) => /^begin/i.test(s)).length;

  before(async () => {
    backend = openSqlite(file, { queryLog: (s) => statements.push(s) });
    await sql`create table t (id text primary key)`.execute(backend.db);
    other = new Database(file, { readonly: true });
  });
  after(async () => {
    other.close();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await sql`delete from t`.execute(backend.db);
    statements = [];
  });

  it('units asked for in one turn commit in one transaction; a failing unit fails alone', async () => {
    const results = await Promise.allSettled([
      backend.transaction((trx) => insert(trx, 'a')),
      backend.transaction(async (trx) => {
        await insert(trx, 'b');
        throw new Error('b fails after writing');
      }),
      backend.transaction(async (trx) => {
        await insert(trx, 'c');
        await insert(trx, 'a'); // a constraint error from SQLite itself
      }),
      backend.transaction(async (trx) => {
        await insert(trx, 'd');
        return 'd done';
      }),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
    );
    assert.match(String((results[1] as PromiseRejectedResult).reason), /b fails after writing/);
    assert.match(String((results[2] as PromiseRejectedResult).reason), /UNIQUE constraint failed/);
    assert.equal((results[3] as PromiseFulfilledResult<string>).value, 'd done');
    assert.deepEqual(committed(), ['a', 'd']);
    assert.equal(begins(), 1, `one BEGIN for the four units: ${statements.join(' | ')}`);
  });

  it('no unit settles before the COMMIT: a finished unit is invisible to other connections until then', async () => {
    const settled: string[] = [];
    const seenOnSettle: Record<string, string[]> = {};
    const track = (id: string, p: Promise<unknown>) =>
      p.then(() => {
        settled.push(id);
        seenOnSettle[id] = committed();
      });
    const a = track(
      'a',
      backend.transaction((trx) => insert(trx, 'a')),
    );
    const b = track(
      'b',
      backend.transaction(async (trx) => {
        // a's work is done, but its transaction is shared with this unit: not committed, not answered.
        assert.deepEqual(committed(), []);
        assert.deepEqual(settled, []);
        await insert(trx, 'b');
      }),
    );
    await Promise.all([a, b]);
    assert.deepEqual(seenOnSettle, { a: ['a', 'b'], b: ['a', 'b'] });
  });

  it('a unit asked for while a batch is still running joins it', async () => {
    const first = backend.transaction(async (trx) => {
      await insert(trx, 'slow');
      await sleep(30); // a real wait inside the transaction: the next request arrives meanwhile
    });
    await sleep(10);
    const second = backend.transaction((trx) => insert(trx, 'late'));
    await Promise.all([first, second]);
    assert.deepEqual(committed(), ['late', 'slow']);
    assert.equal(begins(), 1);
  });

  it('when the shared transaction is lost, no unit of it reports success, and later units still commit', async () => {
    const results = await Promise.allSettled([
      backend.transaction((trx) => insert(trx, 'a')),
      backend.transaction(async (trx) => {
        await insert(trx, 'b');
        await sql`rollback`.execute(trx); // as SQLite does on a full disk or an I/O error
      }),
      backend.transaction((trx) => insert(trx, 'c')),
    ]);
    assert.equal(results[0].status, 'rejected');
    assert.ok((results[0] as PromiseRejectedResult).reason instanceof BatchLostError);
    assert.equal(results[1].status, 'rejected');
    assert.equal(results[2].status, 'fulfilled');
    assert.deepEqual(committed(), ['c']);
  });

  it('each unit runs in its caller async context', async () => {
    const als = new AsyncLocalStorage<string>();
    const seen = await Promise.all(['r1', 'r2', 'r3'].map((id) => als.run(id, () => backend.transaction(async () => als.getStore()))));
    assert.deepEqual(seen, ['r1', 'r2', 'r3']);
    assert.equal(begins(), 1);
  });

  it('a transaction asked for inside a unit is refused at once (it would wait for its own batch)', async () => {
    await backend.transaction(async () => {
      await assert.rejects(
        backend.transaction(async () => 1),
        /store misuse/,
      );
    });
  });
});
