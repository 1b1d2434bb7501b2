import assert from 'node:assert/strict';
import { it } from 'node:test';
import { batches, conceptsOf, linesOf } from './upload.js';

it('batches splits at the size, never over PostInputs’ 128', () => {
  assert.deepEqual(batches([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  assert.deepEqual(batches([], 2), []);
  assert.ok(batches(Array.from({ length: 300 }, (_, i) => i)).every((b) => b.length <= 128));
});

it('linesOf and conceptsOf read the upload form', () => {
  assert.deepEqual(linesOf(' a cat \n\n a dog\r\n'), ['a cat', 'a dog']);
  assert.deepEqual(conceptsOf('cat, -dog, , -'), [
    { id: 'cat', value: 1 },
    { id: 'dog', value: 0 },
  ]);
});
