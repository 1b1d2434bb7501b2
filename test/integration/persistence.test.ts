import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { restClient } from '../helpers/clients.js';
import { assertConforms } from '../helpers/conformance.js';
import { dropTestDatabase, startTestServer, TEST_USER, type TestServer } from '../helpers/server.js';

/** Issue 2, "what a user can do" 1: stop the server, start it again on the same data dir, everything is still there. */
describe('persistence across restarts [rest]', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'modelkeep-persist-'));
  let server: TestServer | undefined;
  after(async () => {
    await server?.close();
    await dropTestDatabase(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  const ok = async (rest: ReturnType<typeof restClient>, rpc: string, req: Record<string, unknown>) => {
    const r = await rest.call(rpc, req);
    assert.equal(r.body.status.code, 10000, `${rpc}: ${JSON.stringify(r.body.status)}`);
    assert.equal(r.http, 200);
    assertConforms(rpc, r.body);
    return r.body;
  };

  it('finds the app, model, versions, patches and queued job after a restart', async () => {
    const uai = { user_id: 'me', app_id: 'keep-app' };
    server = await startTestServer({ MODELKEEP_WORKER: 'false' }, dir);
    let rest = restClient(server.httpPort);
    await ok(rest, 'PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: 'keep-app', description: 'kept' }] });
    await ok(rest, 'PostModels', { user_app_id: uai, model: { id: 'keep-model', notes: 'kept notes' } });
    const trained = (
      await ok(rest, 'PostModelVersions', {
        user_app_id: uai,
        model_id: 'keep-model',
        model_versions: [{ id: 'v-queued', output_info: { data: { concepts: [{ id: 'cat' }, { id: 'dog' }] } }, train_info: { params: { num_epochs: 9 } } }],
      })
    ).model.model_version;
    await ok(rest, 'PatchModels', { user_app_id: uai, action: 'merge', models: [{ id: 'keep-model', metadata: { patched: true } }] });
    await ok(rest, 'PostModels', { user_app_id: uai, model: { id: 'keep-thresholder', model_type_id: 'concept-thresholder' } });
    await ok(rest, 'PostModelVersions', {
      user_app_id: uai,
      model_id: 'keep-thresholder',
      model_versions: [{ id: 'v-ready', output_info: { data: { concepts: [{ id: 'cat', value: 0.5 }] } } }],
    });
    const beforeModel = (await ok(rest, 'GetModel', { user_app_id: uai, model_id: 'keep-model' })).model;

    await server.close(); // the data dir is ours: close() keeps it
    server = await startTestServer({ MODELKEEP_WORKER: 'false' }, dir);
    rest = restClient(server.httpPort);

    const app = await ok(rest, 'GetApp', { user_app_id: uai });
    assert.equal(app.app.id, 'keep-app');
    assert.equal(app.app.description, 'kept');
    const model = (await ok(rest, 'GetModel', { user_app_id: uai, model_id: 'keep-model' })).model;
    assert.deepEqual(model, beforeModel, 'the model and its latest version read back identically');
    assert.equal(model.notes, 'kept notes');
    assert.deepEqual(model.metadata, { patched: true });
    assert.equal(model.model_version.id, 'v-queued');
    assert.equal(model.model_version.status.code, 21103);
    assert.equal(model.model_version.train_info.params.num_epochs, 9);
    const info = (await ok(rest, 'GetModelOutputInfo', { user_app_id: uai, model_id: 'keep-model' })).model;
    assert.deepEqual(
      info.model_version.output_info.data.concepts.map((c: { id: string }) => c.id),
      ['cat', 'dog'],
    );
    const listed = await ok(rest, 'ListModels', { user_app_id: uai, sort_by_name: true, sort_ascending: true });
    assert.deepEqual(
      listed.models.map((m: { id: string }) => m.id),
      ['keep-model', 'keep-thresholder'],
    );
    const ready = await ok(rest, 'GetModelVersion', { user_app_id: uai, model_id: 'keep-thresholder', version_id: 'v-ready' });
    assert.equal(ready.model_version.status.code, 21100);
    assert.equal((await ok(rest, 'ListModels', { user_app_id: uai, trained_only: true })).models[0].id, 'keep-thresholder');

    // The training job survived too, still waiting for a worker.
    const m = await server.store.models.get(TEST_USER, 'keep-app', 'keep-model');
    assert.ok(m);
    const v = await server.store.versions.get(m.pk, trained.id);
    assert.ok(v);
    const jobs = await server.store.jobs.getForVersion(v.pk);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.state, 'queued');

    // The bootstrap PAT still works and was not duplicated; writes continue where they left off.
    const dup = await rest.call('PostModels', { user_app_id: uai, model: { id: 'keep-model' } });
    assert.equal(dup.body.status.code, 40010);
    assert.equal(dup.http, 409);
  });
});
