import assert from 'node:assert/strict';
import { paritySuite } from './harness.js';

const SYSTEM = { user_id: 'clarifai', app_id: 'main' };

paritySuite('apps, keys, models and model versions (the 2023-01-20 flow)', (cases) => {
  cases(
    'PostApps with a name and no id creates the app with a generated id; GetApp returns name and default_workflow_id',
    'clarifai-python-grpc scripts/app_and_key_for_tests.py create_app',
    async (api) => {
      const name = api.id('auto-created-in-ci-test-run');
      const posted = await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ name, default_workflow_id: 'General' }] });
      const app = posted.apps[0];
      assert.match(app.id, /^[0-9a-f]{32}$/);
      assert.equal(app.name, name);
      const got = await api.ok('GetApp', { user_app_id: { user_id: 'me', app_id: app.id } });
      assert.deepEqual([got.app.id, got.app.name, got.app.default_workflow_id], [app.id, name, 'General']);
    },
  );

  cases(
    "an invalid key answers 11008 CONN_KEY_INVALID with Clarifai's description (HTTP 401)",
    'clarifai-python-grpc tests/client/test_auth.py test_invalid_api_key',
    async (api) => {
      const b = await api.call('ListModels', { user_app_id: SYSTEM }, 'SOME_INVALID_KEY');
      assert.equal(b.status.code, 11008);
      assert.equal(b.status.description, 'Invalid API key or Invalid API key/application pair');
      if (api.transport === 'rest') assert.equal(b.http, 401);
    },
  );

  cases(
    'ListModels of clarifai/main lists its models; per_page=2 gives 2; a page past the end is empty',
    'clarifai-python-grpc tests/client/test_model_crud.py test_list_models, test_list_models_with_pagination',
    async (api) => {
      assert.ok((await api.ok('ListModels', { user_app_id: SYSTEM })).models.length > 0);
      assert.equal((await api.ok('ListModels', { user_app_id: SYSTEM, per_page: 2 })).models.length, 2);
      assert.deepEqual((await api.ok('ListModels', { user_app_id: SYSTEM, page: 1000, per_page: 500 })).models ?? [], []);
    },
  );

  cases(
    'GetModel of an unknown model answers 21200 "Model does not exist"',
    'clarifai-nodejs tests/client/app.integration.test.ts at a851c71, as read for decision 0011 (model with a bad id)',
    async (api) => {
      const appId = (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('app') }] })).apps[0].id;
      const b = await api.call('GetModel', { user_app_id: { user_id: 'me', app_id: appId }, model_id: 'no-such-model' });
      assert.equal(b.status.code, 21200);
      assert.equal(b.status.description, 'Model does not exist');
      if (api.transport === 'rest') assert.equal(b.http, 404);
    },
  );

  cases(
    'DeleteApp of an unknown app answers 11101 "Resource does not exist"',
    'clarifai-nodejs tests/client/app.integration.test.ts at a851c71, as read for decision 0011 (deleteApp of an unknown app)',
    async (api) => {
      const b = await api.call('DeleteApp', { user_app_id: { user_id: 'me', app_id: api.id('never-created') } });
      assert.equal(b.status.code, 11101);
      assert.equal(b.status.description, 'Resource does not exist');
    },
  );

  cases(
    'PostModels makes no version; PatchModels overwrite renames; PostModelVersions carries the concepts; GetModelOutputInfo shows them',
    'clarifai-python-grpc tests/client/test_model_crud.py test_post_patch_get_train_evaluate_predict_delete_model (model part); docs "Create, Get, Update, Delete" models (2023-01-20 change)',
    async (api) => {
      const uai = { user_id: 'me', app_id: (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('models') }] })).apps[0].id };
      const modelId = api.id('model-id');
      const posted = await api.ok('PostModels', { user_app_id: uai, models: [{ id: modelId }] });
      assert.equal(posted.model.id, modelId);
      assert.equal(posted.model.model_version?.id ?? '', '', 'PostModels creates the model only');
      await api.ok('PatchModels', { user_app_id: uai, action: 'overwrite', models: [{ id: modelId, name: 'some new name' }] });
      const version = (
        await api.ok('PostModelVersions', {
          user_app_id: uai,
          model_id: modelId,
          model_versions: [{ output_info: { data: { concepts: [{ id: 'concept-a' }] } } }],
        })
      ).model.model_version;
      assert.match(version.id, /^[0-9a-f]{32}$/);
      const info = await api.ok('GetModelOutputInfo', { user_app_id: uai, model_id: modelId });
      assert.equal(info.model.name, 'some new name');
      assert.deepEqual(
        info.model.model_version.output_info.data.concepts.map((c: { id: string }) => c.id),
        ['concept-a'],
      );
      await api.ok('DeleteModel', { user_app_id: uai, model_id: modelId });
      assert.equal((await api.call('GetModel', { user_app_id: uai, model_id: modelId })).status.code, 21200);
    },
  );

  cases(
    'output_config.hyper_params given to PostModelVersions comes back in its answer',
    'clarifai-python-grpc tests/client/test_model_crud.py test_post_model_with_hyper_params',
    async (api) => {
      const uai = { user_id: 'me', app_id: (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('hyper') }] })).apps[0].id };
      const modelId = api.id('m');
      await api.ok('PostModels', { user_app_id: uai, models: [{ id: modelId }] });
      const hyper = { MAX_NITEMS: 1000000, MIN_NITEMS: 1000, N_EPOCHS: 5, custom_training_cfg: 'custom_training_1layer', custom_training_cfg_args: {} };
      const r = await api.ok('PostModelVersions', {
        user_app_id: uai,
        model_id: modelId,
        model_versions: [{ output_info: { data: { concepts: [{ id: 'some-initial-concept' }] }, output_config: { hyper_params: hyper } } }],
      });
      assert.equal(r.model.model_version.output_info.output_config.hyper_params.custom_training_cfg, 'custom_training_1layer');
      await api.ok('DeleteModel', { user_app_id: uai, model_id: modelId });
    },
  );

  cases(
    'the base models of clarifai/main answer PostModelOutputs with data.embeddings',
    'clarifai-python-grpc tests/public_models/test_public_models_predicts.py (the general embedding model of clarifai/main is predicted like any model)',
    async (api) => {
      const out = await api.ok('PostModelOutputs', {
        user_app_id: SYSTEM,
        model_id: 'general-text-embedding',
        inputs: [{ data: { text: { raw: 'hello world' } } }],
      });
      assert.ok(out.outputs[0].data.embeddings[0].vector.length > 0);
      assert.equal(out.outputs[0].status.code, 10000);
    },
  );

  cases(
    'PostModelsSearches on clarifai/main with name "*general*" finds models, each with "general" in its name',
    'clarifai-python-grpc tests/client/test_model_search.py test_search_public_models',
    async (api) => {
      const r = await api.ok('PostModelsSearches', { user_app_id: SYSTEM, model_query: { name: '*general*' } });
      assert.ok(r.models.length > 0);
      for (const m of r.models) assert.match(String(m.name).toLowerCase(), /general/);
    },
  );

  cases(
    'create, get, list and delete a dataset: it names its app and user; once deleted it reads 11101',
    'clarifai-nodejs tests/client/app.integration.test.ts "should create / get / list / delete dataset"',
    async (api) => {
      const appId = (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('ci_test_app') }] })).apps[0].id;
      const uai = { user_id: 'me', app_id: appId };
      const datasetId = api.id('ci_test_dataset');
      const created = (await api.ok('PostDatasets', { user_app_id: uai, datasets: [{ id: datasetId }] })).datasets[0];
      assert.deepEqual([created.id, created.app_id, created.user_id], [datasetId, appId, 'tester']);
      const got = (await api.ok('GetDataset', { user_app_id: uai, dataset_id: datasetId })).dataset;
      assert.deepEqual([got.id, got.app_id, got.user_id], [datasetId, appId, 'tester']);
      assert.ok((await api.ok('ListDatasets', { user_app_id: uai })).datasets.length > 0);
      await api.ok('DeleteDatasets', { user_app_id: uai, dataset_ids: [datasetId] });
      assert.equal((await api.call('GetDataset', { user_app_id: uai, dataset_id: datasetId })).status.code, 11101);
    },
  );
});
