import assert from 'node:assert/strict';
import type { ApiObject } from '../helpers/clients.js';
import { type ParityApi, paritySuite } from './harness.js';

// Evidence: Clarifai/clarifai-python-grpc scripts/app_and_key_for_tests.py (create_key: PostKeys with
// scopes ["All"] and apps [{id, user_id}], the answered keys[0].id used as the app's key; delete: "API
// keys that use it are deleted as well"); Clarifai/docs docs/control/authentication/key ("Each API Key
// is associated with a specific user and a specific app"); Clarifai/clarifai-python
// clarifai/client/model.py Model.load_input_types (GetModelType of the model's model_type_id, read
// for model_type.input_fields); Clarifai/docs code_snippets/api-guide/workflows/common_workflows/curl/
// make_new_workflow_apps_default.sh (PatchApps action "overwrite").

const ME = { user_id: 'me' };
const MAIN = { user_id: 'clarifai', app_id: 'main' };

const newApp = async (api: ParityApi): Promise<string> => (await api.ok('PostApps', { user_app_id: ME, apps: [{ id: api.id('app') }] })).apps[0].id;

/** app_and_key_for_tests.py create_key, as the script sends it. */
const createKey = async (api: ParityApi, appId: string, description: string): Promise<string> => {
  const made = await api.ok('PostKeys', { user_app_id: ME, keys: [{ description, scopes: ['All'], apps: [{ id: appId, user_id: 'me' }] }] });
  assert.equal(made.keys.length, 1);
  assert.ok(made.keys[0].id);
  return made.keys[0].id as string;
};

const listed = async (api: ParityApi, description: string): Promise<ApiObject[]> =>
  (((await api.ok('ListKeys', { user_app_id: ME, per_page: 1000 })).keys ?? []) as ApiObject[]).filter((k) => k.description === description);

paritySuite('keys, app patches and model types', (cases) => {
  cases(
    "a key made as Clarifai's CI makes it works as the app's key; ListKeys shows it with its description, scopes and app",
    'clarifai-python-grpc scripts/app_and_key_for_tests.py create_key; docs docs/control/authentication/key',
    async (api) => {
      const appId = await newApp(api);
      const description = api.id('Auto-created in a CI test run');
      const key = await createKey(api, appId, description);
      // With an app key the call names no user or app: "they are already part of the key".
      const got = await api.call('GetApp', {}, key);
      assert.equal(got.status.code, 10000, JSON.stringify(got.status));
      assert.equal(got.app.id, appId);
      const [k] = await listed(api, description);
      assert.ok(k, 'ListKeys lists the new key');
      assert.deepEqual(k.scopes, ['All']);
      assert.deepEqual(
        (k.apps as ApiObject[]).map((a) => a.id),
        [appId],
      );
    },
  );

  cases(
    'DeleteKey removes the key: ListKeys no longer shows it and it answers 11008 CONN_KEY_INVALID',
    'Clarifai proto DeleteKeyRequest (user_app_id.user_id, key_id), as clarifai-python-grpc generates it; tests/client/test_auth.py test_invalid_api_key (the status of a key that does not work)',
    async (api) => {
      const appId = await newApp(api);
      const description = api.id('to delete');
      const key = await createKey(api, appId, description);
      const [k] = await listed(api, description);
      await api.ok('DeleteKey', { user_app_id: ME, key_id: k!.id });
      assert.deepEqual(await listed(api, description), []);
      const b = await api.call('GetApp', {}, key);
      assert.equal(b.status.code, 11008);
      if (api.transport === 'rest') assert.equal(b.http, 401);
    },
  );

  cases(
    'deleting the app deletes the keys that use it',
    'clarifai-python-grpc scripts/app_and_key_for_tests.py delete ("API keys that use it are deleted as well")',
    async (api) => {
      const appId = await newApp(api);
      const description = api.id('goes with its app');
      const key = await createKey(api, appId, description);
      await api.ok('DeleteApp', { user_app_id: { ...ME, app_id: appId } });
      assert.deepEqual(await listed(api, description), []);
      assert.equal((await api.call('GetApp', {}, key)).status.code, 11008);
    },
  );

  cases(
    'PatchApps overwrite to a built-in base workflow: the answer and GetApp carry the new default_workflow_id; other fields stay',
    'Clarifai/docs code_snippets/api-guide/workflows/common_workflows/curl/make_new_workflow_apps_default.sh; clarifai-python-grpc scripts/app_and_key_for_tests.py create_app (name kept)',
    async (api) => {
      const name = api.id('patched app');
      const app = (await api.ok('PostApps', { user_app_id: ME, apps: [{ name, default_workflow_id: 'General' }] })).apps[0];
      const patched = await api.ok('PatchApps', { user_app_id: ME, action: 'overwrite', apps: [{ id: app.id, default_workflow_id: 'Text' }] });
      assert.equal(patched.apps[0].id, app.id);
      assert.equal(patched.apps[0].default_workflow_id, 'Text');
      const got = (await api.ok('GetApp', { user_app_id: { ...ME, app_id: app.id } })).app;
      assert.deepEqual([got.default_workflow_id, got.name], ['Text', name]);
    },
  );

  cases(
    "the SDK's load_input_types: GetModel's model_type_id, then GetModelType answers that type with its input_fields",
    'Clarifai/clarifai-python clarifai/client/model.py Model.load_input_types',
    async (api) => {
      for (const [modelId, field] of [
        ['general-text-embedding', 'text'],
        ['general-image-embedding', 'image'],
      ] as const) {
        const model = (await api.ok('GetModel', { user_app_id: MAIN, model_id: modelId })).model;
        assert.ok(model.model_type_id, `${modelId} names its model type`);
        const type = (await api.ok('GetModelType', { user_app_id: MAIN, model_type_id: model.model_type_id })).model_type;
        assert.equal(type.id, model.model_type_id);
        assert.ok((type.input_fields as string[]).includes(field), `${type.id} input_fields ${JSON.stringify(type.input_fields)}`);
      }
    },
  );
});
