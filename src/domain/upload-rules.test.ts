import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultEmbedderKind, type PackageInputKind, type PackageOutputKind, uploadProblem } from './upload-rules.js';

const cases: [string, PackageInputKind, PackageOutputKind, RegExp | undefined][] = [
  ['embedding-classifier', 'embedding', 'concepts', undefined],
  ['embedding-classifier', 'image', 'concepts', undefined],
  ['text-classifier', 'embedding', 'concepts', undefined],
  ['visual-classifier', 'image', 'concepts', undefined],
  ['visual-classifier', 'embedding', 'concepts', undefined],
  ['visual-embedder', 'image', 'embedding', undefined],
  ['text-embedder', 'embedding', 'embedding', undefined],
  ['text-classifier', 'image', 'concepts', /inputs are text/],
  ['text-embedder', 'image', 'embedding', /inputs are text/],
  ['visual-classifier', 'image', 'embedding', /gives an embedding .* upload it to a visual-embedder, text-embedder model/],
  ['visual-embedder', 'image', 'concepts', /gives concept scores/],
  ['text-classifier', 'text', 'concepts', undefined],
  ['text-embedder', 'text', 'embedding', undefined],
  ['embedding-classifier', 'text', 'concepts', undefined],
  ['visual-classifier', 'text', 'concepts', /takes text .* inputs are images/],
  ['visual-embedder', 'text', 'embedding', /takes text .* inputs are images/],
  ['clusterer', 'embedding', 'concepts', /a clusterer model cannot take an uploaded package/],
  ['concept-thresholder', 'embedding', 'concepts', /cannot take an uploaded package/],
];
for (const [type, input, output, problem] of cases) {
  test(`${type} with ${input} -> ${output}: ${problem ?? 'accepted'}`, () => {
    const p = uploadProblem(type, input, output);
    if (problem) assert.match(p ?? '', problem);
    else assert.equal(p, undefined);
  });
}

test('defaultEmbedderKind follows the type', () => {
  assert.equal(defaultEmbedderKind('text-classifier'), 'text');
  assert.equal(defaultEmbedderKind('visual-embedder'), 'image');
  assert.equal(defaultEmbedderKind('embedding-classifier'), undefined);
});
