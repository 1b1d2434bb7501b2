import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshPostgres, PG_SKIP, type TestDatabase } from '../contract/databases.js';
import type { Harness } from '../helpers/both.js';
import { type ApiObject, restClient } from '../helpers/clients.js';
import { pngBase64, textInput, waitForInput } from '../helpers/inputs.js';
import { removeDir, runCli, tempDir } from '../helpers/modelkeep-process.js';
import { type Api, apiOf, sleep } from '../helpers/models.js';
import { startTestServer, TEST_USER, type TestServer } from '../helpers/server.js';
import { SENTIMENT } from '../helpers/training.js';

/**
 * `modelkeep export` / `modelkeep import` with the real CLI: an app with inputs (text and image
 * bytes, labels, embeddings), concepts, a dataset with a frozen version, a trained classifier (its
 * artifact), an operator, a failed and a queued version goes SQLite → PostgreSQL → (under another
 * name) PostgreSQL → SQLite, and every API answer about it reads back the same each time.
 */

const APP = 'zoo';
const TEXTS = ['I love it, great quality', 'awful, it broke, very disappointed', 'fine I guess'];

/** Everything the API says about an app, with req_ids dropped and the app id neutralised. */
async function snapshot(api: Api, appId: string): Promise<ApiObject> {
  const uai = { user_id: 'me', app_id: appId };
  const ok = (rpc: string, req: ApiObject = {}) => api.ok(rpc, { user_app_id: uai, ...req });
  const out: ApiObject = {};
  out.app = (await ok('GetApp')).app;
  const models = (await ok('ListModels', { per_page: 100, sort_by_name: true, sort_ascending: true })).models as ApiObject[];
  out.models = models;
  for (const m of models) {
    const versions = (await ok('ListModelVersions', { model_id: m.id, per_page: 100 })).model_versions as ApiObject[];
    out[`model ${m.id}`] = { model: (await ok('GetModel', { model_id: m.id })).model, versions };
    for (const v of versions) {
      out[`version ${m.id}/${v.id}`] = (await ok('GetModelVersion', { model_id: m.id, version_id: v.id })).model_version;
      if (v.train_log)
        out[`log ${m.id}/${v.id}`] = (
          await ok('ListLogEntries', { model_id: m.id, model_version_id: v.id, log_type: 'training', page: 1, per_page: 1000 })
        ).log_entries;
      if (v.status.code === 21100 && m.model_type_id === 'text-classifier') {
        out[`trained on ${m.id}/${v.id}`] = (await ok('ListModelInputs', { model_id: m.id, version_id: v.id, per_page: 100 })).inputs;
        out[`predict ${m.id}/${v.id}`] = (
          await ok('PostModelOutputs', { model_id: m.id, version_id: v.id, inputs: TEXTS.map((raw) => ({ data: { text: { raw } } })) })
        ).outputs.map((o: ApiObject) => o.data);
      }
    }
  }
  out.concepts = (await ok('ListConcepts', { per_page: 100 })).concepts;
  const inputs = (await ok('ListInputs', { per_page: 100 })).inputs as ApiObject[];
  out.inputs = inputs;
  for (const i of inputs) out[`input ${i.id}`] = (await ok('GetInput', { input_id: i.id })).input;
  out.inputCount = (await ok('GetInputCount')).counts;
  out.annotations = (await ok('ListAnnotations', { per_page: 100 })).annotations;
  const datasets = (await ok('ListDatasets', { per_page: 100 })).datasets as ApiObject[];
  out.datasets = datasets;
  for (const d of datasets) {
    const versions = (await ok('ListDatasetVersions', { dataset_id: d.id, per_page: 100 })).dataset_versions as ApiObject[];
    out[`dataset ${d.id}`] = { members: (await ok('ListDatasetInputs', { dataset_id: d.id, per_page: 100 })).dataset_inputs, versions };
    for (const v of versions)
      out[`dataset version ${d.id}/${v.id}`] = (await ok('GetDatasetVersion', { dataset_id: d.id, dataset_version_id: v.id })).dataset_version;
  }
  const neutral = JSON.stringify(out, (k, v) => (k === 'req_id' ? undefined : v))
    .replaceAll(`"${appId}"`, '"<app>"')
    .replaceAll(`/apps/${appId}/`, '/apps/<app>/')
    // Hosted image URLs name the serving instance's port (MODELKEEP_PUBLIC_URL's default): not part of the app.
    .replace(/http:\/\/127\.0\.0\.1:\d+\/hosted/g, '<server>/hosted');
  return JSON.parse(neutral) as ApiObject;
}

