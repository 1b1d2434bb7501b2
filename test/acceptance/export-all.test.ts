import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Visibility } from '../../src/domain/entities.js';
import type { Harness } from '../helpers/both.js';
import { type ApiObject, restClient } from '../helpers/clients.js';
import { textInput } from '../helpers/inputs.js';
import { removeDir, runCli, tempDir } from '../helpers/modelkeep-process.js';
import { type Api, apiOf, newApp, newModel } from '../helpers/models.js';
import { startTestServer, TEST_USER, type TestServer } from '../helpers/server.js';

/**
 * `modelkeep export --all --out <dir>` (issue 18 item 10: an export of every app, for PostgreSQL as for
 * SQLite): every app of every user but clarifai/main, each to <dir>/<user>/<app>.jsonl.gz, from a running
 * server's database (PostgreSQL with MODELKEEP_TEST_BACKEND=postgres); each file imports into a fresh
 * SQLite database and reads back the same.
 */

const apiFor = (server: TestServer): Api => apiOf({ api: restClient(server.httpPort) } as unknown as Harness);

/** Every file under `dir`, as relative paths, sorted. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();

describe('modelkeep export --all: every app, one file each', { timeout: 300_000 }, () => {
  let source: TestServer;
  let target: TestServer | undefined;
  let dir: string;
  let api: Api;
  let env: Record<string, string>;
  const ids = { alpha: 'export-all-alpha', beta: 'export-all-beta' };

  before(async () => {
    dir = tempDir('modelkeep-export-all-');
    source = await startTestServer({ MODELKEEP_WORKER: 'false' });
    env = { MODELKEEP_DATABASE_URL: source.config.databaseUrl, MODELKEEP_LOG_LEVEL: 'silent' };
    api = apiFor(source);
    const alpha = await newApp(api, ids.alpha);
    await newModel(api, alpha, { id: 'gate', model_type_id: 'concept-thresholder', name: 'the gate' });
    const beta = await newApp(api, ids.beta);
    await api.ok('PostInputs', { user_app_id: beta, inputs: [textInput('b1', 'hello'), textInput('b2', 'world')] });
    // A second user's app, written straight to the store (users are made by bootstrap only).
    const t = Date.UTC(2026, 0, 1);
    await source.store.users.create({ id: 'other', createdAt: t });
    await source.store.apps.create({
      userId: 'other',
      id: 'gamma',
      name: 'gamma',
      description: 'not the tester’s',
      defaultLanguage: 'en',
      defaultWorkflowId: '',
      visibility: Visibility.PRIVATE,
      metadata: {},
      createdAt: t,
      modifiedAt: t,
    });
  });
  after(async () => {
    await target?.close();
    await source.close();
    removeDir(dir);
  });

  it('writes <user>/<app>.jsonl.gz for every app but clarifai/main, from the running server', async () => {
    const out = path.join(dir, 'all');
    const r = await runCli(['export', '--all', '--out', out], env);
    assert.equal(r.code, 0, r.stderr);
    const tester = ((await api.ok('ListApps', { user_app_id: { user_id: 'me' }, per_page: 100 })).apps as ApiObject[]).map(
      (a) => `${TEST_USER}/${a.id}.jsonl.gz`,
    );
    assert.ok(tester.includes(`${TEST_USER}/${ids.alpha}.jsonl.gz`) && tester.includes(`${TEST_USER}/${ids.beta}.jsonl.gz`));
    assert.deepEqual(filesUnder(out), [...tester, 'other/gamma.jsonl.gz'].sort(), 'one file per app, no clarifai/main, no .partial');
    assert.match(r.stdout, new RegExp(`exported ${tester.length + 1} apps to ${out}`));
  });

  it('each file imports into a fresh database and reads back the same', async () => {
    const out = path.join(dir, 'all');
    const dest = { MODELKEEP_DATABASE_URL: `sqlite:${path.join(dir, 'copy.db')}`, MODELKEEP_LOG_LEVEL: 'silent' };
    for (const f of [ids.alpha, ids.beta].map((a) => path.join(out, TEST_USER, `${a}.jsonl.gz`)).concat(path.join(out, 'other', 'gamma.jsonl.gz'))) {
      const r = await runCli(['import', '--in', f], dest);
      assert.equal(r.code, 0, r.stderr);
    }
    target = await startTestServer({ ...dest, MODELKEEP_WORKER: 'false' });
    const copy = apiFor(target);
    const read = async (a: Api) => ({
      model: (await a.ok('GetModel', { user_app_id: { user_id: 'me', app_id: ids.alpha }, model_id: 'gate' })).model,
      inputs: (await a.ok('ListInputs', { user_app_id: { user_id: 'me', app_id: ids.beta }, per_page: 10 })).inputs,
    });
    const strip = (o: unknown) => JSON.parse(JSON.stringify(o, (k, v) => (k === 'req_id' ? undefined : v)).replace(/http:\/\/127\.0\.0\.1:\d+/g, '<server>'));
    assert.deepEqual(strip(await read(copy)), strip(await read(api)));
    assert.equal((await target.store.apps.get('other', 'gamma'))?.description, 'not the tester’s');
  });

  it('refuses --app with --all, and a directory that is not new or empty (writing nothing)', async () => {
    const both = await runCli(['export', '--all', '--app', `${TEST_USER}/${ids.alpha}`, '--out', path.join(dir, 'x')], env);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--all exports every app: leave out --app/);
    const used = path.join(dir, 'used');
    await runCli(['export', '--all', '--out', used], env);
    const before = filesUnder(used);
    const again = await runCli(['export', '--all', '--out', used], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /--out .* must be a new or empty directory/);
    assert.deepEqual(filesUnder(used), before);
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'x');
    assert.equal((await runCli(['export', '--all', '--out', file], env)).code, 2);
  });
});
