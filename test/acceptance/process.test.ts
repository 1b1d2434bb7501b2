import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrations } from '../../src/storage/migrations/index.js';
import { freePort, removeDir, rest, runCli, type ServerProcess, startServer, tempDir } from '../helpers/modelkeep-process.js';

/**
 * modelkeep as a user runs it: a separate `modelkeep serve` process configured by MODELKEEP_* env
 * and flags, driven over HTTP only.
 */

const BANNER = /Created user 'admin' with personal access token:\s+(\S+)/g;

describe('modelkeep serve as a process', { timeout: 300_000 }, () => {
  const dataDir = tempDir();
  let server: ServerProcess | undefined;
  let pat = '';
  const app = `acc-app-${process.pid}`;
  let versionId = '';

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  it('first start on an empty data dir: /healthz 200 and the generated admin PAT printed once on stderr, never in the JSON log stream', async () => {
    server = await startServer({ env: { MODELKEEP_DATA_DIR: dataDir } });
    const health = await fetch(`${server.restBase}/healthz`);
    assert.equal(health.status, 200);
    const banners = [...server.stderr().matchAll(BANNER)];
    assert.equal(banners.length, 1, `expected exactly one PAT announcement, stderr was:\n${server.stderr()}`);
    pat = banners[0]![1]!;
    assert.match(pat, /^[0-9a-f]{32,}$/);
    assert.ok(!server.stdout().includes(pat), 'the PAT must not be written to stdout (the JSON log stream)');
    const logLines = server
      .stdout()
      .split('\n')
      .filter((l) => l.trim() !== '');
    assert.ok(logLines.length > 0 && logLines.every((l) => l.startsWith('{')), `stdout is JSON lines only:\n${server.stdout()}`);
    assert.ok(existsSync(path.join(dataDir, 'modelkeep.db')), 'SQLite file in the data dir');
  });

  it('the printed PAT works: ListApps over REST', async () => {
    const r = await rest(server!.restBase, 'GET', '/v2/users/me/apps', pat);
    assert.equal(r.http, 200, JSON.stringify(r.body));
    assert.equal(r.body.status.code, 10000);
    assert.deepEqual(r.body.apps, []);
    const bad = await rest(server!.restBase, 'GET', '/v2/users/me/apps', 'not-a-real-key-0123456789');
    assert.equal(bad.body.status.code, 11008);
    assert.equal(bad.http, 401);
  });

  it('creates an app, a model and a version over REST', async () => {
    const a = await rest(server!.restBase, 'POST', '/v2/users/me/apps', pat, { apps: [{ id: app, description: 'acceptance' }] });
    assert.equal(a.body.status.code, 10000, JSON.stringify(a.body.status));
    assert.equal(a.body.apps[0].user_id, 'admin');
    const m = await rest(server!.restBase, 'POST', `/v2/users/me/apps/${app}/models`, pat, {
      model: { id: 'pets', notes: 'kept across restarts', model_type_id: 'concept-thresholder' },
    });
    assert.equal(m.body.status.code, 10000, JSON.stringify(m.body.status));
    assert.equal(m.body.model.model_version, undefined);
    const v = await rest(server!.restBase, 'POST', `/v2/users/me/apps/${app}/models/pets/versions`, pat, {
      model_versions: [
        {
          description: 'first',
          output_info: {
            data: {
              concepts: [
                { id: 'cat', value: 0.5 },
                { id: 'dog', value: 0.7 },
              ],
            },
          },
        },
      ],
    });
    assert.equal(v.body.status.code, 10000, JSON.stringify(v.body.status));
    versionId = v.body.model.model_version.id;
    assert.match(versionId, /^[0-9a-f]{32}$/);
  });

  it('SIGTERM stops it cleanly (exit 0)', async () => {
    const exit = await server!.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
  });

  it('a second start on the same data dir prints no new PAT, the old PAT still works, and the data is still there', async () => {
    server = await startServer({ env: { MODELKEEP_DATA_DIR: dataDir } });
    assert.equal([...server.stderr().matchAll(BANNER)].length, 0, `no PAT on a second start, stderr was:\n${server.stderr()}`);
    assert.ok(!server.stdout().includes(pat) && !server.stderr().includes(pat));

    const apps = await rest(server.restBase, 'GET', '/v2/users/me/apps', pat);
    assert.equal(apps.body.status.code, 10000, JSON.stringify(apps.body.status));
    assert.deepEqual(
      apps.body.apps.map((x: { id: string }) => x.id),
      [app],
    );
    assert.equal(apps.body.apps[0].description, 'acceptance');

    const m = await rest(server.restBase, 'GET', `/v2/users/me/apps/${app}/models/pets`, pat);
    assert.equal(m.body.status.code, 10000, JSON.stringify(m.body.status));
    assert.equal(m.body.model.notes, 'kept across restarts');
    assert.equal(m.body.model.model_type_id, 'concept-thresholder');
    assert.equal(m.body.model.model_version.id, versionId);

    const v = await rest(server.restBase, 'GET', `/v2/users/me/apps/${app}/models/pets/versions/${versionId}`, pat);
    assert.equal(v.body.status.code, 10000, JSON.stringify(v.body.status));
    assert.equal(v.body.model_version.description, 'first');
    assert.equal(v.body.model_version.active_concept_count, 2);
    const info = await rest(server.restBase, 'GET', `/v2/users/me/apps/${app}/models/pets/output_info`, pat);
    assert.equal(info.body.status.code, 10000, JSON.stringify(info.body.status));
    assert.deepEqual(
      info.body.model.model_version.output_info.data.concepts.map((c: { id: string; value: number }) => [c.id, c.value]),
      [
        ['cat', 0.5],
        ['dog', 0.7],
      ],
    );
  });
});

