import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { loadClarifaiProtos } from '../../src/proto/load.js';
import { messageCodec } from '../../src/proto/message-codec.js';
import type { ApiObject } from '../helpers/clients.js';
import { fileServer, pngBase64 } from '../helpers/inputs.js';
import { TEST_PAT } from '../helpers/server.js';
import { unzip } from '../helpers/unzip.js';
import { type ParityApi, paritySuite } from './harness.js';

const inputBatch = messageCodec(loadClarifaiProtos().type('clarifai.api.InputBatch'));

// Evidence:
// - Clarifai/clarifai-python-grpc tests/client/test_dataset_version_export.py (test_export_dataset_version)
//   and tests/common.py wait_for_dataset_version_ready (polls GetDatasetVersion until
//   DATASET_VERSION_READY, 64015) and wait_for_dataset_version_export_success (polls GetDatasetVersion's
//   export_info until each export is DATASET_VERSION_EXPORT_SUCCESS, 64200); _check_export downloads the url
//   with requests.get and no key, and reads the zip's mimetype and its one batch.
// - Clarifai/clarifai-python clarifai/client/dataset.py archive_zip (polls PutDatasetVersionExports while
//   64201 / 64203) and export; clarifai/datasets/export/inputs_annotations.py DatasetExportReader (mimetype
//   application/x.clarifai-data+protobuf, batch names ending in _n<count>, hosted prefix/orig/suffix).
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
    'a dataset of two uploaded images; a version reusing the dataset id becomes READY (64015); its protobuf and JSON exports succeed and download without a key, one batch of both inputs each; DeleteDatasetVersions, DeleteInputs (then 11101) and DeleteDatasets succeed',
    'Clarifai/clarifai-python-grpc tests/client/test_dataset_version_export.py test_export_dataset_version, _check_export; tests/common.py wait_for_dataset_version_ready, wait_for_dataset_version_export_success, wait_for_inputs_delete',
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
      assert.equal(Number(ready.dataset_version.metrics['/'].inputs_count), inputIds.length);

      await withKey(api, key, 'PutDatasetVersionExports', {
        dataset_id: datasetId,
        dataset_version_id: versionId,
        exports: [{ format: 'CLARIFAI_DATA_PROTOBUF' }, { format: 'CLARIFAI_DATA_JSON' }],
      });
      const exported = await until(api, key, 'GetDatasetVersion', { dataset_id: datasetId, dataset_version_id: versionId }, (b) =>
        ['clarifai_data_protobuf', 'clarifai_data_json'].every((f) => ![undefined, 64201, 64203].includes(b.dataset_version?.export_info?.[f]?.status?.code)),
      );
      const info = exported.dataset_version.export_info;
      const check = async (e: ApiObject, format: number, mimetype: string, count: (batch: Buffer) => number) => {
        assert.equal(e.status.code, 64200);
        assert.equal(e.format, format);
        assert.ok(Number(e.size) > 0);
        const res = await fetch(e.url);
        assert.equal(res.status, 200);
        const zip = await unzip(new Uint8Array(await res.arrayBuffer()));
        assert.equal(zip.get('mimetype')?.toString('ascii'), mimetype);
        const batches = [...zip.keys()].filter((n) => n !== 'mimetype');
        assert.equal(batches.length, 1, 'all inputs in a single batch');
        assert.equal(count(zip.get(batches[0]!)!), inputIds.length);
      };
      await check(info.clarifai_data_protobuf, 1, 'application/x.clarifai-data+protobuf', (b) => (inputBatch.decode(b).inputs as unknown[]).length);
      await check(info.clarifai_data_json, 3, 'application/x.clarifai-data+json', (b) => JSON.parse(b.toString()).inputs.length);

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
  cases(
    "Dataset.export as the Python client runs it: archive_zip's PUT answers 64200 and a url; the archive downloads without a key; its batch names sum to the inputs; each image's hosted prefix/orig/suffix serves its bytes to the session's key",
    'Clarifai/clarifai-python clarifai/client/dataset.py archive_zip, export; clarifai/datasets/export/inputs_annotations.py DatasetExportReader (__len__, __iter__), InputAnnotationDownloader._write_archive',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostDatasets', { user_app_id: uai, datasets: [{ id: 'ds' }] });
      await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: [
          { id: 'img', data: { image: { base64: await pngBase64([10, 200, 10], 16) }, concepts: [{ id: 'green', value: 1 }] }, dataset_ids: ['ds'] },
          { id: 'txt', data: { text: { raw: 'words' }, concepts: [{ id: 'green', value: 0 }] }, dataset_ids: ['ds'] },
        ],
      });
      const version = (await api.ok('PostDatasetVersions', { user_app_id: uai, dataset_id: 'ds', dataset_versions: [{}] })).dataset_versions[0].id;
      const req = { user_app_id: uai, dataset_id: 'ds', dataset_version_id: version, exports: [{ format: 1 }] };
      const done = await api.until('PutDatasetVersionExports', req, (b) => ![64201, 64203].includes(b.exports?.[0]?.status?.code));
      assert.equal(done.exports[0].status.code, 64200);
      const zip = await unzip(new Uint8Array(await (await fetch(done.exports[0].url)).arrayBuffer()));
      assert.equal(zip.get('mimetype')?.toString(), 'application/x.clarifai-data+protobuf');
      const names = [...zip.keys()].filter((n) => n !== 'mimetype');
      assert.equal(
        names.reduce((n, name) => n + Number(name.split('_n').at(-1)), 0),
        2,
      );
      const inputs = names.flatMap((n) => inputBatch.decode(zip.get(n)!).inputs as ApiObject[]);
      const image = inputs.find((i) => i.id === 'img')!.data.image;
      assert.ok(image.hosted.sizes.includes('orig'));
      const bytes = await fetch(`${image.hosted.prefix}/orig/${image.hosted.suffix}`, { headers: { authorization: `Key ${TEST_PAT}` } });
      assert.equal(bytes.status, 200);
      // The annotations the downloader writes are data.concepts, with their values.
      assert.deepEqual(
        inputs.find((i) => i.id === 'txt')!.data.concepts.map((c: ApiObject) => [c.id, c.value ?? 0]),
        [['green', 0]],
      );
    },
  );
});
