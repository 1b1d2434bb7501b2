import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { openSqliteDatabase } from './sqlite.js';
import { BackgroundCheckpoints, CHECKPOINT_FRAMES } from './sqlite-checkpoints.js';

const dir = mkdtempSync(path.join(tmpdir(), 'modelkeep-checkpoints-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** One transaction of ~1,500 pages: past SQLite's automatic checkpoint threshold. */
function bigWrite(db: ReturnType<typeof openSqliteDatabase>, tag: string): void {
  db.exec('create table if not exists t (k text primary key, v text)');
  const ins = db.prepare('insert into t values (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 1500; i++) ins.run(`${tag}${i}`, 'x'.repeat(3000));
  })();
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a COMMIT past the threshold leaves the WAL to the background thread, which checkpoints it', async () => {
  const file = path.join(dir, 'bg.db');
  const db = openSqliteDatabase(file);
  const checkpoints = new BackgroundCheckpoints(db, file, 20);
  try {
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0);
    bigWrite(db, 'a');
    // SQLite's automatic checkpoint would have copied these frames inside the COMMIT just returned.
    assert.ok((checkpoints.pendingFrames() ?? 0) >= CHECKPOINT_FRAMES, `pending ${checkpoints.pendingFrames()}`);
    await until('the background checkpoint', () => checkpoints.pendingFrames() === 0);
    assert.ok(checkpoints.threadStarted);
    assert.equal(db.prepare('select count(*) from t').pluck().get(), 1500);
    // The next big write reuses the checkpointed WAL and is checkpointed again.
    bigWrite(db, 'b');
    await until('the second checkpoint', () => checkpoints.pendingFrames() === 0);
  } finally {
    await checkpoints.close();
    db.close();
  }
  const reopened = openSqliteDatabase(file);
  assert.equal(reopened.prepare('select count(*) from t').pluck().get(), 3000);
  assert.equal(reopened.pragma('integrity_check', { simple: true }), 'ok');
  reopened.close();
});

test('below the threshold the WAL is left as it is (no checkpoint, no thread)', async () => {
  const file = path.join(dir, 'small.db');
  const db = openSqliteDatabase(file);
  const checkpoints = new BackgroundCheckpoints(db, file, 10);
  try {
    db.exec('create table s (v text)');
    db.prepare('insert into s values (?)').run('one row');
    const pending = checkpoints.pendingFrames() ?? 0;
    assert.ok(pending > 0 && pending < CHECKPOINT_FRAMES);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(checkpoints.pendingFrames(), pending);
    assert.equal(checkpoints.threadStarted, false);
  } finally {
    await checkpoints.close();
    db.close();
  }
});
