import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { readPackage } from '../../src/ml/onnx/package-archive.js';
import { describeBoth, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { textInput, waitForInput } from '../helpers/inputs.js';
import { type Api, apiOf, newApp, newModel, newVersion, sleep } from '../helpers/models.js';
import { TEST_PAT } from '../helpers/server.js';
import { TOPICS } from '../helpers/training.js';
import { uploadPackage } from '../helpers/upload.js';

const text = (raw: string): ApiObject => ({ data: { text: { raw } } });
const TRAIN = { params: { template: 'modelkeep_text_logreg', seed: 1 } };
const PROBES = ['the team scored a goal in the stadium', 'bake the cake in a hot oven', 'a recipe for the players', 'nothing in common here'];

async function waitStatus(api: Api, uai: ApiObject, modelId: string, versionId: string, busy: number[]): Promise<ApiObject> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = (await api.ok('GetModelVersion', { user_app_id: uai, model_id: modelId, version_id: versionId })).model_version;
    if (!busy.includes(v.status.code)) return v;
    assert.ok(Date.now() < deadline, `still ${JSON.stringify(v.status)}`);
    await sleep(100);
  }
}

/** Concept id -> score for each probe text, from PostModelOutputs. */
async function scores(api: Api, uai: ApiObject, modelId: string, versionId: string): Promise<Map<string, number>[]> {
  const r = await api.ok('PostModelOutputs', { user_app_id: uai, model_id: modelId, version_id: versionId, inputs: PROBES.map(text) });
  return r.outputs.map((o: ApiObject) => new Map(o.data.concepts.map((c: ApiObject) => [c.id, c.value])));
}

/**
 * Export → download → upload elsewhere → predict (decision 0041): a trained classifier's package,
 * uploaded to another app as a new version, scores the same inputs to 1e-5, over both transports.
 */
