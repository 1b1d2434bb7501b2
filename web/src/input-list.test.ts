import assert from 'node:assert/strict';
import { it } from 'node:test';
import { inputListRequest, inputsOf } from './input-list.js';

const base = '/v2/users/me/apps/pets/inputs';

it('without a concept: ListInputs with the status and the page', () => {
  assert.deepEqual(inputListRequest(base, { page: 2, perPage: 24, status: '30000', concept: '' }), {
    method: 'GET',
    path: `${base}?page=2&per_page=24&status.code=30000`,
  });
  assert.deepEqual(inputListRequest(base, { page: 1, perPage: 24, status: '', concept: ' , ' }), { method: 'GET', path: `${base}?page=1&per_page=24` });
});

it('with concepts: PostInputsSearches filtering on the labels (and the status), paged by the server', () => {
  assert.deepEqual(inputListRequest(base, { page: 3, perPage: 24, status: '', concept: 'cat' }), {
    method: 'POST',
    path: `${base}/searches`,
    body: { searches: [{ query: { filters: [{ annotation: { data: { concepts: [{ id: 'cat', value: 1 }] } } }] } }], pagination: { page: 3, per_page: 24 } },
  });
  const r = inputListRequest(base, { page: 1, perPage: 24, status: '30002', concept: 'cat, -dog' });
  assert.deepEqual((r.body as { searches: { query: { filters: unknown[] } }[] }).searches[0]?.query.filters, [
    {
      annotation: {
        data: {
          concepts: [
            { id: 'cat', value: 1 },
            { id: 'dog', value: 0 },
          ],
        },
      },
    },
    { input: { status: { code: 30002 } } },
  ]);
});

it('inputsOf reads either answer', () => {
  assert.deepEqual(inputsOf({ inputs: [{ id: 'a' }] }), [{ id: 'a' }]);
  assert.deepEqual(inputsOf({ hits: [{ input: { id: 'b' } }, {}] }), [{ id: 'b' }]);
  assert.deepEqual(inputsOf({}), []);
});
