import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, NO_WORKER, uid } from '../helpers/both.js';
import { textInput } from '../helpers/inputs.js';
import { apiOf, ids, newApp } from '../helpers/models.js';

describeBoth(
  'PatchConcepts, PatchDatasets, DeleteDatasets, GetDatasetInput, DeleteDatasetInputs, PatchDatasetVersions, DeleteDatasetVersions',
  (h) => {
    const api = apiOf(h);
    let uai: { user_id: string; app_id: string };

    before(async () => {
      uai = await newApp(api, uid('dsmanage'));
      await api.ok('PostConcepts', { user_app_id: uai, concepts: [{ id: 'cat', name: 'Cat' }, { id: 'dog' }] });
      await api.ok('PostDatasets', {
        user_app_id: uai,
        datasets: [{ id: 'pets', description: 'all pets', notes: 'n', metadata: { a: 1, b: { c: 2 } } }, { id: 'spare' }, { id: 'gone' }],
      });
      await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: [
          textInput('i1', 'a cat', [['cat', 1]], { dataset_ids: ['pets'] }),
          textInput('i2', 'a dog', [['dog', 1]], { dataset_ids: ['pets'] }),
          textInput('i3', 'none'),
        ],
      });
    });

    it('PatchConcepts renames (overwrite, as python-grpc test_concept_crud.py sends it, and merge); an unknown concept is 11101 "Resource does not exist"', async () => {
      const body = await api.ok('PatchConcepts', { user_app_id: uai, action: 'overwrite', concepts: [{ id: 'cat', name: 'Kitty' }] });
      assert.equal(body.concepts[0].name, 'Kitty');
      assert.equal((await api.ok('GetConcept', { user_app_id: uai, concept_id: 'cat' })).concept.name, 'Kitty');
      await api.ok('PatchConcepts', { user_app_id: uai, action: 'merge', concepts: [{ id: 'dog', name: 'Doggo' }] });
      assert.equal((await api.ok('GetConcept', { user_app_id: uai, concept_id: 'dog' })).concept.name, 'Doggo');
      // The new name is what inputs show for their labels too.
      assert.equal((await api.ok('GetInput', { user_app_id: uai, input_id: 'i1' })).input.data.concepts[0].name, 'Kitty');
      const missing = await api.fails(
        'PatchConcepts',
        {
          user_app_id: uai,
          action: 'overwrite',
          concepts: [
            { id: 'dog', name: 'x' },
            { id: 'ai_98Xb0K3q', name: 'y' },
          ],
        },
        11101,
        404,
      );
      assert.equal(missing.description, 'Resource does not exist');
      assert.match(missing.details ?? '', /'ai_98Xb0K3q'/);
      // All or nothing: the first entry was not applied.
      assert.equal((await api.ok('GetConcept', { user_app_id: uai, concept_id: 'dog' })).concept.name, 'Doggo');
      await api.fails('PatchConcepts', { user_app_id: uai, action: 'merge', concepts: [{ name: 'no id' }] }, 40003, 400);
      await api.fails('PatchConcepts', { user_app_id: uai, action: 'append', concepts: [{ id: 'cat', name: 'x' }] }, 21203, 400);
      await api.fails(
        'PatchConcepts',
        {
          user_app_id: uai,
          concepts: [
            { id: 'cat', name: 'x' },
            { id: 'cat', name: 'y' },
          ],
        },
        40003,
        400,
      );
      await api.fails('PatchConcepts', { user_app_id: uai, concepts: [{ id: 'cat', name: 'x'.repeat(513) }] }, 40003, 400);
    });

    it('PatchDatasets merges, removes and overwrites description, notes and metadata', async () => {
      let d = (
        await api.ok('PatchDatasets', {
          user_app_id: uai,
          action: 'merge',
          datasets: [{ id: 'pets', description: 'cats and dogs', metadata: { b: { d: 3 } } }],
        })
      ).datasets[0];
      assert.equal(d.description, 'cats and dogs');
      assert.equal(d.notes, 'n');
      assert.deepEqual(d.metadata, { a: 1, b: { c: 2, d: 3 } });
      d = (await api.ok('PatchDatasets', { user_app_id: uai, action: 'remove', datasets: [{ id: 'pets', metadata: { b: { c: true } } }] })).datasets[0];
      assert.deepEqual(d.metadata, { a: 1, b: { d: 3 } });
      d = (await api.ok('PatchDatasets', { user_app_id: uai, action: 'overwrite', datasets: [{ id: 'pets', description: 'only this' }] })).datasets[0];
      assert.equal(d.description, 'only this');
      assert.equal(d.notes, undefined);
      assert.deepEqual(d.metadata ?? {}, {});
      assert.equal((await api.ok('GetDataset', { user_app_id: uai, dataset_id: 'pets' })).dataset.description, 'only this');
      await api.fails('PatchDatasets', { user_app_id: uai, datasets: [{ id: 'nope', description: 'x' }] }, 11101, 404);
      await api.fails('PatchDatasets', { user_app_id: uai, datasets: [{ description: 'x' }] }, 11100, 400);
      await api.fails('PatchDatasets', { user_app_id: uai, datasets: [{ id: 'pets', description: 'x'.repeat(4097) }] }, 11100, 400);
      await api.fails('PatchDatasets', { user_app_id: uai, datasets: [{ id: 'pets', default_annotation_filter: { id: 'f' } }] }, 11100, 400);
    });

    it('GetDatasetInput answers a member with when it was added; a non-member or unknown input is 11101', async () => {
      const body = await api.ok('GetDatasetInput', { user_app_id: uai, dataset_id: 'pets', input_id: 'i1' });
      assert.equal(body.dataset_input.input.id, 'i1');
      assert.ok(body.dataset_input.created_at);
      await api.fails('GetDatasetInput', { user_app_id: uai, dataset_id: 'pets', input_id: 'i3' }, 11101, 404);
      await api.fails('GetDatasetInput', { user_app_id: uai, dataset_id: 'pets', input_id: 'ghost' }, 11101, 404);
      await api.fails('GetDatasetInput', { user_app_id: uai, dataset_id: 'nope', input_id: 'i1' }, 11101, 404);
    });

    it('DeleteDatasetInputs takes inputs out of the dataset, not out of the app; all or nothing', async () => {
      await api.fails('DeleteDatasetInputs', { user_app_id: uai, dataset_id: 'pets', input_ids: ['i2', 'i3'] }, 11101, 404);
      assert.deepEqual(
        (await api.ok('ListDatasetInputs', { user_app_id: uai, dataset_id: 'pets' })).dataset_inputs.map((x: { input: { id: string } }) => x.input.id).sort(),
        ['i1', 'i2'],
      );
      await api.ok('DeleteDatasetInputs', { user_app_id: uai, dataset_id: 'pets', input_ids: ['i2'] });
      assert.deepEqual(
        (await api.ok('ListDatasetInputs', { user_app_id: uai, dataset_id: 'pets' })).dataset_inputs.map((x: { input: { id: string } }) => x.input.id),
        ['i1'],
      );
      assert.deepEqual((await api.ok('GetInput', { user_app_id: uai, input_id: 'i2' })).input.dataset_ids ?? [], []);
      await api.fails('DeleteDatasetInputs', { user_app_id: uai, dataset_id: 'pets', input_ids: [] }, 11100, 400);
    });

    it('PatchDatasetVersions changes description and metadata, never the frozen inputs; DeleteDatasetVersions deletes', async () => {
      await api.ok('PostDatasetVersions', {
        user_app_id: uai,
        dataset_id: 'pets',
        dataset_versions: [{ id: 'v1', description: 'first', metadata: { k: 1 } }, { id: 'v2' }],
      });
      const v = (
        await api.ok('PatchDatasetVersions', {
          user_app_id: uai,
          dataset_id: 'pets',
          action: 'merge',
          dataset_versions: [{ id: 'v1', description: 'first, reviewed', metadata: { j: 2 } }],
        })
      ).dataset_versions[0];
      assert.equal(v.description, 'first, reviewed');
      assert.deepEqual(v.metadata, { k: 1, j: 2 });
      assert.equal(v.metrics['/'].inputs_count, '1');
      await api.fails('PatchDatasetVersions', { user_app_id: uai, dataset_id: 'pets', dataset_versions: [{ id: 'v9', description: 'x' }] }, 11101, 404);
      await api.fails(
        'PatchDatasetVersions',
        { user_app_id: uai, dataset_id: 'pets', dataset_versions: [{ id: 'v1', embed_model_version_ids: ['e'] }] },
        11100,
        400,
      );
      await api.fails('DeleteDatasetVersions', { user_app_id: uai, dataset_id: 'pets', dataset_version_ids: ['v2', 'v9'] }, 11101, 404);
      assert.deepEqual(ids((await api.ok('ListDatasetVersions', { user_app_id: uai, dataset_id: 'pets' })).dataset_versions).sort(), ['v1', 'v2']);
      await api.ok('DeleteDatasetVersions', { user_app_id: uai, dataset_id: 'pets', dataset_version_ids: ['v2'] });
      assert.deepEqual(ids((await api.ok('ListDatasetVersions', { user_app_id: uai, dataset_id: 'pets' })).dataset_versions), ['v1']);
      await api.fails('GetDatasetVersion', { user_app_id: uai, dataset_id: 'pets', dataset_version_id: 'v2' }, 11101, 404);
    });

    it('DeleteDatasets deletes datasets with their versions and memberships, keeps the inputs; all or nothing', async () => {
      await api.fails('DeleteDatasets', { user_app_id: uai, dataset_ids: ['gone', 'nope'] }, 11101, 404);
      assert.equal((await api.ok('GetDataset', { user_app_id: uai, dataset_id: 'gone' })).dataset.id, 'gone');
      await api.ok('DeleteDatasets', { user_app_id: uai, dataset_ids: ['gone', 'pets'] });
      await api.fails('GetDataset', { user_app_id: uai, dataset_id: 'pets' }, 11101, 404);
      assert.deepEqual(ids((await api.ok('ListDatasets', { user_app_id: uai })).datasets), ['spare']);
      const i1 = (await api.ok('GetInput', { user_app_id: uai, input_id: 'i1' })).input;
      assert.deepEqual(i1.dataset_ids ?? [], []);
      await api.fails('DeleteDatasets', { user_app_id: uai, dataset_ids: [] }, 11100, 400);
    });
  },
  NO_WORKER,
);
