import assert from 'node:assert/strict';
import type { Harness } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { headConfig, zipPackage } from '../helpers/model-package.js';
import { linearModel } from '../helpers/onnx-graph.js';
import { uploadPackage } from '../helpers/upload.js';
import { type ParityApi, paritySuite } from './harness.js';

// Evidence: Clarifai/docs code_snippets/api-guide/model/create_get_update_delete/curl/
// (list_model_versions.sh, delete_model_version.sh, delete_all_models.sh, get_model_training_inputs.sh,
// get_model_training_inputs_by_version.sh, train_model.sh); Clarifai/clarifai-python
// clarifai/runners/models/model_builder.py get_model_build_logs (ListLogEntries log_type "builder",
// model_id, model_version_id, page 1, per_page 50; prints each entry's message once per url) and
// Clarifai's proto PatchModelIdsRequest (ids [{id, new_id}], action "overwrite").

const newApp = async (api: ParityApi): Promise<{ user_id: string; app_id: string }> => ({
  user_id: 'me',
  app_id: (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('app') }] })).apps[0].id,
});

/** A model of clarifai-python-grpc's shape whose versions are trained at once (no background job to race). */
async function modelWithVersions(api: ParityApi, uai: ApiObject, id: string, n: number): Promise<string[]> {
  await api.ok('PostModels', { user_app_id: uai, models: [{ id, model_type_id: 'concept-thresholder' }] });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await api.ok('PostModelVersions', {
      user_app_id: uai,
      model_id: id,
      model_versions: [{ output_info: { data: { concepts: [{ id: 'cat', value: 0.5 }] } } }],
    });
    ids.push(r.model.model_version.id);
    await new Promise((r) => setTimeout(r, 5));
  }
  return ids;
}

const versionIds = async (api: ParityApi, uai: ApiObject, modelId: string): Promise<string[]> =>
  (((await api.ok('ListModelVersions', { user_app_id: uai, model_id: modelId })).model_versions ?? []) as ApiObject[]).map((v) => v.id as string);
const modelIds = async (api: ParityApi, uai: ApiObject): Promise<string[]> =>
  (((await api.ok('ListModels', { user_app_id: uai })).models ?? []) as ApiObject[]).map((m) => m.id as string);