/** What the API does not show: image bytes, embedding vectors, trained artifacts — compared row by row. */
async function hiddenData(server: TestServer, appId: string): Promise<ApiObject> {
  const s = server.store;
  const out: ApiObject = {};
  for (const i of await s.inputs.list({ userId: TEST_USER, appId, page: { page: 1, perPage: 100 } })) {
    const embedders = await s.embeddings.listFor(i.pk);
    const vectors: ApiObject = {};
    for (const e of embedders) vectors[e.embedderId] = Buffer.from((await s.embeddings.getMany([i.pk], e.embedderId)).get(i.pk)!.buffer).toString('base64');
    const bytes = await s.inputs.imageBytes(i.pk);
    out[i.id] = { embedders, vectors, bytes: bytes && Buffer.from(bytes).toString('base64') };
  }
  for (const m of await s.models.list({ userId: TEST_USER, appId, sort: { field: 'name', ascending: true }, page: { page: 1, perPage: 100 } })) {
    for (const v of await s.versions.list({ modelPk: m.pk, sort: { field: 'created_at', ascending: true }, page: { page: 1, perPage: 100 } })) {
      const art = await s.artifacts.get(v.pk);
      out[`${m.id}/${v.id}`] = {
        artifact: art && Buffer.from(art).toString('base64'),
        jobs: (await s.jobs.getForVersion(v.pk)).map((j) => [j.kind, j.state, j.attempts]),
      };
    }
  }
  return out;
}

const apiFor = (server: TestServer): Api => apiOf({ api: restClient(server.httpPort) } as unknown as Harness);

async function waitVersion(api: Api, modelId: string, versionId: string): Promise<ApiObject> {
  for (const deadline = Date.now() + 120_000; ; await sleep(100)) {
    const v = (await api.ok('GetModelVersion', { user_app_id: { user_id: 'me', app_id: APP }, model_id: modelId, version_id: versionId })).model_version;
    if (![21103, 21101].includes(v.status.code)) return v;
    assert.ok(Date.now() < deadline, `version ${modelId}/${versionId} still ${JSON.stringify(v.status)}`);
  }
}

