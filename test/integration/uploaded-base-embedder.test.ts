import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { defaultModelTypes } from '../../src/domain/model-types/catalog.js';
import { ModelTypeRegistry } from '../../src/domain/model-types/registry.js';
import { type Embedder, l2normalise } from '../../src/ml/embedders/embedder.js';
import { HashingTextEmbedder, TEXT_EMBEDDER_ID } from '../../src/ml/embedders/text-hashing.js';
import { builtInPlugins } from '../../src/plugins/index.js';
import { StoreTrainingDataSource } from '../../src/storage/training-data-source.js';
import { describeBoth, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { pngBase64, textInput, waitForInput } from '../helpers/inputs.js';
import { zipPackage } from '../helpers/model-package.js';
import { type Api, apiOf, newModel, newVersion, sleep, storedVersion } from '../helpers/models.js';
import { linearModel } from '../helpers/onnx-graph.js';
import { TEST_PAT, TEST_USER } from '../helpers/server.js';
import { FakeTrainingData, TOPICS } from '../helpers/training.js';
import { uploadPackage } from '../helpers/upload.js';

const TEXT_DIM = 2048;
const hashing = new HashingTextEmbedder();
const hashOf = async (text: string): Promise<Float32Array> => (await hashing.embed([{ text }]))[0]!;

/**
 * The test's own embedder: three numbers per text, the hashed text's similarity to a sports
 * vocabulary, to a cooking one, and a fixed mix — so the topics separate in its space.
 */
async function projection(): Promise<{ w: number[][]; b: number[] }> {
  const sports = await hashOf('team match goal stadium players fans keeper');
  const cooking = await hashOf('bake bread oven recipe flour butter sauce kitchen cake');
  const w = Array.from({ length: TEXT_DIM }, (_, i) => [sports[i]!, cooking[i]!, Math.sin(i * 0.37) * 0.05]);
  return { w, b: [0.01, 0.02, 0.3] };
}
const affine = (x: ArrayLike<number>, w: number[][], b: number[]): number[] => b.map((bj, j) => bj + w.reduce((s, row, i) => s + x[i]! * row[j]!, 0));
const close = (got: number, want: number, what: string): void => assert.ok(Math.abs(got - want) < 1e-5, `${what}: ${got} vs ${want}`);
const embedderConfig = (size: number) =>
  JSON.stringify({ input: { kind: 'embedding', name: 'x', size: TEXT_DIM }, output: { kind: 'embedding', name: 'y', size } });

async function waitDone(api: Api, uai: ApiObject, modelId: string, versionId: string): Promise<ApiObject> {
  for (const deadline = Date.now() + 60_000; ; await sleep(50)) {
    const v = (await api.ok('GetModelVersion', { user_app_id: uai, model_id: modelId, version_id: versionId })).model_version;
    if (![21103, 21101, 21107].includes(v.status.code)) return v;
    assert.ok(Date.now() < deadline, `still ${JSON.stringify(v.status)}`);
  }
}

/** Issue 16 item 4 (decision 0040): an uploaded embedder as the base model of an embedding-classifier. */
describeBoth(
  'An embedding-classifier trains and predicts on an uploaded embedder',
  (h) => {
    const api = apiOf(h);
    let uai: { user_id: string; app_id: string };
    let proj: { w: number[][]; b: number[] };
    let encV1 = '';
    /** The test's computation of what the uploaded embedder gives, normalised as training uses it. */
    const ours = async (text: string): Promise<Float32Array> => l2normalise(Float32Array.from(affine(await hashOf(text), proj.w, proj.b)));
    const upload = async (modelId: string, w: number[][], b: number[], size: number, id?: string): Promise<string> => {
      const pkg = await zipPackage({ 'model.onnx': linearModel(w, b, { softmax: false }), 'config.json': embedderConfig(size) });
      const r = await uploadPackage(h, uai, modelId, pkg, id ? { modelVersion: { id } } : {});
      assert.equal(r.last.status.code, 21107, JSON.stringify(r.last.status));
      const v = await waitDone(api, uai, modelId, r.last.model_version_id);
      assert.equal(v.status.code, 21100, JSON.stringify(v.status));
      return v.id;
    };
    const refused = async (baseEmbedModel: ApiObject, details: RegExp): Promise<void> => {
      const r = await api.call('PostModelVersions', {
        user_app_id: uai,
        model_id: 'topics',
        model_versions: [{ output_info: { data: { concepts: [{ id: 'sports' }, { id: 'cooking' }] } }, input_info: { base_embed_model: baseEmbedModel } }],
      });
      assert.equal(r.body.status.code, 21202, JSON.stringify(r.body.status));
      assert.match(r.body.status.details, details);
    };

    before(async () => {
      proj = await projection();
      const appId = uid('ownbase');
      // Text base workflow: images are processed without the built-in image model (not needed here).
      await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: appId, default_workflow_id: 'Text' }] });
      uai = { user_id: 'me', app_id: appId };
      await newModel(api, uai, { id: 'enc', model_type_id: 'text-embedder' });
      await newModel(api, uai, { id: 'topics', model_type_id: 'embedding-classifier' });
      encV1 = await upload('enc', proj.w, proj.b, 3, 'enc-v1');
      const inputs = [
        ...TOPICS.sports.map((t, i) => textInput(`s${i}`, t, [['sports', 1]])),
        ...TOPICS.cooking.map((t, i) => textInput(`c${i}`, t, [['cooking', 1]])),
        { id: 'red', data: { image: { base64: await pngBase64([220, 20, 20]) }, concepts: [{ id: 'red', value: 1 }] } },
        { id: 'blue', data: { image: { base64: await pngBase64([20, 20, 220]) }, concepts: [{ id: 'blue', value: 1 }] } },
      ];
      await api.ok('PostInputs', { user_app_id: uai, inputs });
      for (const i of inputs) assert.equal((await waitForInput(api, uai, i.id)).status.code, 30000);
    });

    let trained: ApiObject;
    it('PostModelVersions pins the newest 21100 version of the embedder and shows it in input_info', async () => {
      const created = await newVersion(api, uai, 'topics', {
        id: 'on-enc',
        output_info: { data: { concepts: [{ id: 'sports' }, { id: 'cooking' }] }, output_config: { concepts_mutually_exclusive: true } },
        input_info: { base_embed_model: { id: 'enc' } },
        train_info: { params: { seed: 1 } },
      });
      const pinned = { id: 'enc', app_id: uai.app_id, user_id: TEST_USER, model_type_id: 'text-embedder', model_version: { id: encV1 } };
      assert.deepEqual(created.input_info.base_embed_model, pinned);
      trained = await waitDone(api, uai, 'topics', 'on-enc');
      assert.equal(trained.status.code, 21100, JSON.stringify(trained.status));
      assert.deepEqual(trained.input_info.base_embed_model, pinned);
      assert.equal(trained.total_input_count, 16, 'the 16 texts; the two images are not of its kind');
    });

    it('predictions rank as expected and equal a head trained on the test-computed embeddings (1e-5)', async () => {
      const probes = ['the players scored a goal in the stadium', 'bake the cake with butter and flour'];
      const r = await api.ok('PostModelOutputs', { user_app_id: uai, model_id: 'topics', inputs: probes.map((t) => ({ data: { text: { raw: t } } })) });
      assert.equal(r.outputs[0].data.concepts[0].id, 'sports');
      assert.equal(r.outputs[1].data.concepts[0].id, 'cooking');
      // The embedder itself answers our projection (unnormalised, as an embedder's output is).
      const e = await api.ok('PostModelOutputs', { user_app_id: uai, model_id: 'enc', version_id: encV1, inputs: [{ data: { text: { raw: probes[0] } } }] });
      const raw = affine(await hashOf(probes[0]!), proj.w, proj.b);
      (e.outputs[0].data.embeddings[0].vector as number[]).forEach((v, j) => close(v, raw[j]!, `dimension ${j}`));

      // The same head trained here on our own computation of the embedder, in the server's input order.
      const { version } = await storedVersion(h, uai.app_id, 'topics', 'on-enc');
      assert.ok(version);
      const stored = await new StoreTrainingDataSource(h.server.store).collect({
        userId: TEST_USER,
        appId: uai.app_id,
        embedderId: TEXT_EMBEDDER_ID,
        conceptIds: ['sports', 'cooking'],
      });
      const texts = new Map<string, string>([...TOPICS.sports.map((t, i) => [`s${i}`, t] as const), ...TOPICS.cooking.map((t, i) => [`c${i}`, t] as const)]);
      const data = new FakeTrainingData();
      data.examples = await Promise.all(stored.examples.map(async (e) => ({ ...e, vector: await ours(texts.get(e.inputId)!) })));
      const mine: Embedder = { id: 'test-projection', dim: 3, kind: 'text', embed: (batch) => Promise.all(batch.map((b) => ours(b.text!))) };
      const artifacts = new Map<string, Uint8Array>();
      const types = new ModelTypeRegistry(defaultModelTypes());
      const plugin = builtInPlugins(types, {
        embedders: new Map([['test-projection', mine]]),
        trainingData: data,
        artifacts: { put: async (pk, b) => void artifacts.set(pk, b), get: async (pk) => artifacts.get(pk), head: async () => undefined },
      }).get('embedding-classifier')!;
      const replica = { ...version, pk: 'replica', inputInfo: { base_embed_model: { id: 'test-projection' } } };
      const result = await plugin.train!({
        version: replica,
        type: types.get('embedding-classifier')!,
        log: () => {},
        progress: () => {},
        shouldStop: () => false,
        timeLeftMs: () => 60_000,
      });
      artifacts.set('replica', result.artifact);
      const want = await plugin.predict({ model: {} as never, version: replica, params: {}, inputs: probes.map((text) => ({ text, data: {} })) });
      r.outputs.forEach((o: ApiObject, k: number) => {
        const w = want[k]!;
        assert.ok(w.ok);
        const expected = new Map(w.data.concepts!.map((c) => [c.id, c.value]));
        for (const c of o.data.concepts) close(c.value, expected.get(c.id)!, `${c.id} of probe ${k}`);
      });
    });

    it('exports as one graph (embedder, L2 norm, head): uploaded to another app it scores as the original, to 1e-5', async () => {
      const { export: e } = await api.ok('PutModelVersionExports', { user_app_id: uai, model_id: 'topics', version_id: 'on-enc' });
      const bytes = new Uint8Array(await (await fetch(e.url, { headers: { authorization: `Key ${TEST_PAT}` } })).arrayBuffer());
      const other = { user_id: 'me', app_id: uid('pipeline') };
      await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: other.app_id }] });
      await newModel(api, other, { id: 'copy', model_type_id: 'text-classifier' });
      const up = await uploadPackage(h, other, 'copy', bytes, { modelVersion: { id: 'imported' } });
      assert.equal(up.last.status.code, 21107, JSON.stringify(up.last.status));
      assert.equal((await waitDone(api, other, 'copy', 'imported')).status.code, 21100);
      const probes = ['the keeper saved a penalty', 'whisk the butter into the sauce', 'a quiet afternoon'];
      const scores = async (at: ApiObject, modelId: string, versionId: string) =>
        (
          await api.ok('PostModelOutputs', {
            user_app_id: at,
            model_id: modelId,
            version_id: versionId,
            inputs: probes.map((t) => ({ data: { text: { raw: t } } })),
          })
        ).outputs.map((o: ApiObject) => new Map<string, number>(o.data.concepts.map((c: ApiObject) => [c.id, c.value])));
      const want = await scores(uai, 'topics', 'on-enc');
      const got = await scores(other, 'copy', 'imported');
      probes.forEach((p, k) => {
        for (const [c, v] of want[k]!) close(got[k]!.get(c)!, v, `${p} ${c}`);
      });
    });

    it('a newer embedder version does not change a pinned classifier; a version may pin an older one', async () => {
      const before = await api.ok('PostModelOutputs', {
        user_app_id: uai,
        model_id: 'topics',
        version_id: 'on-enc',
        inputs: [{ data: { text: { raw: 'a goal' } } }],
      });
      const swapped = proj.w.map((row) => [row[1]!, row[0]!, row[2]!]);
      await upload('enc', swapped, proj.b, 3, 'enc-v2');
      const after = await api.ok('PostModelOutputs', {
        user_app_id: uai,
        model_id: 'topics',
        version_id: 'on-enc',
        inputs: [{ data: { text: { raw: 'a goal' } } }],
      });
      assert.deepEqual(after.outputs[0].data.concepts, before.outputs[0].data.concepts);
      const old = await newVersion(api, uai, 'topics', {
        id: 'on-enc-v1',
        output_info: { data: { concepts: [{ id: 'sports' }] } },
        input_info: { base_embed_model: { id: 'enc', user_id: TEST_USER, app_id: uai.app_id, model_version: { id: encV1 } } },
      });
      assert.equal(old.input_info.base_embed_model.model_version.id, encV1);
      assert.equal((await waitDone(api, uai, 'topics', 'on-enc-v1')).status.code, 21100);
    });

    it('evaluation of a version trained on it cross-validates with its embeddings', async () => {
      await api.ok('PostModelVersionMetrics', { user_app_id: uai, model_id: 'topics', version_id: 'on-enc' });
      for (const deadline = Date.now() + 60_000; ; await sleep(100)) {
        const v = (await api.ok('GetModelVersionMetrics', { user_app_id: uai, model_id: 'topics', version_id: 'on-enc' })).model_version;
        if (![21302, 21303, 21301].includes(v.metrics.status.code)) {
          assert.equal(v.metrics.status.code, 21300, JSON.stringify(v.metrics.status));
          assert.ok(v.metrics.summary.macro_avg_roc_auc > 0.9, JSON.stringify(v.metrics.summary));
          break;
        }
        assert.ok(Date.now() < deadline, JSON.stringify(v.metrics.status));
      }
    });

    it('refuses, with 21202 naming the field: an unknown model, a model that is no embedder, no 21100 version, an unusable size', async () => {
      await refused(
        { id: 'nope' },
        /input_info\.base_embed_model\.id 'nope' is neither a built-in embedder \(general-text-embedding, general-image-embedding\) nor a model of app/,
      );
      await refused(
        { id: 'topics' },
        /input_info\.base_embed_model\.id 'topics' is a embedding-classifier model, not an embedder; name a text-embedder or visual-embedder model/,
      );
      await newModel(api, uai, { id: 'empty-enc', model_type_id: 'text-embedder' });
      await refused({ id: 'empty-enc' }, /names model 'empty-enc', which has no version in status 21100 \(MODEL_TRAINED\)/);
      await refused({ id: 'enc', model_version: { id: 'v9' } }, /input_info\.base_embed_model\.model_version\.id 'v9' is not a version of model 'enc'/);
      await refused(
        { id: 'enc', user_id: 'someone', app_id: 'else' },
        /names model 'enc' of app 'someone\/else'; a base model is a built-in one of clarifai\/main/,
      );
      await newModel(api, uai, { id: 'tiny-enc', model_type_id: 'text-embedder' });
      await upload(
        'tiny-enc',
        proj.w.map((row) => [row[0]!]),
        [0],
        1,
      );
      await refused(
        { id: 'tiny-enc' },
        /version '.+' of model 'tiny-enc' gives an embedding of 1 number; once normalised to unit length that says nothing but its sign/,
      );
      const versions = (await api.ok('ListModelVersions', { user_app_id: uai, model_id: 'topics' })).model_versions.map((v: ApiObject) => v.id);
      assert.deepEqual(versions.sort(), ['on-enc', 'on-enc-v1'], 'a refused version is not created');
    });

    it('image training inputs for a text embedder end the version 21202 naming the field', async () => {
      const v = await newVersion(api, uai, 'topics', {
        id: 'colours',
        output_info: { data: { concepts: [{ id: 'red' }, { id: 'blue' }] } },
        input_info: { base_embed_model: { id: 'enc' } },
      });
      const done = await waitDone(api, uai, 'topics', v.id);
      assert.equal(done.status.code, 21202, JSON.stringify(done.status));
      assert.match(
        done.status.details,
        /input_info\.base_embed_model names the uploaded embedder enc@enc-v2, which embeds text, but the 2 labelled inputs are images; label text inputs, or create a new version based on an image embedder/,
      );
      await api.ok('DeleteModelVersion', { user_app_id: uai, model_id: 'topics', version_id: 'colours' });
    });

    it('renaming the embedder model (PatchModelIds) rewrites the versions based on it; they keep predicting', async () => {
      const probe = { user_app_id: uai, model_id: 'topics', version_id: 'on-enc', inputs: [{ data: { text: { raw: 'a goal in the match' } } }] };
      const before = await api.ok('PostModelOutputs', probe);
      await api.ok('PatchModelIds', { user_app_id: uai, action: 'overwrite', ids: [{ id: 'enc', new_id: 'encoder' }] });
      const v = (await api.ok('GetModelVersion', { user_app_id: uai, model_id: 'topics', version_id: 'on-enc' })).model_version;
      assert.equal(v.input_info.base_embed_model.id, 'encoder');
      assert.equal(v.input_info.base_embed_model.model_version.id, encV1);
      assert.deepEqual((await api.ok('PostModelOutputs', probe)).outputs[0].data.concepts, before.outputs[0].data.concepts);
      await api.ok('PatchModelIds', { user_app_id: uai, action: 'overwrite', ids: [{ id: 'encoder', new_id: 'enc' }] });
    });

    it('a pinned embedder version (and its model) cannot be deleted while a version is based on it', async () => {
      const del = await api.call('DeleteModelVersion', { user_app_id: uai, model_id: 'enc', version_id: encV1 });
      assert.equal(del.body.status.code, 21203, JSON.stringify(del.body.status));
      assert.match(
        del.body.status.details,
        /Version 'enc-v1' of model 'enc' is the base embedder \(input_info\.base_embed_model\) of version 'on-enc' of model 'topics', 'on-enc-v1' of model 'topics'; delete those versions first/,
      );
      const delModel = await api.call('DeleteModel', { user_app_id: uai, model_id: 'enc' });
      assert.equal(delModel.body.status.code, 21203);
      assert.match(delModel.body.status.details, /Model 'enc' holds versions that are the base embedder/);
      // enc-v2 is no version's base: it can go.
      await api.ok('DeleteModelVersion', { user_app_id: uai, model_id: 'enc', version_id: 'enc-v2' });
      // Deleting both in one call is fine: nothing is left based on a missing embedder.
      await api.ok('DeleteModels', { user_app_id: uai, ids: ['enc', 'topics'] });
    });
  },
  { MODELKEEP_INFERENCE_THREADS: '1' },
);
