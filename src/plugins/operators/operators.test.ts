import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ModelVersion } from '../../domain/entities.js';
import { defaultModelTypes, ModelTypeRegistry } from '../../domain/model-types/catalog.js';
import type { ValueComparator } from '../../domain/model-types/types.js';
import { l2normalise } from '../../ml/embedders/embedder.js';
import { comparatorOf, thresholdConcepts } from './concept-thresholder.js';
import { knnScores } from './knn-concept.js';
import { randomSamplePlugin } from './random-sample.js';

const types = new ModelTypeRegistry(defaultModelTypes());
const c = (id: string, value: number, name = id) => ({ id, name, value });

describe('concept-thresholder', () => {
  const thresholds = [c('cat', 0.5), c('dog', 0.8, 'Doggo')];
  const incoming = [c('cat', 0.5), c('dog', 0.9), c('bird', 0.1)];
  const cases: { cmp: ValueComparator; want: string[] }[] = [
    { cmp: 'GREATER_THAN', want: ['dog', 'bird'] },
    { cmp: 'GREATER_THAN_OR_EQUAL', want: ['cat', 'dog', 'bird'] },
    { cmp: 'LESS_THAN', want: ['bird'] },
    { cmp: 'LESS_THAN_OR_EQUAL', want: ['cat', 'bird'] },
    { cmp: 'EQUAL', want: ['cat', 'bird'] },
  ];
  for (const k of cases) {
    test(`${k.cmp}: configured concepts are filtered, others pass through`, () => {
      assert.deepEqual(
        thresholdConcepts(incoming, thresholds, k.cmp).map((x) => x.id),
        k.want,
      );
    });
  }
  test('matches by name when the id differs', () => {
    assert.deepEqual(
      thresholdConcepts([c('d1', 0.7, 'Doggo')], thresholds, 'GREATER_THAN').map((x) => x.id),
      [],
    );
  });
  test('float32 values from gRPC compare equal to their threshold', () => {
    assert.deepEqual(thresholdConcepts([c('cat', Math.fround(0.7))], [c('cat', 0.7)], 'EQUAL').length, 1);
  });
  const thresholder = types.get('concept-thresholder')!;
  const comparators: [unknown, ValueComparator][] = [
    [undefined, 'GREATER_THAN'],
    ['LESS_THAN', 'LESS_THAN'],
    [4, 'LESS_THAN_OR_EQUAL'],
    [5, 'EQUAL'],
    ['bogus', 'GREATER_THAN'],
  ];
  for (const [given, want] of comparators) {
    test(`concept_threshold_type ${JSON.stringify(given)} → ${want}`, () =>
      assert.equal(comparatorOf(thresholder, given === undefined ? {} : { concept_threshold_type: given }), want));
  }
});

describe('random-sample', () => {
  const inputs = Array.from({ length: 200 }, (_, i) => ({ data: { text: { raw: `t${i}` } } }));
  const run = (params: Record<string, number>) => randomSamplePlugin().predict({ model: {} as never, version: {} as ModelVersion, params, inputs });
  test('keep_fraction 1 keeps everything, 0 drops everything, passing data through unchanged', async () => {
    const all = await run({ keep_fraction: 1 });
    assert.ok(all.every((o, i) => o.ok && o.data.passthrough === inputs[i]!.data));
    const none = await run({ keep_fraction: 0 });
    assert.ok(none.every((o) => o.ok && o.data.passthrough === undefined));
  });
  test('a seed makes the sample repeatable; about keep_fraction of the inputs are kept', async () => {
    const kept = (r: Awaited<ReturnType<typeof run>>) => r.map((o) => (o.ok && o.data.passthrough ? 1 : 0)).join('');
    const a = await run({ keep_fraction: 0.3, seed: 42 });
    const b = await run({ keep_fraction: 0.3, seed: 42 });
    assert.equal(kept(a), kept(b));
    const n = kept(a)
      .split('')
      .filter((x) => x === '1').length;
    assert.ok(n > 35 && n < 85, `kept ${n} of 200`);
  });
});

describe('knn-concept scoring', () => {
  const v = (...xs: number[]) => l2normalise(Float32Array.from(xs));
  const examples = [
    { inputId: 'a', vector: v(1, 0, 0), positives: ['cat'], negatives: [] },
    { inputId: 'b', vector: v(0.9, 0.1, 0), positives: ['cat'], negatives: [] },
    { inputId: 'c', vector: v(0, 1, 0), positives: ['dog'], negatives: [] },
    { inputId: 'd', vector: v(0, 0, 1), positives: ['dog', 'cat'], negatives: [] },
  ];
  const concepts = [
    { id: 'cat', name: 'cat' },
    { id: 'dog', name: 'dog' },
  ];
  test('k=1: the nearest neighbour decides', () => {
    assert.deepEqual(
      knnScores(v(1, 0.05, 0), examples, concepts, 1).map((s) => s.value),
      [1, 0],
    );
  });
  test('k=3: similarity-weighted shares in 0..1', () => {
    const [cat, dog] = knnScores(v(0.5, 0.5, 0), examples, concepts, 3);
    assert.ok(cat!.value > 0 && cat!.value < 1 && dog!.value > 0 && dog!.value < 1);
    assert.ok(Math.abs(cat!.value + dog!.value - 1) < 1e-6);
  });
  test('an input opposite to everything scores 0', () => {
    assert.deepEqual(
      knnScores(v(-1, -1, -1), examples, concepts, 3).map((s) => s.value),
      [0, 0],
    );
  });
});