describe('modelkeep export / import: a whole app between SQLite and PostgreSQL', { skip: PG_SKIP, timeout: 600_000 }, () => {
  const dir = tempDir('modelkeep-archive-');
  const sqliteUrl = `sqlite:${path.join(dir, 'source.db')}`;
  const backUrl = `sqlite:${path.join(dir, 'back.db')}`;
  const archive = path.join(dir, 'zoo.jsonl.gz');
  const archive2 = path.join(dir, 'zoo-copy.jsonl.gz');
  let pg: TestDatabase | undefined;
  let source: TestServer | undefined;
  let target: TestServer | undefined;
  let expected: { api: ApiObject; hidden: ApiObject };
  const uai = { user_id: 'me', app_id: APP };

  before(async () => {
    pg = freshPostgres();
  });
  after(async () => {
    await source?.close();
    await target?.close();
    await pg?.drop();
    removeDir(dir);
  });

  it('builds an app on SQLite: inputs, concepts, a dataset version, a TRAINED classifier, an operator, a failed and a queued version', async () => {
    source = await startTestServer({ MODELKEEP_DATABASE_URL: sqliteUrl }, dir);
    let api = apiFor(source);
    await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: APP, name: 'Zoo', description: 'animals', metadata: { team: 'ml' } }] });
    await api.ok('PostConcepts', {
      user_app_id: uai,
      concepts: [
        { id: 'positive', name: 'Positive' },
        { id: 'negative', name: 'Negative' },
      ],
    });
    await api.ok('PostDatasets', { user_app_id: uai, datasets: [{ id: 'reviews', description: 'labelled reviews' }] });
    const inputs = [
      ...SENTIMENT.positive.map((t, i) => textInput(`p${i}`, t, [['positive', 1]], { dataset_ids: ['reviews'] })),
      ...SENTIMENT.negative.map((t, i) =>
        textInput(
          `n${i}`,
          t,
          [
            ['negative', 1],
            ['positive', 0],
          ],
          { dataset_ids: ['reviews'] },
        ),
      ),
      { id: 'red', data: { image: { base64: await pngBase64([220, 20, 20]) }, concepts: [{ id: 'red', value: 1 }], metadata: { shade: 'dark' } } },
      { id: 'broken', data: { image: { base64: Buffer.from('not an image').toString('base64') } } },
    ];
    await api.ok('PostInputs', { user_app_id: uai, inputs });
    for (const i of inputs) await waitForInput(api, uai, i.id);
    await api.ok('PostDatasetVersions', { user_app_id: uai, dataset_id: 'reviews', dataset_versions: [{ id: 'r1', description: 'frozen' }] });
    // An added annotation and a geo point travel too (decision 0019).
    await api.ok('PostAnnotations', { user_app_id: uai, annotations: [{ input_id: 'p0', id: 'extra', data: { concepts: [{ id: 'praise', value: 1 }] } }] });
    await api.ok('PatchInputs', {
      user_app_id: uai,
      action: 'merge',
      inputs: [{ id: 'red', data: { geo: { geo_point: { longitude: 12.5, latitude: 41.9 } } } }],
    });

    await api.ok('PostModels', {
      user_app_id: uai,
      models: [{ id: 'sentiment', model_type_id: 'text-classifier', notes: 'reviews', metadata: { owner: 'ml' } }],
    });
    const trained = (
      await api.ok('PostModelVersions', {
        user_app_id: uai,
        model_id: 'sentiment',
        model_versions: [
          {
            id: 'v1',
            output_info: { data: { concepts: [{ id: 'positive' }, { id: 'negative' }] }, output_config: { concepts_mutually_exclusive: true } },
            train_info: { params: { template: 'modelkeep_text_logreg', seed: 7, dataset_id: 'reviews', dataset_version_id: 'r1' } },
          },
        ],
      })
    ).model.model_version;
    assert.equal((await waitVersion(api, 'sentiment', trained.id)).status.code, 21100);
    const failed = (
      await api.ok('PostModelVersions', {
        user_app_id: uai,
        model_id: 'sentiment',
        model_versions: [{ id: 'v2', output_info: { data: { concepts: [{ id: 'unseen' }] } }, train_info: { params: { template: 'modelkeep_text_logreg' } } }],
      })
    ).model.model_version;
    assert.notEqual((await waitVersion(api, 'sentiment', failed.id)).status.code, 21100, 'no data for "unseen": the version fails');
    await api.ok('PostModels', { user_app_id: uai, models: [{ id: 'thr', model_type_id: 'concept-thresholder' }] });
    await api.ok('PostModelVersions', {
      user_app_id: uai,
      model_id: 'thr',
      model_versions: [{ id: 't1', output_info: { data: { concepts: [{ id: 'positive', value: 0.7 }] } } }],
    });

    // A queued version: restart without a worker so it stays 21103 (with its job) through the export.
    await source.close();
    source = await startTestServer({ MODELKEEP_DATABASE_URL: sqliteUrl, MODELKEEP_WORKER: 'false' }, dir);
    api = apiFor(source);
    await api.ok('PostModels', { user_app_id: uai, models: [{ id: 'later', model_type_id: 'text-classifier' }] });
    await api.ok('PostModelVersions', {
      user_app_id: uai,
      model_id: 'later',
      model_versions: [{ id: 'q1', output_info: { data: { concepts: [{ id: 'positive' }] } }, train_info: { params: { template: 'modelkeep_text_logreg' } } }],
    });
    await api.ok('PatchModels', { user_app_id: uai, action: 'merge', models: [{ id: 'sentiment', metadata: { patched: true } }] });

    expected = { api: await snapshot(api, APP), hidden: await hiddenData(source, APP) };
    const codes = Object.entries(expected.api)
      .filter(([k]) => k.startsWith('version '))
      .map(([, v]) => (v as ApiObject).status.code)
      .sort();
    assert.deepEqual(codes.filter((c) => c === 21100).length, 2, 'two TRAINED versions');
    assert.ok(codes.includes(21103), 'a queued version');
    assert.ok(expected.hidden['sentiment/v1'].artifact, 'the trained version has an artifact');
    assert.ok(expected.hidden.red.bytes && Object.keys(expected.hidden.red.vectors).length > 0, 'the image input has bytes and an embedding');
    assert.equal(expected.api['input broken'].status.code, 30002);
    assert.ok(
      (expected.api.annotations as ApiObject[]).some((a) => a.id === 'extra'),
      'the added annotation is listed',
    );
    assert.equal((expected.api['trained on sentiment/v1'] as ApiObject[]).length, 16, 'the trained version lists its 16 inputs');
  });

  it('export (from the live SQLite) → import into PostgreSQL: every answer, byte and vector is the same', async () => {
    const exp = await runCli(['export', '--app', `${TEST_USER}/${APP}`, '--out', archive], {
      MODELKEEP_DATABASE_URL: sqliteUrl,
      MODELKEEP_LOG_LEVEL: 'silent',
    });
    assert.equal(exp.code, 0, exp.stderr);
    assert.match(exp.stdout, /exported tester\/zoo to .*: \d+ rows/);
    assert.ok(existsSync(archive) && !existsSync(`${archive}.partial`));
    const imp = await runCli(['import', '--in', archive], { MODELKEEP_DATABASE_URL: pg!.url, MODELKEEP_LOG_LEVEL: 'silent' });
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(imp.stdout, /imported tester\/zoo as tester\/zoo: .*artifacts 1/);
    const again = await runCli(['import', '--in', archive], { MODELKEEP_DATABASE_URL: pg!.url, MODELKEEP_LOG_LEVEL: 'silent' });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists; delete it or import under another name with --as/);

    target = await startTestServer({ MODELKEEP_DATABASE_URL: pg!.url, MODELKEEP_WORKER: 'false' });
    assert.deepEqual(await snapshot(apiFor(target), APP), expected.api);
    assert.deepEqual(await hiddenData(target, APP), expected.hidden);
  });

  it('import --as a new name next to the original (fresh internal keys), then PostgreSQL → SQLite: still the same', async () => {
    const imp = await runCli(['import', '--in', archive, '--as', `${TEST_USER}/zoo-copy`], { MODELKEEP_DATABASE_URL: pg!.url, MODELKEEP_LOG_LEVEL: 'silent' });
    assert.equal(imp.code, 0, imp.stderr);
    assert.deepEqual(await snapshot(apiFor(target!), 'zoo-copy'), expected.api);
    assert.deepEqual(await snapshot(apiFor(target!), APP), expected.api, 'the original is untouched');

    const exp = await runCli(['export', '--app', `${TEST_USER}/zoo-copy`, '--out', archive2], {
      MODELKEEP_DATABASE_URL: pg!.url,
      MODELKEEP_LOG_LEVEL: 'silent',
    });
    assert.equal(exp.code, 0, exp.stderr);
    const back = await runCli(['import', '--in', archive2, '--as', `${TEST_USER}/${APP}`], { MODELKEEP_DATABASE_URL: backUrl, MODELKEEP_LOG_LEVEL: 'silent' });
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /user 'tester' did not exist and was created/);
    await target!.close();
    target = await startTestServer({ MODELKEEP_DATABASE_URL: backUrl, MODELKEEP_WORKER: 'false' });
    assert.deepEqual(await snapshot(apiFor(target), APP), expected.api);
    assert.deepEqual(await hiddenData(target, APP), expected.hidden);
  });

  it('the imported queued version is trained by the new instance', async () => {
    await target!.close();
    target = await startTestServer({ MODELKEEP_DATABASE_URL: backUrl });
    const v = await waitVersion(apiFor(target), 'later', 'q1');
    assert.notEqual(v.status.code, 21103, 'the job came along and a worker took it');
  });

  it('usage errors: a missing flag, a malformed app, an unknown app, a cut file', async () => {
    const env = { MODELKEEP_DATABASE_URL: sqliteUrl, MODELKEEP_LOG_LEVEL: 'silent' };
    const r1 = await runCli(['export', '--app', 'no-slash', '--out', path.join(dir, 'x')], env);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /--app must be <user>\/<app>/);
    const r2 = await runCli(['import'], env);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /--in <file> is required/);
    const r3 = await runCli(['export', '--app', 'tester/nope', '--out', path.join(dir, 'x')], env);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /app tester\/nope does not exist/);
    assert.ok(!existsSync(path.join(dir, 'x')) && !existsSync(path.join(dir, 'x.partial')));
    const cut = path.join(dir, 'cut.jsonl.gz');
    writeFileSync(cut, readFileSync(archive).subarray(0, Math.floor(readFileSync(archive).length / 2)));
    const r5 = await runCli(['import', '--in', cut, '--as', 'tester/cut'], env);
    assert.equal(r5.code, 1, r5.stderr);
    assert.match(r5.stderr, /cannot be read to its end .*nothing was imported/);
    const r4 = await runCli(['serve', '--app', 'a/b'], env);
    assert.equal(r4.code, 2);
    assert.match(r4.stderr, /--app: unknown option/);
  });
});
