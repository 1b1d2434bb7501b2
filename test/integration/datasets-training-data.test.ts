import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { ApiError } from '../../src/domain/errors.js';
import type { TrainingSelection } from '../../src/ports/training-data.js';
import { StoreTrainingDataSource } from '../../src/storage/training-data-source.js';
import { describeBoth, uid } from '../helpers/both.js';
import { textInput, waitForInput } from '../helpers/inputs.js';
import { apiOf, ids, newApp } from '../helpers/models.js';
import { TEST_USER } from '../helpers/server.js';

const TEXT = 'general-text-embedding';

/** Example labels by input id, for compact assertions. */
const byInput = (s: TrainingSelection) => Object.fromEntries(s.examples.map((e) => [e.inputId, { pos: e.positives, neg: e.negatives }]));

describeBoth('Concepts, datasets, dataset versions and the training data they select', (h) => {
  const api = apiOf(h);
  const appId = uid('datasets');
  let uai: { user_id: string; app_id: string };
  const source = () => new StoreTrainingDataSource(h.server.store);
  const collect = (q: {
    conceptIds: string[];
    datasetId?: string;
    datasetVersionId?: string;
    embedderId?: string | { text: string; image: string };
    enrich?: boolean;
  }) => source().collect({ userId: TEST_USER, appId, embedderId: TEXT, ...q });

  before(async () => {
    uai = await newApp(api, appId);
  });

  it('PostConcepts / GetConcept / ListConcepts; a taken id is 40003 "Invalid request" (duplicate) and an unknown one 11101', async () => {
    const body = await api.ok('PostConcepts', { user_app_id: uai, concepts: [{ id: 'cat', name: 'Cat' }, { id: 'dog' }] });
    assert.deepEqual(
      body.concepts.map((c: { id: string; name: string }) => [c.id, c.name]),
      [
        ['cat', 'Cat'],
        ['dog', 'dog'],
      ],
    );
    // As Clarifai's python-grpc test_concept_crud.py expects: code, description, "duplicate" in details.
    const taken = await api.fails('PostConcepts', { user_app_id: uai, concepts: [{ id: 'cat' }] }, 40003, 400);
    assert.equal(taken.description, 'Invalid request');
    assert.match(taken.details ?? '', /duplicate/i);
    assert.match(taken.details ?? '', /'cat'/);
    const twice = await api.fails('PostConcepts', { user_app_id: uai, concepts: [{ id: 'bird' }, { id: 'bird' }] }, 40003, 400);
    assert.match(twice.details ?? '', /duplicate concept id 'bird'/i);
    await api.fails('GetConcept', { user_app_id: uai, concept_id: 'bird' }, 11101, 404);
    assert.equal((await api.ok('GetConcept', { user_app_id: uai, concept_id: 'cat' })).concept.name, 'Cat');
    await api.fails('GetConcept', { user_app_id: uai, concept_id: 'nope' }, 11101, 404);
    assert.deepEqual(ids((await api.ok('ListConcepts', { user_app_id: uai })).concepts), ['cat', 'dog']);
    assert.deepEqual(ids((await api.ok('ListConcepts', { user_app_id: uai, per_page: 1, page: 2 })).concepts), ['dog']);
    assert.deepEqual(ids((await api.ok('ListConcepts', { user_app_id: uai, id: 'DO' })).concepts), ['dog']);
  });

  it('a concept named by a new model version is created with name = id', async () => {
    await api.ok('PostModels', { user_app_id: uai, models: [{ id: 'thr', model_type_id: 'concept-thresholder' }] });
    await api.ok('PostModelVersions', {
      user_app_id: uai,
      model_id: 'thr',
      model_versions: [{ output_info: { data: { concepts: [{ id: 'from-version', value: 0.5 }] } } }],
    });
    assert.equal((await api.ok('GetConcept', { user_app_id: uai, concept_id: 'from-version' })).concept.name, 'from-version');
  });

  it('PostDatasets / GetDataset / ListDatasets; duplicates are 40010', async () => {
    const body = await api.ok('PostDatasets', { user_app_id: uai, datasets: [{ id: 'ds1', description: 'pets' }] });
    assert.equal(body.datasets[0].id, 'ds1');
    await api.fails('PostDatasets', { user_app_id: uai, datasets: [{ id: 'ds1' }] }, 40010, 409);
    assert.equal((await api.ok('GetDataset', { user_app_id: uai, dataset_id: 'ds1' })).dataset.description, 'pets');
    await api.fails('GetDataset', { user_app_id: uai, dataset_id: 'nope' }, 11101, 404);
    assert.deepEqual(ids((await api.ok('ListDatasets', { user_app_id: uai })).datasets), ['ds1']);
  });

  it('inputs join datasets through dataset_ids and PostDatasetInputs; ListDatasetInputs lists them', async () => {
    await api.ok('PostInputs', {
      user_app_id: uai,
      inputs: [
        textInput('i1', 'a cat on a mat', [['cat', 1]], { dataset_ids: ['ds1'] }),
        textInput(
          'i2',
          'a dog not a cat',
          [
            ['cat', 0],
            ['dog', 1],
          ],
          { dataset_ids: ['ds1'] },
        ),
        textInput('i3', 'another cat', [['cat', 1]]),
        textInput('i4', 'a dog barks', [['dog', 1]]),
      ],
    });
    for (const id of ['i1', 'i2', 'i3', 'i4']) assert.equal((await waitForInput(api, uai, id)).status.code, 30000);
    assert.deepEqual((await api.ok('GetInput', { user_app_id: uai, input_id: 'i1' })).input.dataset_ids, ['ds1']);
    const added = await api.ok('PostDatasetInputs', { user_app_id: uai, dataset_id: 'ds1', dataset_inputs: [{ input: { id: 'i4' } }] });
    assert.equal(added.dataset_inputs[0].input.id, 'i4');
    assert.deepEqual(added.dataset_inputs[0].input.dataset_ids, ['ds1']);
    await api.fails('PostDatasetInputs', { user_app_id: uai, dataset_id: 'ds1', dataset_inputs: [{ input: { id: 'ghost' } }] }, 11101, 404);
    await api.fails('PostDatasetInputs', { user_app_id: uai, dataset_id: 'nope', dataset_inputs: [{ input: { id: 'i3' } }] }, 11101, 404);
    const listed = await api.ok('ListDatasetInputs', { user_app_id: uai, dataset_id: 'ds1' });
    assert.deepEqual(listed.dataset_inputs.map((d: { input: { id: string } }) => d.input.id).sort(), ['i1', 'i2', 'i4']);
  });

  it('PostDatasetVersions freezes members and labels; later changes do not reach the version', async () => {
    const body = await api.ok('PostDatasetVersions', { user_app_id: uai, dataset_id: 'ds1', dataset_versions: [{ id: 'v1', description: 'first' }] });
    const v = body.dataset_versions[0];
    assert.equal(v.status.code, 64015);
    assert.equal(v.dataset_id, 'ds1');
    assert.deepEqual(v.metrics['/'], { inputs_count: '3', unlabeled_inputs_count: '0', positive_input_tags_count: '3' });
    await api.fails('PostDatasetVersions', { user_app_id: uai, dataset_id: 'ds1', dataset_versions: [{ id: 'v1' }] }, 40010, 409);
    // Change the live dataset: relabel i1, add i3.
    await api.ok('PatchInputs', { user_app_id: uai, action: 'merge', inputs: [{ id: 'i1', data: { concepts: [{ id: 'cat', value: 0 }] } }] });
    await api.ok('PostDatasetInputs', { user_app_id: uai, dataset_id: 'ds1', dataset_inputs: [{ input: { id: 'i3' } }] });
    assert.equal((await api.ok('GetDatasetVersion', { user_app_id: uai, dataset_id: 'ds1', dataset_version_id: 'v1' })).dataset_version.description, 'first');
    await api.fails('GetDatasetVersion', { user_app_id: uai, dataset_id: 'ds1', dataset_version_id: 'v9' }, 11101, 404);
    await api.ok('PostDatasetVersions', { user_app_id: uai, dataset_id: 'ds1', dataset_versions: [{ id: 'v2' }] });
    assert.deepEqual(ids((await api.ok('ListDatasetVersions', { user_app_id: uai, dataset_id: 'ds1' })).dataset_versions).sort(), ['v1', 'v2']);

    const frozen = await collect({ conceptIds: ['cat'], datasetVersionId: 'v1' });
    assert.deepEqual(byInput(frozen), { i1: { pos: ['cat'], neg: [] }, i2: { pos: [], neg: ['cat'] } });
    const live = await collect({ conceptIds: ['cat'], datasetId: 'ds1' });
    assert.deepEqual(byInput(live), { i1: { pos: [], neg: ['cat'] }, i2: { pos: [], neg: ['cat'] }, i3: { pos: ['cat'], neg: [] } });
    const v2 = await collect({ conceptIds: ['cat', 'dog'], datasetId: 'ds1', datasetVersionId: 'v2' });
    assert.deepEqual(Object.keys(byInput(v2)).sort(), ['i1', 'i2', 'i3', 'i4']);
  });

  it('TrainingDataSource: app-wide by concept, vectors of the asked embedder, pending / failed counted', async () => {
    const dog = await collect({ conceptIds: ['dog'] });
    assert.deepEqual(byInput(dog), { i2: { pos: ['dog'], neg: [] }, i4: { pos: ['dog'], neg: [] } });
    for (const e of dog.examples) {
      assert.ok(e.vector instanceof Float32Array && e.vector.length > 0);
      const norm = Math.sqrt(e.vector.reduce((s, x) => s + x * x, 0));
      assert.ok(Math.abs(norm - 1) < 1e-4, `unit length, got ${norm}`);
    }
    assert.deepEqual((await collect({ conceptIds: ['dog'], embedderId: 'general-image-embedding' })).examples, [], 'text inputs have no image vectors');
    await api.ok('PostInputs', {
      user_app_id: uai,
      inputs: [{ id: 'broken', data: { image: { base64: Buffer.from('nope').toString('base64') }, concepts: [{ id: 'dog', value: 1 }] } }],
    });
    await waitForInput(api, uai, 'broken');
    const after = await collect({ conceptIds: ['dog'] });
    assert.equal(after.failed, 1);
    assert.equal(after.examples.length, 2);
    assert.equal((await collect({ conceptIds: [] })).examples.length, 4, 'no concepts: every processed input');
  });

  it("TrainingDataSource: enrich_dataset adds the other inputs as negatives of every concept; the base model follows the labelled inputs' kind", async () => {
    const enriched = await collect({ conceptIds: ['dog'], enrich: true });
    assert.deepEqual(byInput(enriched), {
      i1: { pos: [], neg: ['dog'] },
      i2: { pos: ['dog'], neg: [] },
      i3: { pos: [], neg: ['dog'] },
      i4: { pos: ['dog'], neg: [] },
    });
    const auto = await collect({ conceptIds: ['dog'], enrich: true, embedderId: { text: TEXT, image: 'general-image-embedding' } });
    assert.equal(auto.embedderId, TEXT, 'the labelled inputs are text; the failed image input is not counted');
    assert.deepEqual(auto.kinds, { text: 2, image: 0 });
  });

  it('TrainingDataSource: an unknown dataset or dataset version is a 21202 ApiError', async () => {
    await assert.rejects(
      collect({ conceptIds: ['cat'], datasetId: 'nope' }),
      (e: unknown) => e instanceof ApiError && e.code === 21202 && /nope/.test(e.details),
    );
    await assert.rejects(collect({ conceptIds: ['cat'], datasetVersionId: 'nope' }), (e: unknown) => e instanceof ApiError && e.code === 21202);
  });
});