paritySuite('model versions, model ids, model inputs and build logs', (cases, p) => {
  cases(
    'GET …/models/{id}/versions lists every version of the model; DELETE …/versions/{version_id} removes that one only',
    'Clarifai/docs code_snippets/api-guide/model/create_get_update_delete/curl/list_model_versions.sh, delete_model_version.sh',
    async (api) => {
      const uai = await newApp(api);
      const [first, second] = await modelWithVersions(api, uai, 'my-model', 2);
      assert.deepEqual((await versionIds(api, uai, 'my-model')).sort(), [first, second].sort());
      await api.ok('DeleteModelVersion', { user_app_id: uai, model_id: 'my-model', version_id: first });
      assert.deepEqual(await versionIds(api, uai, 'my-model'), [second]);
      assert.notEqual((await api.call('GetModelVersion', { user_app_id: uai, model_id: 'my-model', version_id: first })).status.code, 10000);
    },
  );

  cases(
    'DELETE …/models with delete_all: true deletes every model of the app',
    'Clarifai/docs code_snippets/api-guide/model/create_get_update_delete/curl/delete_all_models.sh',
    async (api) => {
      const uai = await newApp(api);
      await modelWithVersions(api, uai, 'one', 1);
      await modelWithVersions(api, uai, 'two', 0);
      assert.deepEqual((await modelIds(api, uai)).sort(), ['one', 'two']);
      await api.ok('DeleteModels', { user_app_id: uai, delete_all: true });
      assert.deepEqual(await modelIds(api, uai), []);
    },
  );

  cases(
    'DeleteModels with ids deletes just those',
    'Clarifai/clarifai-python clarifai/client/app.py App.delete_model (DeleteModelsRequest ids=[model_id])',
    async (api) => {
      const uai = await newApp(api);
      for (const id of ['keep', 'drop']) await modelWithVersions(api, uai, id, 1);
      await api.ok('DeleteModels', { user_app_id: uai, ids: ['drop'] });
      assert.deepEqual(await modelIds(api, uai), ['keep']);
    },
  );

  cases(
    'PatchModelIds renames a model: the answer carries the new id, the old id reads 21200, the versions follow',
    "Clarifai proto PatchModelIdsRequest (ids [{id, new_id}], action 'overwrite'), as clarifai-python-grpc generates it",
    async (api) => {
      const uai = await newApp(api);
      const [v] = await modelWithVersions(api, uai, 'old-id', 1);
      const r = await api.ok('PatchModelIds', { user_app_id: uai, action: 'overwrite', ids: [{ id: 'old-id', new_id: 'new-id' }] });
      assert.equal(r.models[0].id, 'new-id');
      assert.equal((await api.call('GetModel', { user_app_id: uai, model_id: 'old-id' })).status.code, 21200);
      assert.deepEqual(await versionIds(api, uai, 'new-id'), [v]);
    },
  );

  cases(
    'GET …/models/{id}/inputs and …/versions/{version_id}/inputs list the inputs the version trained on',
    'Clarifai/docs code_snippets/api-guide/model/create_get_update_delete/curl/get_model_training_inputs.sh, get_model_training_inputs_by_version.sh; clarifai-python-grpc tests/client/test_model_crud.py (PostModels then PostModelVersions with the concepts)',
    async (api) => {
      const uai = await newApp(api);
      const texts: [string, string, string][] = [
        ['goal', 'the striker scored a late goal', 'sports'],
        ['match', 'the team won the match', 'sports'],
        ['sauce', 'simmer the sauce slowly', 'cooking'],
        ['bread', 'knead the dough and bake', 'cooking'],
      ];
      await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: texts.map(([id, raw, c]) => ({ id, data: { text: { raw }, concepts: [{ id: c, value: 1 }] } })),
      });
      for (const [id] of texts) await api.until('GetInput', { user_app_id: uai, input_id: id }, (b) => b.input?.status?.code === 30000);
      // As clarifai-python-grpc test_model_crud.py makes one since the 2023-01-20 change (docs create_model.sh /
      // train_model.sh still show the older model.output_info + empty POST …/versions, refused by decision 0013).
      await api.ok('PostModels', { user_app_id: uai, models: [{ id: 'topics' }] });
      const versionId = (
        await api.ok('PostModelVersions', {
          user_app_id: uai,
          model_id: 'topics',
          model_versions: [{ output_info: { data: { concepts: [{ id: 'sports' }, { id: 'cooking' }] } } }],
        })
      ).model.model_version.id;
      const done = await api.until(
        'GetModelVersion',
        { user_app_id: uai, model_id: 'topics', version_id: versionId },
        (b) => ![21103, 21101].includes(b.model_version?.status?.code),
      );
      assert.equal(done.model_version.status.code, 21100, JSON.stringify(done.model_version.status));
      const want = texts.map((t) => t[0]).sort();
      const ids = (b: ApiObject) => ((b.inputs ?? []) as ApiObject[]).map((i) => i.id as string).sort();
      assert.deepEqual(ids(await api.ok('ListModelInputs', { user_app_id: uai, model_id: 'topics' })), want);
      assert.deepEqual(ids(await api.ok('ListModelInputs', { user_app_id: uai, model_id: 'topics', version_id: versionId })), want);
    },
  );

  cases(
    'the SDK\'s get_model_build_logs: an uploaded version\'s "builder" log, page 1 of 50, answers entries with a message and a url of their own',
    'Clarifai/clarifai-python clarifai/runners/models/model_builder.py get_model_build_logs, monitor_model_build',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostModels', { user_app_id: uai, models: [{ id: 'uploaded', model_type_id: 'text-classifier' }] });
      const dim = 2048; // general-text-embedding's vectors, what the head reads
      const w = Array.from({ length: dim }, (_, i) => [Math.sin(i), Math.cos(i)]);
      const bytes = await zipPackage({ 'model.onnx': linearModel(w, [0, 0], { softmax: false }), 'config.json': headConfig(dim, ['yes', 'no']) });
      const h = { api: { transport: api.transport }, server: p.server } as unknown as Harness;
      const up = await uploadPackage(h, uai, 'uploaded', bytes, { modelVersion: { id: 'v1' } });
      assert.equal(up.last.status.code, 21107, JSON.stringify(up.last.status));
      // monitor_model_build: GetModelVersion until the build is over.
      await api.until('GetModelVersion', { user_app_id: uai, model_id: 'uploaded', version_id: 'v1' }, (b) => b.model_version?.status?.code !== 21107);
      const logs = await api.ok('ListLogEntries', {
        log_type: 'builder',
        user_app_id: uai,
        model_id: 'uploaded',
        model_version_id: 'v1',
        page: 1,
        per_page: 50,
      });
      const entries = logs.log_entries as ApiObject[];
      assert.ok(entries.length > 0 && entries.length <= 50);
      for (const e of entries) assert.ok(e.message && e.url, JSON.stringify(e));
      assert.equal(new Set(entries.map((e) => e.url)).size, entries.length, 'each line is printed once: urls differ');
    },
  );
});
