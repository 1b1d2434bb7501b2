import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Outcome } from '../../domain/outcome.js';
import { Code } from '../../domain/status-codes.js';
import type { LabelledExample } from '../../ports/training-data.js';
import { buildTrainingSet, UNLABELLED } from './labels.js';

const D = 4;
const ex = (inputId: string, positives: string[], negatives: string[] = [], dim = D): LabelledExample => ({
  inputId,
  vector: new Float32Array(dim).fill(0.5),
  positives,
  negatives,
});
const opts = (conceptIds: string[], o: { exclusive?: boolean; failOnMissing?: boolean } = {}) => ({
  conceptIds,
  mutuallyExclusive: o.exclusive ?? false,
  failOnMissingPositives: o.failOnMissing ?? false,
  dim: D,
});
const U = UNLABELLED;

describe('buildTrainingSet: label matrix', () => {
  const cases: { name: string; examples: LabelledExample[]; concepts: string[]; exclusive?: boolean; labels: number[]; used: number }[] = [
    {
      name: 'one concept each: the other concept is an implicit negative',
      examples: [ex('a', ['cat']), ex('b', ['dog'])],
      concepts: ['cat', 'dog'],
      labels: [1, 0, 0, 1],
      used: 2,
    },
    {
      name: 'explicit negatives only: other concepts stay unlabelled',
      examples: [ex('a', ['cat']), ex('b', [], ['cat'])],
      concepts: ['cat', 'dog'],
      labels: [1, 0, 0, U],
      used: 2,
    },
    {
      name: 'a positive wins over a contradicting negative',
      examples: [ex('a', ['cat'], ['cat']), ex('b', ['dog'])],
      concepts: ['cat', 'dog'],
      labels: [1, 0, 0, 1],
      used: 2,
    },
    {
      name: 'labels of other concepts are ignored',
      examples: [ex('a', ['cat', 'bird']), ex('b', ['dog'], ['fish'])],
      concepts: ['cat', 'dog'],
      labels: [1, 0, 0, 1],
      used: 2,
    },
    { name: 'rows are ordered by input id', examples: [ex('z', ['dog']), ex('a', ['cat'])], concepts: ['cat', 'dog'], labels: [1, 0, 0, 1], used: 2 },
    {
      name: 'exclusive: negative-only rows do not count as used',
      examples: [ex('a', ['cat']), ex('b', ['dog']), ex('c', [], ['cat'])],
      concepts: ['cat', 'dog'],
      exclusive: true,
      labels: [1, 0, 0, 1, 0, U],
      used: 2,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const set = buildTrainingSet(c.examples, opts(c.concepts, { exclusive: c.exclusive ?? false }));
      assert.deepEqual([...set.data.labels], c.labels);
      assert.equal(set.used, c.used);
      assert.equal(set.data.n, c.examples.length);
      assert.equal(set.data.x.length, c.examples.length * D);
    });
  }

  test('inputs whose vector has the wrong length are skipped with a warning', () => {
    const set = buildTrainingSet([ex('a', ['cat']), ex('b', ['dog']), ex('c', ['cat'], [], 3)], opts(['cat', 'dog']));
    assert.equal(set.data.n, 2);
    assert.match(set.warnings.join(), /1 inputs skipped/);
  });

  test('a concept without positives is a warning when fail_on_missing_positive_examples is false', () => {
    const set = buildTrainingSet([ex('a', ['cat']), ex('b', [], ['cat'])], opts(['cat', 'cow']));
    assert.deepEqual(set.positives, [1, 0]);
    assert.match(set.notes.join(), /No positive examples for cow: it scores low on every input/);
  });

  const trains: {
    name: string;
    examples: LabelledExample[];
    concepts: string[];
    exclusive?: boolean;
    used: number;
    exclusiveHead: boolean;
    notes: RegExp[];
  }[] = [
    {
      name: 'one labelled input trains',
      examples: [ex('a', ['cat'])],
      concepts: ['cat', 'dog'],
      used: 1,
      exclusiveHead: false,
      notes: [/No positive examples for dog/, /No negative examples for cat: it scores high/],
    },
    {
      name: 'one concept, positives only (python-grpc test_model_train): trains, noted',
      examples: [ex('a', ['cat']), ex('b', ['cat'])],
      concepts: ['cat'],
      used: 2,
      exclusiveHead: false,
      notes: [/No negative examples for cat/],
    },
    {
      name: 'exclusive, positives of one concept only: trains, the other scores low',
      examples: [ex('a', ['cat']), ex('b', ['cat'])],
      concepts: ['cat', 'dog'],
      exclusive: true,
      used: 2,
      exclusiveHead: true,
      notes: [/No positive examples for dog/],
    },
    {
      name: 'negatives only: trains, every concept noted',
      examples: [ex('a', [], ['cat']), ex('b', [], ['dog'])],
      concepts: ['cat', 'dog'],
      used: 2,
      exclusiveHead: false,
      notes: [/No positive examples for cat, dog: they score low/],
    },
    {
      name: 'exclusive, negatives only: one-vs-rest heads instead of a softmax',
      examples: [ex('a', [], ['cat'])],
      concepts: ['cat', 'dog'],
      exclusive: true,
      used: 1,
      exclusiveHead: false,
      notes: [/cat, dog/, /one-vs-rest/],
    },
    { name: 'complete data: no notes', examples: [ex('a', ['cat']), ex('b', ['dog'])], concepts: ['cat', 'dog'], used: 2, exclusiveHead: false, notes: [] },
  ];
  for (const c of trains) {
    test(`trains: ${c.name}`, () => {
      const set = buildTrainingSet(c.examples, opts(c.concepts, { exclusive: c.exclusive ?? false }));
      assert.equal(set.used, c.used);
      assert.equal(set.mutuallyExclusive, c.exclusiveHead);
      assert.equal(set.notes.length, c.notes.length, set.notes.join(' | '));
      c.notes.forEach((re) => assert.match(set.notes.join(' '), re));
    });
  }
});

describe('buildTrainingSet: failures a user can act on', () => {
  const cases: { name: string; examples: LabelledExample[]; concepts: string[]; exclusive?: boolean; failOnMissing?: boolean; code: number; re: RegExp }[] = [
    { name: 'no inputs → 21110', examples: [], concepts: ['cat', 'dog'], code: Code.MODEL_TRAINING_NO_DATA, re: /PostInputs/ },
    {
      name: 'exclusive with one concept → 21112',
      examples: [ex('a', ['cat'])],
      concepts: ['cat'],
      exclusive: true,
      code: Code.MODEL_TRAINING_ONE_VS_N_SINGLE_CLASS,
      re: /at least two concepts/,
    },
    {
      name: 'missing positives with the flag → 21111 naming them',
      examples: [ex('a', ['cat']), ex('b', [], ['cat'])],
      concepts: ['cat', 'cow', 'pig'],
      failOnMissing: true,
      code: Code.MODEL_TRAINING_NO_POSITIVES,
      re: /cow, pig/,
    },
    {
      name: 'inputs labelled only with other concepts → 21110',
      examples: [ex('a', ['bird'])],
      concepts: ['cat', 'dog'],
      code: Code.MODEL_TRAINING_NO_DATA,
      re: /no training input is labelled/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(
        () => buildTrainingSet(c.examples, opts(c.concepts, { exclusive: c.exclusive ?? false, failOnMissing: c.failOnMissing ?? false })),
        (e: unknown) => e instanceof Outcome && e.code === c.code && c.re.test(e.details),
      );
    });
  }
});
