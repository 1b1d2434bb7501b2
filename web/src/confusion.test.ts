import assert from 'node:assert/strict';
import { it } from 'node:test';
import { confusionGrid } from './confusion.js';

it('confusionGrid fills a dense actual × predicted grid, zeros where no cell was sent', () => {
  const g = confusionGrid({
    concept_ids: ['cat', 'dog'],
    matrix: [
      { actual: 'cat', predicted: 'cat', value: 6 },
      { actual: 'cat', predicted: 'dog', value: 1 },
      { actual: 'dog', predicted: 'dog', value: 7 },
      { actual: 'bird', predicted: 'dog', value: 2 },
    ],
  });
  assert.deepEqual(g, {
    ids: ['cat', 'dog', 'bird'],
    cells: [
      [6, 1, 0],
      [0, 7, 0],
      [0, 2, 0],
    ],
    max: 7,
  });
  assert.deepEqual(confusionGrid(undefined), { ids: [], cells: [], max: 0 });
});
