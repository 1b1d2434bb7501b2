import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, NO_WORKER, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { labelsOf, textInput } from '../helpers/inputs.js';
import { apiOf, newApp } from '../helpers/models.js';
import { TEST_USER } from '../helpers/server.js';

const concepts = (a: ApiObject): [string, number][] => labelsOf(a);

describeBoth(
  'Annotations: one store of labels behind annotations, GetInput and training',
  (h) => {
    const api = apiOf(h);
    const appId = uid('annotations');
    let uai: { user_id: string; app_id: string };
    const inputLevelOf = async (inputId: string): Promise<ApiObject> => {
      const list = (await api.ok('ListAnnotations', { user_app_id: uai, input_ids: [inputId] })).annotations as ApiObject[];
      const own = list.filter((a) => a.input_level === true);
      assert.equal(own.length, 1, `one input-level annotation for ${inputId}`);
      return own[0]!;
    };
    const inputConcepts = async (inputId: string) => concepts((await api.ok('GetInput', { user_app_id: uai, input_id: inputId })).input).sort();
    const trainedOn = async (conceptId: string) =>
      (await h.server.store.inputs.trainingRows({ userId: TEST_USER, appId, conceptIds: [conceptId] })).map((r) => r.id).sort();

    before(async () => {
      uai = await newApp(api, appId);
      await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: [textInput('a1', 'a cat', [['cat', 1]]), textInput('a2', 'plain text'), textInput('a3', 'third')],
      });
    });

    it('every input has an input-level annotation holding its PostInputs labels (docs: "we will create an input level annotation for each input")', async () => {
      const a = await inputLevelOf('a1');
      assert.equal(a.input_id, 'a1');
      assert.deepEqual(concepts(a), [['cat', 1]]);
      assert.equal(a.status.code, 24150);
      assert.match(String(a.id), /^[0-9a-f]{32}$/);
      assert.deepEqual(concepts(await inputLevelOf('a2')), []);
      const got = await api.ok('GetAnnotation', { user_app_id: uai, input_id: 'a1', annotation_id: a.id });
      assert.equal(got.annotation.id, a.id);
    });

    it('PatchAnnotations (merge) on the input-level annotation labels the input, as python-grpc test_save_and_execute_annotations_search_by_id does', async () => {
      const a = await inputLevelOf('a2');
      const body = await api.ok('PatchAnnotations', {
        user_app_id: uai,
        action: 'merge',
        annotations: [{ id: a.id, input_id: 'a2', data: { concepts: [{ id: 'dog', value: 1 }] } }],
      });
      assert.deepEqual(concepts(body.annotations[0]), [['dog', 1]]);
      assert.deepEqual(await inputConcepts('a2'), [['dog', 1]]);
      assert.deepEqual(await trainedOn('dog'), ['a2']);
      assert.equal((await api.ok('GetConcept', { user_app_id: uai, concept_id: 'dog' })).concept.id, 'dog');
    });

    it('PostAnnotations adds an annotation: GetInput shows its labels and training reads them; PatchInputs changes them in turn', async () => {
      const body = await api.ok('PostAnnotations', {
        user_app_id: uai,
        annotations: [
          {
            input_id: 'a1',
            id: 'extra-1',
            data: {
              concepts: [
                { id: 'pet', value: 1 },
                { id: 'wild', value: 0 },
              ],
            },
          },
        ],
      });
      const added = body.annotations[0];
      assert.equal(added.id, 'extra-1');
      assert.equal(added.input_level ?? false, false);
      assert.deepEqual(concepts(added), [
        ['pet', 1],
        ['wild', 0],
      ]);
      assert.deepEqual(await inputConcepts('a1'), [
        ['cat', 1],
        ['pet', 1],
        ['wild', 0],
      ]);
      assert.deepEqual(await trainedOn('wild'), ['a1']);
      // The input's own patch reaches the label wherever it is held.
      await api.ok('PatchInputs', { user_app_id: uai, action: 'remove', inputs: [{ id: 'a1', data: { concepts: [{ id: 'wild' }] } }] });
      assert.deepEqual(concepts((await api.ok('GetAnnotation', { user_app_id: uai, input_id: 'a1', annotation_id: 'extra-1' })).annotation), [['pet', 1]]);
      await api.ok('PatchInputs', { user_app_id: uai, action: 'merge', inputs: [{ id: 'a1', data: { concepts: [{ id: 'pet', value: 0 }] } }] });
      assert.deepEqual(concepts((await api.ok('GetAnnotation', { user_app_id: uai, input_id: 'a1', annotation_id: 'extra-1' })).annotation), [['pet', 0]]);
      assert.deepEqual(concepts(await inputLevelOf('a1')), [['cat', 1]]);
      assert.deepEqual(
        (await api.ok('ListAnnotations', { user_app_id: uai, ids: ['extra-1'] })).annotations.map((a: ApiObject) => a.id),
        ['extra-1'],
      );
    });

    it('bad PostAnnotations are refused whole with 24155 (or 11101 / 40010) and details saying what to do', async () => {
      const held = await api.fails(
        'PostAnnotations',
        {
          user_app_id: uai,
          annotations: [
            { input_id: 'a3', data: { concepts: [{ id: 'x', value: 1 }] } },
            { input_id: 'a1', data: { concepts: [{ id: 'cat', value: 1 }] } },
          ],
        },
        24155,
        400,
      );
      assert.match(held.details ?? '', /concept 'cat' already labels input 'a1'/);
      assert.deepEqual(await inputConcepts('a3'), [], 'nothing of the refused call was written');
      await api.fails('PostAnnotations', { user_app_id: uai, annotations: [{ input_id: 'ghost', data: { concepts: [{ id: 'x', value: 1 }] } }] }, 11101, 404);
      await api.fails('PostAnnotations', { user_app_id: uai, annotations: [{ input_id: 'a3', data: {} }] }, 24155, 400);
      await api.fails('PostAnnotations', { user_app_id: uai, annotations: [{ data: { concepts: [{ id: 'x', value: 1 }] } }] }, 24155, 400);
      const region = await api.fails(
        'PostAnnotations',
        { user_app_id: uai, annotations: [{ input_id: 'a3', data: { regions: [{ data: { concepts: [{ id: 'x', value: 1 }] } }] } }] },
        24155,
        400,
      );
      assert.match(region.details ?? '', /data\.regions is not supported/);
      await api.fails(
        'PostAnnotations',
        { user_app_id: uai, annotations: [{ input_id: 'a3', data: { concepts: [{ id: 'x', value: 1 }] }, annotation_info: { split: 'train' } }] },
        24155,
        400,
      );
      await api.fails(
        'PostAnnotations',
        { user_app_id: uai, annotations: [{ input_id: 'a1', id: 'extra-1', data: { concepts: [{ id: 'y', value: 1 }] } }] },
        40010,
        409,
      );
      await api.fails(
        'PostAnnotations',
        { user_app_id: uai, annotations: Array.from({ length: 129 }, () => ({ input_id: 'a3', data: { concepts: [{ id: 'x', value: 1 }] } })) },
        24155,
        400,
      );
      await api.fails('PostAnnotations', { user_app_id: uai, annotations: [] }, 24155, 400);
    });

    it('PatchAnnotations: overwrite, remove with delete_if_empty_data, and refusals', async () => {
      await api.ok('PostAnnotations', {
        user_app_id: uai,
        annotations: [
          {
            input_id: 'a3',
            id: 'tmp',
            data: {
              concepts: [
                { id: 'p', value: 1 },
                { id: 'q', value: 1 },
              ],
            },
          },
        ],
      });
      const over = await api.ok('PatchAnnotations', {
        user_app_id: uai,
        action: 'overwrite',
        annotations: [{ id: 'tmp', input_id: 'a3', data: { concepts: [{ id: 'r', value: 1 }] } }],
      });
      assert.deepEqual(concepts(over.annotations[0]), [['r', 1]]);
      assert.deepEqual(await inputConcepts('a3'), [['r', 1]]);
      const moved = await api.fails(
        'PatchAnnotations',
        {
          user_app_id: uai,
          action: 'merge',
          annotations: [{ id: (await inputLevelOf('a1')).id, input_id: 'a1', data: { concepts: [{ id: 'pet', value: 1 }] } }],
        },
        24155,
        400,
      );
      assert.match(moved.details ?? '', /annotation 'extra-1'/);
      await api.fails(
        'PatchAnnotations',
        { user_app_id: uai, annotations: [{ id: 'nope', input_id: 'a3', data: { concepts: [{ id: 'r', value: 1 }] } }] },
        11101,
        404,
      );
      await api.fails('PatchAnnotations', { user_app_id: uai, annotations: [{ input_id: 'a3', data: { concepts: [] } }] }, 24155, 400);
      await api.fails(
        'PatchAnnotations',
        { user_app_id: uai, annotations: [{ id: 'tmp', input_id: 'a3', data: { concepts: [{ id: 'r', value: 3 }] } }] },
        24155,
        400,
      );
      await api.ok('PatchAnnotations', {
        user_app_id: uai,
        action: 'remove',
        delete_if_empty_data: true,
        annotations: [{ id: 'tmp', input_id: 'a3', data: { concepts: [{ id: 'r' }] } }],
      });
      await api.fails('GetAnnotation', { user_app_id: uai, input_id: 'a3', annotation_id: 'tmp' }, 11101, 404);
      assert.deepEqual(await inputConcepts('a3'), []);
    });

    it('DeleteAnnotation / DeleteAnnotations remove added annotations and their labels; the input-level one goes only with its input', async () => {
      const own = await inputLevelOf('a1');
      const refused = await api.fails('DeleteAnnotation', { user_app_id: uai, input_id: 'a1', annotation_id: own.id }, 24155, 400);
      assert.match(refused.details ?? '', /input-level annotation of input 'a1'/);
      await api.fails('DeleteAnnotation', { user_app_id: uai, input_id: 'a1', annotation_id: 'nope' }, 11101, 404);
      await api.ok('DeleteAnnotation', { user_app_id: uai, input_id: 'a1', annotation_id: 'extra-1' });
      assert.deepEqual(await inputConcepts('a1'), [['cat', 1]]);
      assert.deepEqual(await trainedOn('pet'), []);

      await api.ok('PostAnnotations', {
        user_app_id: uai,
        annotations: [
          { input_id: 'a2', id: 'b1', data: { concepts: [{ id: 'm', value: 1 }] } },
          { input_id: 'a2', id: 'b2', data: { concepts: [{ id: 'n', value: 1 }] } },
          { input_id: 'a3', id: 'b3', data: { concepts: [{ id: 'o', value: 1 }] } },
        ],
      });
      await api.fails('DeleteAnnotations', { user_app_id: uai, ids: ['b1', 'b2'], input_ids: ['a2'] }, 24155, 400);
      await api.fails('DeleteAnnotations', { user_app_id: uai, ids: ['b1', 'zz'], input_ids: ['a2', 'a2'] }, 11101, 404);
      await api.ok('DeleteAnnotations', { user_app_id: uai, ids: ['b1'], input_ids: ['a2'] });
      assert.deepEqual(await inputConcepts('a2'), [
        ['dog', 1],
        ['n', 1],
      ]);
      // Input ids alone: every added annotation of those inputs, never the input-level ones.
      await api.ok('DeleteAnnotations', { user_app_id: uai, input_ids: ['a2', 'a3'] });
      assert.deepEqual(await inputConcepts('a2'), [['dog', 1]]);
      assert.deepEqual(await inputConcepts('a3'), []);
      const left = (await api.ok('ListAnnotations', { user_app_id: uai, input_ids: ['a2', 'a3'] })).annotations as ApiObject[];
      assert.deepEqual(left.map((a) => [a.input_id, a.input_level]).sort(), [
        ['a2', true],
        ['a3', true],
      ]);
      await api.fails('DeleteAnnotations', { user_app_id: uai, input_ids: ['ghost'] }, 11101, 404);
      await api.fails('DeleteAnnotations', { user_app_id: uai }, 24155, 400);
    });

    it('ListAnnotations with ids and input_ids pairs them (ids[i] on input_ids[i], service.proto), and refuses lists of unequal length', async () => {
      const pairApp = await newApp(api, uid('ann-pairs'));
      await api.ok('PostInputs', { user_app_id: pairApp, inputs: [textInput('px', 'one'), textInput('py', 'two')] });
      // The same annotation ids on both inputs: an annotation id is unique per input only.
      await api.ok('PostAnnotations', {
        user_app_id: pairApp,
        annotations: ['px', 'py'].flatMap((input_id) => ['k1', 'k2'].map((id) => ({ input_id, id, data: { concepts: [{ id: `tag-${id}`, value: 1 }] } }))),
      });
      const pairs = async (ids: string[], input_ids: string[], extra: ApiObject = {}) =>
        (((await api.ok('ListAnnotations', { user_app_id: pairApp, ids, input_ids, ...extra })).annotations as ApiObject[] | undefined) ?? [])
          .map((a) => `${a.input_id}/${a.id}`)
          .sort();
      // Independent filters would answer all four; the pairs are two.
      assert.deepEqual(await pairs(['k1', 'k2'], ['px', 'py']), ['px/k1', 'py/k2']);
      assert.deepEqual(await pairs(['k2'], ['px']), ['px/k2']);
      assert.deepEqual(await pairs(['k1', 'k1'], ['py', 'px']), ['px/k1', 'py/k1']);
      assert.deepEqual(await pairs(['k1', 'k2'], ['px', 'py'], { per_page: 1, page: 2 }).then((l) => l.length), 1);
      assert.deepEqual(await pairs(['nope'], ['px']), []);
      const r = await api.fails('ListAnnotations', { user_app_id: pairApp, ids: ['k1', 'k2'], input_ids: ['px'] }, 24155, 400);
      assert.match(String(r.details), /2 ids and 1 input_ids/);
      assert.match(String(r.details), /same order/);
      // ids alone still select by annotation id across inputs.
      assert.equal(((await api.ok('ListAnnotations', { user_app_id: pairApp, ids: ['k1'] })).annotations as ApiObject[]).length, 2);
    });

    it('ListAnnotations pages, and filters that can select nothing here answer an empty list', async () => {
      const all = (await api.ok('ListAnnotations', { user_app_id: uai })).annotations as ApiObject[];
      assert.equal(all.length, 3);
      const p2 = (await api.ok('ListAnnotations', { user_app_id: uai, per_page: 2, page: 2 })).annotations as ApiObject[];
      assert.equal(p2.length, 1);
      assert.equal(p2[0]!.id, all[2]!.id);
      assert.deepEqual((await api.ok('ListAnnotations', { user_app_id: uai, model_version_ids: ['v'] })).annotations ?? [], []);
      assert.deepEqual((await api.ok('ListAnnotations', { user_app_id: uai, user_ids: ['someone-else'] })).annotations ?? [], []);
      assert.equal(((await api.ok('ListAnnotations', { user_app_id: uai, user_ids: [TEST_USER] })).annotations as ApiObject[]).length, 3);
      // Deleting an input deletes its annotations.
      await api.ok('DeleteInputs', { user_app_id: uai, ids: ['a3'] });
      assert.equal(((await api.ok('ListAnnotations', { user_app_id: uai })).annotations as ApiObject[]).length, 2);
    });
  },
  NO_WORKER,
);
