import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { ApiObject } from '../helpers/clients.js';
import { fileServer, pngBase64 } from '../helpers/inputs.js';
import { type ParityApi, paritySuite } from './harness.js';

// Evidence:
// - Clarifai/clarifai-python-grpc tests/client/test_dataset_version_export.py (test_export_dataset_version)
//   and tests/common.py wait_for_dataset_version_ready (polls GetDatasetVersion until
//   DATASET_VERSION_READY, 64015). The export half of that test (PutDatasetVersionExports) is not served.
// - Clarifai/docs code_snippets/api-guide/data/datasets/list_dataset_versions.sh, get_dataset_versions.sh,
//   delete_dataset_version.sh; docs api-guide/data/datasets/dataset-filters ("We calculate the metrics for
//   the dataset version whenever it is created").
// - Clarifai/clarifai-python clarifai/client/dataset.py create_version (description, metadata; the id
//   comes back in dataset_versions[0]), list_versions, delete_version; clarifai/client/lister.py stops
//   listing at the first page without items.
// DOG_IMAGE_URL / TRUCK_IMAGE_URL are local stand-ins (the suite runs offline).
let files: Awaited<ReturnType<typeof fileServer>>;
before(async () => {
  files = await fileServer({
    '/dog.png': Buffer.from(await pngBase64([30, 30, 200], 32), 'base64'),
    '/truck.png': Buffer.from(await pngBase64([200, 30, 30], 32), 'base64'),
  });
});
after(() => files?.close());

/** A fresh app and an app key for it (scope All), as the python tests' CI set-up makes them. */
async function appWithKey(api: ParityApi): Promise<{ uai: ApiObject; key: string }> {
  const appId = (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('dsv') }] })).apps[0].id as string;
  const keys = await api.ok('PostKeys', {
    user_app_id: { user_id: 'me' },
    keys: [{ description: 'parity', scopes: ['All'], apps: [{ id: appId, user_id: 'me' }] }],
  });
  return { uai: { user_id: 'me', app_id: appId }, key: keys.keys[0].id as string };
}

const newApp = async (api: ParityApi): Promise<ApiObject> => ({
  user_id: 'me',
  app_id: (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('app') }] })).apps[0].id,
});

/** tests/common.py raise_on_failure, with the app key and no user_app_id (the key names the app). */
async function withKey(api: ParityApi, key: string, rpc: string, req: ApiObject = {}): Promise<ApiObject> {
  const b = await api.call(rpc, req, key);
  assert.equal(b.status?.code, 10000, `${rpc}: ${JSON.stringify(b.status)}`);
  return b;
}

async function until(api: ParityApi, key: string, rpc: string, req: ApiObject, done: (b: ApiObject) => boolean): Promise<ApiObject> {
  for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 100))) {
    const b = await api.call(rpc, req, key);
    if (done(b)) return b;
    assert.ok(Date.now() < deadline, `${rpc}: ${JSON.stringify(b.status)}`);
  }
}

const ids = (b: ApiObject): string[] => ((b.dataset_versions ?? []) as ApiObject[]).map((v) => v.id as string);

