import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { isWriteQuery, ProcessChangeClock } from './change-clock.js';

describe('isWriteQuery', () => {
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  const cases: [string, CompiledQuery, boolean][] = [
    ['select', db.selectFrom('t').selectAll().compile(), false],
    ['insert', db.insertInto('t').values({ a: 1 }).compile(), true],
    ['update', db.updateTable('t').set({ a: 1 }).compile(), true],
    ['delete', db.deleteFrom('t').compile(), true],
    ['raw select', CompiledQuery.raw('  SELECT 1'), false],
    ['raw pragma', CompiledQuery.raw('pragma data_version'), false],
    ['raw write', CompiledQuery.raw('create table x (a)'), true],
    ['raw notify', CompiledQuery.raw('notify c'), true],
  ];
  for (const [name, q, write] of cases) it(`${name} -> ${write}`, () => assert.equal(isWriteQuery(q), write));
});

describe('ProcessChangeClock', () => {
  it('moves on local writes and on a changed external value; undefined external -> undefined', () => {
    let ext: number | undefined = 7;
    const c = new ProcessChangeClock(() => ext);
    const t0 = c.token();
    assert.equal(c.token(), t0);
    c.written();
    const t1 = c.token();
    assert.notEqual(t1, t0);
    ext = 8;
    assert.notEqual(c.token(), t1);
    ext = undefined;
    assert.equal(c.token(), undefined);
  });

  it('a throwing external source (closed database) reads as undefined', () => {
    const c = new ProcessChangeClock(() => {
      throw new Error('The database connection is not open');
    });
    assert.equal(c.token(), undefined);
  });

  it('published: nothing to wait for without a fence or without new writes; one fence covers writes before it', async () => {
    assert.equal(new ProcessChangeClock(() => 1).published(), undefined);
    let fences = 0;
    let release: (() => void)[] = [];
    const c = new ProcessChangeClock(
      () => 1,
      () => {
        fences++;
        return new Promise<void>((r) => release.push(r));
      },
    );
    assert.equal(c.published(), undefined, 'no write yet');
    c.written();
    const a = c.published();
    const b = c.published();
    assert.ok(a && a === b, 'a second caller with no new write shares the fence in flight');
    c.written();
    const d = c.published();
    assert.ok(d && d !== a, 'a write after the fence was sent needs a new fence');
    assert.equal(fences, 2);
    release.forEach((r) => r());
    release = [];
    await Promise.all([a, d]);
    assert.equal(c.published(), undefined, 'everything written is published');
  });
});