describeBoth('PutModelVersionExports / GetModelVersionExport: a trained classifier exported and uploaded elsewhere predicts the same', (h) => {
  const api = apiOf(h);
  let source: { user_id: string; app_id: string };
  let target: { user_id: string; app_id: string };
  const trained: Record<string, string> = {};
  const dir = mkdtempSync(path.join(tmpdir(), 'mk-export-'));
  const exportReq = (modelId: string, versionId = trained[modelId]!) => ({ user_app_id: source, model_id: modelId, version_id: versionId });
  const download = (url: string, headers: Record<string, string> = { authorization: `Key ${TEST_PAT}` }) => fetch(url, { headers });

  before(async () => {
    source = await newApp(api, uid('export-src'));
    target = await newApp(api, uid('export-dst'));
    const inputs = Object.entries(TOPICS).flatMap(([concept, texts]) => texts.map((t, i) => textInput(`${concept}${i}`, t, [[concept, 1]])));
    await api.ok('PostInputs', { user_app_id: source, inputs });
    for (const i of inputs) assert.equal((await waitForInput(api, source, i.id)).status.code, 30000);
    // Softmax (mutually exclusive) and one-vs-rest sigmoids: both heads must export exactly.
    for (const [id, exclusive] of [
      ['topics', true],
      ['tags', false],
    ] as const) {
      await newModel(api, source, { id, model_type_id: 'text-classifier' });
      const v = await newVersion(api, source, id, {
        output_info: { data: { concepts: [{ id: 'sports' }, { id: 'cooking' }] }, output_config: { concepts_mutually_exclusive: exclusive } },
        train_info: TRAIN,
      });
      trained[id] = v.id;
    }
    for (const id of Object.keys(trained)) assert.equal((await waitStatus(api, source, id, trained[id]!, [21103, 21101])).status.code, 21100);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('GetModelVersionExport before any export: 11101 (what Clarifai’s client reads as "not exported yet")', async () => {
    const s = await api.fails('GetModelVersionExport', exportReq('topics'), 11101, 404);
    assert.match(s.details!, /has not been exported; call PutModelVersionExports/);
  });

  it('PutModelVersionExports answers the export (21500, url, size); Get and a second Put answer the same', async () => {
    const put = await api.ok('PutModelVersionExports', exportReq('topics'));
    assert.equal(put.export.status.code, 21500);
    assert.equal(put.export.status.description, 'Model is exported');
    assert.equal(
      put.export.url,
      `http://127.0.0.1:${h.server.httpPort}/exports/users/tester/apps/${source.app_id}/models/topics/versions/${trained.topics}/model.zip`,
    );
    assert.ok(Number(put.export.size) > 0, `size ${put.export.size}`);
    const got = await api.ok('GetModelVersionExport', exportReq('topics'));
    assert.deepEqual(got.export, put.export);
    assert.deepEqual((await api.ok('PutModelVersionExports', exportReq('topics'))).export, put.export);
  });

  it('the url serves the package with the key (whole or a byte range), not without it', async () => {
    const { export: e } = await api.ok('GetModelVersionExport', exportReq('topics'));
    const whole = await download(e.url);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'application/zip');
    const bytes = Buffer.from(await whole.arrayBuffer());
    assert.equal(bytes.length, Number(e.size));
    const part = await download(e.url, { authorization: `Key ${TEST_PAT}`, range: 'bytes=10-99' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 10-99/${bytes.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(10, 100));
    assert.equal((await download(e.url, { authorization: `Key ${TEST_PAT}`, range: `bytes=${bytes.length}-` })).status, 416);
    const anonymous = await download(e.url, {});
    assert.notEqual(anonymous.status, 200);
    const wrong = await download(e.url, { authorization: 'Key not-a-key' });
    assert.equal(wrong.status, 401);
    const absent = await download(e.url.replace(trained.topics!, 'nope'));
    assert.equal(absent.status, 404);
  });

  it('the package is model.onnx + config.json as our upload takes it: the built-in embedder named, final scores (activation raw)', async () => {
    const { export: e } = await api.ok('GetModelVersionExport', exportReq('topics'));
    const file = path.join(dir, 'topics.zip');
    writeFileSync(file, Buffer.from(await (await download(e.url)).arrayBuffer()));
    const pkg = await readPackage(file, 1 << 30);
    assert.deepEqual(pkg.config.input, {
      kind: 'embedding',
      name: 'embedding',
      size: 2048,
      base_embed_model: { user_id: 'clarifai', app_id: 'main', id: 'general-text-embedding' },
    });
    assert.deepEqual(pkg.config.output, { kind: 'concepts', name: 'scores', concepts: ['sports', 'cooking'], activation: 'raw' });
  });

  for (const [modelId, targetType] of [
    ['topics', 'text-classifier'],
    ['tags', 'embedding-classifier'],
  ] as const) {
    it(`round trip (${modelId} → a ${targetType} of another app): the uploaded version scores the probes as the trained one, to 1e-5`, async () => {
      const { export: e } = (await api.call('PutModelVersionExports', exportReq(modelId))).body;
      assert.equal(e.status.code, 21500);
      const bytes = new Uint8Array(await (await download(e.url)).arrayBuffer());
      const copy = `${modelId}-copy`;
      await newModel(api, target, { id: copy, model_type_id: targetType });
      const up = await uploadPackage(h, target, copy, bytes, { modelVersion: { id: 'imported' } });
      assert.equal(up.last.status.code, 21107, JSON.stringify(up.last.status));
      const v = await waitStatus(api, target, copy, 'imported', [21107]);
      assert.equal(v.status.code, 21100, JSON.stringify(v.status));
      // The embedding-classifier has no built-in default for text: the config's base_embed_model chose it.
      assert.equal(v.input_info.base_embed_model.id, 'general-text-embedding');
      const want = await scores(api, source, modelId, trained[modelId]!);
      const got = await scores(api, target, copy, 'imported');
      for (let i = 0; i < PROBES.length; i++) {
        assert.deepEqual([...got[i]!.keys()].sort(), ['cooking', 'sports']);
        for (const [c, value] of want[i]!) assert.ok(Math.abs(got[i]!.get(c)! - value) < 1e-5, `${PROBES[i]} ${c}: ${got[i]!.get(c)} vs ${value}`);
      }
    });
  }

  it('refuses versions with nothing to export, saying why', async () => {
    // An uploaded version: the package is the model.
    let s = await api.fails('PutModelVersionExports', { user_app_id: target, model_id: 'topics-copy', version_id: 'imported' }, 21202, 400);
    assert.match(s.details!, /uploaded as an ONNX package/);
    // A version whose training failed (no input carries its concept).
    await newModel(api, source, { id: 'empty', model_type_id: 'text-classifier' });
    const failed = await newVersion(api, source, 'empty', { output_info: { data: { concepts: [{ id: 'nobody' }] } }, train_info: TRAIN });
    assert.notEqual((await waitStatus(api, source, 'empty', failed.id, [21103, 21101])).status.code, 21100);
    s = await api.fails('PutModelVersionExports', exportReq('empty', failed.id), 21102, 400);
    assert.match(s.details!, /is not trained \(status \d+\)/);
    // A type modelkeep does not train a head for.
    await newModel(api, source, { id: 'thr', model_type_id: 'concept-thresholder' });
    const thr = await newVersion(api, source, 'thr', { output_info: { data: { concepts: [{ id: 'sports', value: 0.5 }] } } });
    s = await api.fails('PutModelVersionExports', exportReq('thr', thr.id), 21202, 400);
    assert.match(s.details!, /A concept-thresholder version cannot be exported/);
    await api.fails('PutModelVersionExports', exportReq('topics', 'nope'), 21200, 404);
    // The package says which embedder feeds it: an upload naming another one is refused, leaving no version.
    const { export: e } = await api.ok('GetModelVersionExport', exportReq('topics'));
    const bytes = new Uint8Array(await (await download(e.url)).arrayBuffer());
    const other = { input_info: { base_embed_model: { id: 'general-image-embedding', app_id: 'main', user_id: 'clarifai' } } };
    const up = await uploadPackage(h, target, 'topics-copy', bytes, { modelVersion: { id: 'mismatch', ...other } });
    assert.equal(up.last.status.code, 21105, JSON.stringify(up.last.status));
    assert.match(up.last.status.details, /config says it takes the vectors of clarifai\/main\/general-text-embedding .*general-image-embedding/);
    await api.fails('GetModelVersion', { user_app_id: target, model_id: 'topics-copy', version_id: 'mismatch' }, 21200, 404);
    await api.fails('GetModelVersionExport', exportReq('empty', failed.id), 11101, 404);
  });
});
