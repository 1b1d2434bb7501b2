import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, it } from 'node:test';
import { restClient } from '../helpers/clients.js';
import { removeDir, runCli, tempDir } from '../helpers/modelkeep-process.js';
import { startTestServer, TEST_BACKEND, type TestServer } from '../helpers/server.js';

// Issue 18 item 10: `modelkeep backup` of a running server is consistent; `modelkeep restore` puts it
// back, refuses while a server has the database open, and keeps what it replaced.

const skip = TEST_BACKEND === 'postgres' ? 'SQLite backups only (PostgreSQL: pg_dump, see README)' : false;

it('backup while serving, more writes, stop, restore: the server reads back exactly the backed-up state', { skip }, async () => {
  const dir = tempDir('modelkeep-backup-');
  const db = `sqlite:${path.join(dir, 'modelkeep.db')}`;
  const env = { MODELKEEP_DATABASE_URL: db, MODELKEEP_LOG_LEVEL: 'silent' };
  let server: TestServer | undefined = await startTestServer({ MODELKEEP_DATABASE_URL: db }, dir);
  after(async () => {
    await server?.close();
    removeDir(dir);
  });
  const api = () => restClient(server!.httpPort);
  const uai = { user_id: 'me', app_id: 'kept' };
  assert.equal((await api().call('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: 'kept' }] })).body.status.code, 10000);
  for (const id of ['before-1', 'before-2']) assert.equal((await api().call('PostModels', { user_app_id: uai, model: { id } })).body.status.code, 10000);

  const out = path.join(dir, 'backup.db');
  const backup = await runCli(['backup', '--out', out], env);
  assert.equal(backup.code, 0, backup.stderr);
  assert.match(backup.stdout, /backed up .* \(\d+ bytes, integrity ok\)/);
  const again = await runCli(['backup', '--out', out], env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists; choose a new file name/);

  assert.equal((await api().call('PostModels', { user_app_id: uai, model: { id: 'after' } })).body.status.code, 10000);
  const busy = await runCli(['restore', '--in', out], env);
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, /is in use .*stop the server/);

  await server.close();
  server = undefined;
  const restore = await runCli(['restore', '--in', out], env);
  assert.equal(restore.code, 0, restore.stderr);
  const kept = /kept as (\S+)/.exec(restore.stdout)?.[1];
  assert.ok(kept && existsSync(kept), restore.stdout);

  server = await startTestServer({ MODELKEEP_DATABASE_URL: db }, dir);
  const models = (await api().call('ListModels', { user_app_id: uai })).body.models.map((m: { id: string }) => m.id).sort();
  assert.deepEqual(models, ['before-1', 'before-2']);
});

it('bad uses answer with what to do', { skip }, async () => {
  const dir = tempDir('modelkeep-backup-');
  try {
    const env = { MODELKEEP_DATABASE_URL: `sqlite:${path.join(dir, 'none.db')}`, MODELKEEP_LOG_LEVEL: 'silent' };
    const noOut = await runCli(['backup'], env);
    assert.match(noOut.stderr, /modelkeep backup --out <file>/);
    const noDb = await runCli(['backup', '--out', path.join(dir, 'x.db')], env);
    assert.match(noDb.stderr, /there is no database/);
    const noFile = await runCli(['restore', '--in', path.join(dir, 'missing.db')], env);
    assert.match(noFile.stderr, /there is no backup/);
    const pg = await runCli(['backup', '--out', path.join(dir, 'x.db')], {
      MODELKEEP_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x',
      MODELKEEP_LOG_LEVEL: 'silent',
    });
    assert.equal(pg.code, 1);
    assert.match(pg.stderr, /pg_dump --format=custom/);
  } finally {
    removeDir(dir);
  }
});