paritySuite('dataset versions', (cases) => {
  cases(
    'a dataset of two uploaded images; a version reusing the dataset id becomes READY (64015) with both inputs; DeleteDatasetVersions, DeleteInputs (then 11101) and DeleteDatasets succeed',
    'Clarifai/clarifai-python-grpc tests/client/test_dataset_version_export.py test_export_dataset_version (without its export half); tests/common.py wait_for_dataset_version_ready, wait_for_inputs_delete',
    async (api) => {
      const { key } = await appWithKey(api);
      const datasetId = `export-${api.id('ds')}`;
      await withKey(api, key, 'PostDatasets', { datasets: [{ id: datasetId }] });
      const posted = await withKey(api, key, 'PostInputs', {
        inputs: ['/dog.png', '/truck.png'].map((p) => ({ data: { image: { url: files.url(p), allow_duplicate_url: true } }, dataset_ids: [datasetId] })),
      });
      const inputIds = (posted.inputs as ApiObject[]).map((i) => i.id as string);
      for (const id of inputIds) await until(api, key, 'GetInput', { input_id: id }, (b) => b.input?.status?.code === 30000);

      const made = await withKey(api, key, 'PostDatasetVersions', { dataset_id: datasetId, dataset_versions: [{ id: datasetId }] });
      const versionId = made.dataset_versions[0].id as string;
      assert.equal(versionId, datasetId);
      const ready = await until(
        api,
        key,
        'GetDatasetVersion',
        { dataset_id: datasetId, dataset_version_id: versionId },
        (b) => b.status?.code !== 10000 || ![64005, 64010].includes(b.dataset_version?.status?.code),
      );
      assert.equal(ready.status.code, 10000, JSON.stringify(ready.status));
      assert.equal(ready.dataset_version.status.code, 64015);
      // The test checks the export holds len(input_ids) inputs; here the version's metrics count them.
      assert.equal(Number(ready.dataset_version.metrics['/'].inputs_count), inputIds.length);

      await withKey(api, key, 'DeleteDatasetVersions', { dataset_id: datasetId, dataset_version_ids: [versionId] });
      await withKey(api, key, 'DeleteInputs', { ids: inputIds });
      for (const id of inputIds) assert.equal((await api.call('GetInput', { input_id: id }, key)).status.code, 11101);
      await withKey(api, key, 'DeleteDatasets', { dataset_ids: [datasetId] });
    },
  );

  cases(
    'a version made with only description and metadata gets an id; ListDatasetVersions (page 1, per_page 100) and GetDatasetVersion show it; once deleted it is no longer listed',
    'Clarifai/clarifai-python clarifai/client/dataset.py create_version, list_versions, delete_version; Clarifai/docs code_snippets/api-guide/data/datasets/list_dataset_versions.sh, get_dataset_versions.sh, delete_dataset_version.sh',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostDatasets', { user_app_id: uai, datasets: [{ id: 'ds' }] });
      const made = await api.ok('PostDatasetVersions', {
        user_app_id: uai,
        dataset_id: 'ds',
        dataset_versions: [{ description: 'dataset_version_description', metadata: { purpose: 'parity' } }],
      });
      const v = made.dataset_versions[0];
      assert.ok(String(v.id).length > 0, 'the server gives the version an id');
      assert.equal(v.dataset_id, 'ds');
      const listed = await api.ok('ListDatasetVersions', { user_app_id: uai, dataset_id: 'ds', page: 1, per_page: 100 });
      assert.deepEqual(ids(listed), [v.id]);
      assert.equal(listed.dataset_versions[0].description, 'dataset_version_description');
      const got = (await api.ok('GetDatasetVersion', { user_app_id: uai, dataset_id: 'ds', dataset_version_id: v.id })).dataset_version;
      assert.deepEqual([got.id, got.dataset_id, got.description, got.metadata], [v.id, 'ds', 'dataset_version_description', { purpose: 'parity' }]);
      // Lister.list_pages_generator asks page after page until one has no items.
      assert.deepEqual(ids(await api.ok('ListDatasetVersions', { user_app_id: uai, dataset_id: 'ds', page: 2, per_page: 100 })), []);
      await api.ok('DeleteDatasetVersions', { user_app_id: uai, dataset_id: 'ds', dataset_version_ids: [v.id] });
      assert.deepEqual(ids(await api.ok('ListDatasetVersions', { user_app_id: uai, dataset_id: 'ds', page: 1, per_page: 100 })), []);
    },
  );

  cases(
    "a version's metrics are computed when it is created: inputs added to the dataset later count only in a later version",
    'Clarifai/docs docs/api-guide/data/datasets/dataset-filters ("We calculate the metrics for the dataset version whenever it is created"); code_snippets/api-guide/data/datasets/add_inputs_datasets.sh',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostDatasets', { user_app_id: uai, datasets: [{ id: 'ds' }] });
      await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: [
          { id: 't1', data: { text: { raw: 'one' }, concepts: [{ id: 'a', value: 1 }] }, dataset_ids: ['ds'] },
          { id: 't2', data: { text: { raw: 'two' } } },
        ],
      });
      const count = (v: ApiObject) => Number(v.metrics['/'].inputs_count);
      const first = (await api.ok('PostDatasetVersions', { user_app_id: uai, dataset_id: 'ds', dataset_versions: [{ id: 'v1' }] })).dataset_versions[0];
      assert.equal(count(first), 1);
      await api.ok('PostDatasetInputs', { user_app_id: uai, dataset_id: 'ds', dataset_inputs: [{ input: { id: 't2' } }] });
      const second = (await api.ok('PostDatasetVersions', { user_app_id: uai, dataset_id: 'ds', dataset_versions: [{ id: 'v2' }] })).dataset_versions[0];
      assert.equal(count(second), 2);
      const v1 = (await api.ok('GetDatasetVersion', { user_app_id: uai, dataset_id: 'ds', dataset_version_id: 'v1' })).dataset_version;
      assert.equal(count(v1), 1, 'the first version still counts what it was made from');
    },
  );
});
