import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { WalIndexWatch } from './wal-index-watch.js';

describe('WalIndexWatch', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'modelkeep-wal-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("moves when another connection commits; reads and this connection's idleness leave it alone", () => {
    const file = path.join(dir, 'a.db');
    const ours = new Database(file);
    ours.pragma('journal_mode = WAL');
    ours.exec('create table t (a)');
    const other = new Database(file);
    const watch = new WalIndexWatch(file);
    try {
      const v0 = watch.version();
      assert.notEqual(v0, undefined);
      assert.equal(watch.version(), v0);
      ours.prepare('select count(*) from t').get();
      other.prepare('select count(*) from t').get();
      assert.equal(watch.version(), v0, 'a read moved it');
      other.prepare('insert into t values (1)').run();
      const v1 = watch.version();
      assert.notEqual(v1, v0, "another connection's commit was not seen");
      other.exec('begin; insert into t values (2); insert into t values (3); commit');
      assert.notEqual(watch.version(), v1);
    } finally {
      watch.close();
      other.close();
      ours.close();
    }
  });

  it('is undefined when there is no wal-index to read (in-memory, or not in WAL mode yet)', () => {
    assert.equal(new WalIndexWatch(':memory:').version(), undefined);
    assert.equal(new WalIndexWatch(path.join(dir, 'missing.db')).version(), undefined);
  });
});