describe('configuration', { timeout: 300_000 }, () => {
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  after(async () => {
    for (const s of servers) await s.stop();
    for (const d of dirs) removeDir(d);
  });

  it('invalid config exits non-zero and lists every bad key (env and flags)', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const r = await runCli(['serve', '--bogus-flag'], {
      MODELKEEP_DATA_DIR: dir,
      MODELKEEP_HTTP_PORT: 'abc',
      MODELKEEP_LOG_LEVEL: 'loud',
      MODELKEEP_GRPC_PORT: '0',
    });
    assert.notEqual(r.code, 0, `expected a failing exit, got ${JSON.stringify(r)}`);
    assert.equal(r.signal, null);
    const out = r.stderr + r.stdout;
    assert.match(out, /MODELKEEP_HTTP_PORT/, out);
    assert.match(out, /"abc"/, out);
    assert.match(out, /MODELKEEP_LOG_LEVEL/, out);
    assert.match(out, /"loud"/, out);
    assert.match(out, /--bogus-flag/, out);
    assert.doesNotMatch(out, /modelkeep is ready/);
    assert.ok(!existsSync(path.join(dir, 'modelkeep.db')), 'nothing written on a config error');
  });

  it('--http-port overrides MODELKEEP_HTTP_PORT', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const envPort = await freePort();
    let flagPort = await freePort();
    while (flagPort === envPort) flagPort = await freePort();
    const s = await startServer({ env: { MODELKEEP_DATA_DIR: dir, MODELKEEP_HTTP_PORT: String(envPort) }, args: ['--http-port', String(flagPort)] });
    servers.push(s);
    assert.equal(s.httpPort, flagPort);
    assert.equal((await fetch(`http://127.0.0.1:${flagPort}/healthz`)).status, 200);
    const onEnvPort = await fetch(`http://127.0.0.1:${envPort}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    assert.equal(onEnvPort, 'refused');
  });

  it('bootstrap user and PAT from env: no generated PAT, and the given one works', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const givenPat = 'acceptance-bootstrap-pat-0123456789';
    const s = await startServer({ env: { MODELKEEP_DATA_DIR: dir, MODELKEEP_BOOTSTRAP_USER: 'ops', MODELKEEP_BOOTSTRAP_PAT: givenPat } });
    servers.push(s);
    assert.equal([...s.stdout().matchAll(BANNER)].length, 0);
    const r = await rest(s.restBase, 'POST', '/v2/users/me/apps', givenPat, { apps: [{ id: 'ops-app' }] });
    assert.equal(r.body.status.code, 10000, JSON.stringify(r.body.status));
    assert.equal(r.body.apps[0].user_id, 'ops');
  });

  it('modelkeep migrate exits 0 and creates the database', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const r = await runCli(['migrate'], { MODELKEEP_DATA_DIR: dir });
    assert.equal(r.code, 0, `migrate failed: ${r.stderr}`);
    assert.match(r.stdout, /up to date/);
    assert.ok(existsSync(path.join(dir, 'modelkeep.db')));
    const again = await runCli(['migrate'], { MODELKEEP_DATA_DIR: dir });
    assert.equal(again.code, 0, `second migrate failed: ${again.stderr}`);
  });

  it('several processes starting on one empty SQLite file at once migrate it one after the other (serve + worker started together)', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = tempDir();
      dirs.push(dir);
      const runs = await Promise.all(Array.from({ length: 3 }, () => runCli(['migrate'], { MODELKEEP_DATA_DIR: dir })));
      for (const r of runs) assert.equal(r.code, 0, `a concurrent migrate failed: ${r.stderr}`);
      const db = new Database(path.join(dir, 'modelkeep.db'), { readonly: true });
      try {
        const names = db.prepare('select name from kysely_migration order by name').pluck().all();
        assert.deepEqual(names, Object.keys(migrations));
      } finally {
        db.close();
      }
    }
  });
});
