import assert from 'node:assert/strict';
import { it } from 'node:test';
import { compareRows } from './compare.js';

it('compareRows flattens both sides by path and marks the differences', () => {
  assert.deepEqual(compareRows({ params: { max_concepts: 20, select_concepts: [] }, x: 1 }, { params: { max_concepts: 5, select_concepts: [] } }), [
    { path: 'params.max_concepts', a: '20', b: '5', differs: true },
    { path: 'params.select_concepts', a: '[]', b: '[]', differs: false },
    { path: 'x', a: '1', b: '', differs: true },
  ]);
});
