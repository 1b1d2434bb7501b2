import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, uid } from '../helpers/both.js';
import { labelsOf, textInput, waitForInput } from '../helpers/inputs.js';
import { apiOf, ids, newApp } from '../helpers/models.js';

describeBoth('Inputs: list, patch labels and metadata, delete', (h) => {
  const api = apiOf(h);
  const appId = uid('inputs-manage');
  let uai: { user_id: string; app_id: string };
  const get = async (id: string) => (await api.ok('GetInput', { user_app_id: uai, input_id: id })).input;
  const patch = (action: string, inputs: unknown[]) => api.ok('PatchInputs', { user_app_id: uai, action, inputs });

  before(async () => {
    uai = await newApp(api, appId);
    const inputs = ['a', 'b', 'c', 'd', 'e'].map((id) => textInput(id, `text ${id}`, [['x', 1]]));
    await api.ok('PostInputs', { user_app_id: uai, inputs });
    for (const id of ['a', 'b', 'c', 'd', 'e']) await waitForInput(api, uai, id);
  });

  it('ListInputs pages and filters by ids and status', async () => {
    const all = ids((await api.ok('ListInputs', { user_app_id: uai })).inputs);
    assert.deepEqual([...all].sort(), ['a', 'b', 'c', 'd', 'e']);
    const p1 = ids((await api.ok('ListInputs', { user_app_id: uai, page: 1, per_page: 2 })).inputs);
    const p3 = ids((await api.ok('ListInputs', { user_app_id: uai, page: 3, per_page: 2 })).inputs);
    assert.equal(p1.length, 2);
    assert.equal(p3.length, 1);
    assert.deepEqual(ids((await api.ok('ListInputs', { user_app_id: uai, page: 9 })).inputs), []);
    assert.deepEqual(ids((await api.ok('ListInputs', { user_app_id: uai, ids: ['b', 'd', 'zz'] })).inputs).sort(), ['b', 'd']);
    assert.equal((await api.ok('ListInputs', { user_app_id: uai, status: { code: 30000 } })).inputs.length, 5);
    assert.deepEqual(ids((await api.ok('ListInputs', { user_app_id: uai, status: { code: 30002 } })).inputs), []);
  });

  it('PatchInputs merge adds and updates concepts by id and merges metadata; new concepts are created', async () => {
    await patch('merge', [
      {
        id: 'a',
        data: {
          concepts: [
            { id: 'x', value: 0 },
            { id: 'y', value: 1 },
          ],
          metadata: { k: 1 },
        },
      },
    ]);
    const a = await get('a');
    assert.deepEqual(labelsOf(a), [
      ['x', 0],
      ['y', 1],
    ]);
    assert.deepEqual(a.data.metadata, { k: 1 });
    assert.equal((await api.ok('GetConcept', { user_app_id: uai, concept_id: 'y' })).concept.name, 'y');
    await patch('merge', [{ id: 'a', data: { metadata: { j: 'two' } } }]);
    assert.deepEqual((await get('a')).data.metadata, { k: 1, j: 'two' });
    assert.equal((await get('a')).status.code, 30000, 'labels change; data and processing do not');
  });

  it('PatchInputs remove drops concepts by id and metadata keys', async () => {
    await patch('merge', [{ id: 'b', data: { concepts: [{ id: 'z', value: 1 }], metadata: { keep: 1, drop: 2 } } }]);
    await patch('remove', [{ id: 'b', data: { concepts: [{ id: 'x', value: 1 }], metadata: { drop: true } } }]);
    const b = await get('b');
    assert.deepEqual(labelsOf(b), [['z', 1]]);
    assert.deepEqual(b.data.metadata, { keep: 1 });
  });

  it('PatchInputs overwrite replaces concepts and metadata', async () => {
    await patch('overwrite', [{ id: 'c', data: { concepts: [{ id: 'q', value: 1 }] } }]);
    const c = await get('c');
    assert.deepEqual(labelsOf(c), [['q', 1]]);
    assert.deepEqual(c.data.metadata, {});
  });

  it('PatchInputs refuses data changes, unknown inputs and bad values, changing nothing', async () => {
    assert.match(
      (await api.fails('PatchInputs', { user_app_id: uai, action: 'merge', inputs: [{ id: 'd', data: { text: { raw: 'new' } } }] }, 30104, 400)).details ?? '',
      /immutable/,
    );
    await api.fails(
      'PatchInputs',
      {
        user_app_id: uai,
        action: 'merge',
        inputs: [
          { id: 'd', data: { concepts: [{ id: 'w', value: 1 }] } },
          { id: 'ghost', data: {} },
        ],
      },
      11101,
      404,
    );
    assert.deepEqual(labelsOf(await get('d')), [['x', 1]], 'the first entry was rolled back');
    await api.fails('PatchInputs', { user_app_id: uai, action: 'merge', inputs: [{ id: 'd', data: { concepts: [{ id: 'w', value: 0.3 }] } }] }, 30104, 400);
    await api.fails('PatchInputs', { user_app_id: uai, action: 'bogus', inputs: [{ id: 'd' }] }, 21203, 400);
  });

  it('DeleteInputs is all-or-nothing; DeleteInput removes one; GetInput then answers 11101 CONN_DOES_NOT_EXIST (what the Clarifai clients poll for)', async () => {
    const st = await api.fails('DeleteInputs', { user_app_id: uai, ids: ['d', 'nope'] }, 11101, 404);
    assert.match(st.details ?? '', /'nope'/);
    assert.equal((await get('d')).id, 'd');
    await api.ok('DeleteInputs', { user_app_id: uai, ids: ['d', 'e'] });
    await api.ok('DeleteInput', { user_app_id: uai, input_id: 'c' });
    for (const id of ['c', 'd', 'e', 'never-created']) {
      const gone = await api.fails('GetInput', { user_app_id: uai, input_id: id }, 11101, 404);
      assert.equal(gone.description, 'Resource does not exist');
      assert.match(gone.details ?? '', new RegExp(`'${id}' does not exist`));
    }
    await api.fails('DeleteInput', { user_app_id: uai, input_id: 'c' }, 11101, 404);
    assert.equal((await api.ok('GetInputCount', { user_app_id: uai })).counts.processed, 2);
    await api.fails('DeleteInputs', { user_app_id: uai, ids: Array.from({ length: 129 }, (_, i) => `i${i}`) }, 39999, 400);
  });
});
