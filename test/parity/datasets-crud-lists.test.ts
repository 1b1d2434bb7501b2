import assert from 'node:assert/strict';
import type { ApiObject } from '../helpers/clients.js';
import { type ParityApi, paritySuite } from './harness.js';

// Evidence:
// - Clarifai/docs code_snippets/api-guide/data/datasets/update_datasets.sh (PATCH datasets, action
//   overwrite, description + metadata), get_dataset_input.sh, list_inputs_datasets.sh (page=1&per_page=100),
//   delete_inputs.sh (DELETE …/datasets/{id}/inputs with input_ids), change_dataset_version.sh (PATCH
//   …/datasets/{id}/versions, action overwrite).
// - service.proto ListAppsRequest: "If none of the sort options is set to true, will sort by modified_at";
//   sort_ascending "If false, will order in descending order"; sort_by_relevance "Can only be used if
//   search is not empty"; featured_only / starred_only / template_only / visibility filters.
// - Clarifai/clarifai-python clarifai/client/user.py list_apps (filter_by passed into ListAppsRequest,
//   pages walked by clarifai/client/lister.py until one comes back empty).

const newApp = async (api: ParityApi): Promise<{ user_id: string; app_id: string }> => ({
  user_id: 'me',
  app_id: (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('app') }] })).apps[0].id,
});

const memberIds = (b: ApiObject): string[] => ((b.dataset_inputs ?? []) as ApiObject[]).map((d) => d.input.id as string);

paritySuite('dataset CRUD and list orders', (cases) => {
  cases(
    'PatchDatasets overwrite sets description and metadata; GetDataset shows them',
    'Clarifai/docs code_snippets/api-guide/data/datasets/update_datasets.sh',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostDatasets', { user_app_id: uai, datasets: [{ id: 'foo', description: 'old', metadata: { old: 1 } }] });
      const patched = await api.ok('PatchDatasets', {
        user_app_id: uai,
        action: 'overwrite',
        datasets: [{ id: 'foo', description: 'This is the new foo dataset', metadata: { foo: 'bar' } }],
      });
      assert.equal(patched.datasets[0].description, 'This is the new foo dataset');
      const got = (await api.ok('GetDataset', { user_app_id: uai, dataset_id: 'foo' })).dataset;
      assert.deepEqual([got.description, got.metadata], ['This is the new foo dataset', { foo: 'bar' }]);
    },
  );

  cases(
    'ListDatasetInputs pages the members; GetDatasetInput reads one; DeleteDatasetInputs with input_ids takes it out (the input stays); GetDatasetInput then 11101',
    'Clarifai/docs code_snippets/api-guide/data/datasets/list_inputs_datasets.sh, get_dataset_input.sh, delete_inputs.sh',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostDatasets', { user_app_id: uai, datasets: [{ id: 'ds' }] });
      await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: ['a', 'b'].map((id) => ({ id, data: { text: { raw: `text ${id}` } }, dataset_ids: ['ds'] })),
      });
      assert.deepEqual(memberIds(await api.ok('ListDatasetInputs', { user_app_id: uai, dataset_id: 'ds', page: 1, per_page: 100 })).sort(), ['a', 'b']);
      const one = await api.ok('GetDatasetInput', { user_app_id: uai, dataset_id: 'ds', input_id: 'a' });
      assert.equal(one.dataset_input.input.id, 'a');
      await api.ok('DeleteDatasetInputs', { user_app_id: uai, dataset_id: 'ds', input_ids: ['a'] });
      assert.deepEqual(memberIds(await api.ok('ListDatasetInputs', { user_app_id: uai, dataset_id: 'ds', page: 1, per_page: 100 })), ['b']);
      assert.equal((await api.call('GetDatasetInput', { user_app_id: uai, dataset_id: 'ds', input_id: 'a' })).status.code, 11101);
      assert.equal((await api.ok('GetInput', { user_app_id: uai, input_id: 'a' })).input.id, 'a');
    },
  );

  cases(
    "PatchDatasetVersions overwrite changes a version's description; its frozen inputs stay",
    'Clarifai/docs code_snippets/api-guide/data/datasets/change_dataset_version.sh (its "name" is no DatasetVersion field; description is the text a version has)',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostDatasets', { user_app_id: uai, datasets: [{ id: 'ds' }] });
      await api.ok('PostInputs', { user_app_id: uai, inputs: [{ id: 'x', data: { text: { raw: 'x' } }, dataset_ids: ['ds'] }] });
      await api.ok('PostDatasetVersions', { user_app_id: uai, dataset_id: 'ds', dataset_versions: [{ id: 'v1', description: 'first' }] });
      const patched = await api.ok('PatchDatasetVersions', {
        user_app_id: uai,
        dataset_id: 'ds',
        action: 'overwrite',
        dataset_versions: [{ id: 'v1', description: 'dataset version updated name' }],
      });
      assert.equal(patched.dataset_versions[0].description, 'dataset version updated name');
      const got = (await api.ok('GetDatasetVersion', { user_app_id: uai, dataset_id: 'ds', dataset_version_id: 'v1' })).dataset_version;
      assert.equal(got.description, 'dataset version updated name');
      assert.equal(Number(got.metrics['/'].inputs_count), 1);
    },
  );

  cases(
    'ListApps without a sort answers the most recently modified app first; sort_by_id with sort_ascending pages by id; sort_by_relevance without search is refused; featured_only answers none',
    'service.proto ListAppsRequest (sort_by oneof, sort_ascending, featured_only); Clarifai/clarifai-python clarifai/client/user.py list_apps with filter_by, lister.py paging',
    async (api) => {
      const tag = api.id('order').replace(/[^a-z0-9]/g, '');
      // A few milliseconds apart, so that no two modified_at tie.
      for (const suffix of ['c', 'a', 'b']) {
        await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: `${tag}-${suffix}` }] });
        await new Promise((r) => setTimeout(r, 5));
      }
      await api.ok('PatchApps', { user_app_id: { user_id: 'me' }, action: 'overwrite', apps: [{ id: `${tag}-a`, description: 'newest change' }] });
      const ids = async (req: ApiObject) =>
        (((await api.ok('ListApps', { user_app_id: { user_id: 'me' }, search: tag, ...req })).apps ?? []) as ApiObject[]).map((a) => a.id as string);
      assert.deepEqual(await ids({}), [`${tag}-a`, `${tag}-b`, `${tag}-c`]);
      assert.deepEqual(await ids({ sort_by_id: true, sort_ascending: true, page: 1, per_page: 2 }), [`${tag}-a`, `${tag}-b`]);
      assert.deepEqual(await ids({ sort_by_id: true, sort_ascending: true, page: 2, per_page: 2 }), [`${tag}-c`]);
      assert.deepEqual(await ids({ sort_by_id: true, sort_ascending: true, page: 3, per_page: 2 }), []);
      assert.deepEqual(await ids({ featured_only: true }), []);
      const refused = await api.call('ListApps', { user_app_id: { user_id: 'me' }, sort_by_relevance: true });
      assert.equal(refused.status.code, 11100);
    },
  );
});
