import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluationProblem, foldsFor, stratifiedFolds } from './split.js';

const U = 255;
/** n × k labels from one positive concept per row (-1: no positive), implicit negatives for the rest. */
const exclusive = (classes: number[], k: number): Uint8Array => {
  const out = new Uint8Array(classes.length * k);
  classes.forEach((c, r) => {
    if (c < 0) out.fill(U, r * k, (r + 1) * k);
    else out[r * k + c] = 1;
  });
  return out;
};
const repeat = (c: number, times: number): number[] => new Array<number>(times).fill(c);

describe('evaluationProblem (21315 need labels, 21316 need inputs): only where nothing can be computed', () => {
  const names = ['cat', 'dog', 'bird'];
  const cases: [string, Uint8Array, number, boolean, { kind: string; match: RegExp } | null][] = [
    ['no labelled inputs', new Uint8Array(0), 2, true, { kind: 'need-labels', match: /no input is labelled .*\(cat, dog\)/ }],
    ['rows without a known label only', new Uint8Array(6).fill(U), 2, true, { kind: 'need-labels', match: /no input is labelled/ }],
    ['one labelled input', exclusive([0], 2), 2, true, { kind: 'need-inputs', match: /only 1 input .*at least 2/ }],
    // python-grpc test_model_train: one concept, two positive inputs, waits for 21300
    ['one concept, two positives', new Uint8Array(2).fill(1), 1, false, null],
    ['positives of one concept only', exclusive(repeat(0, 8), 2), 2, true, null],
    ['fewer than 5 positives of a concept', exclusive([...repeat(0, 5), ...repeat(1, 3), ...repeat(2, 4)], 3), 3, true, null],
    ['one-vs-rest concept without a negative', Uint8Array.from(Array.from({ length: 10 }, (_, r) => [1, r < 5 ? 1 : 0]).flat()), 2, false, null],
  ];
  for (const [name, labels, k, me, want] of cases) {
    test(name, () => {
      const p = evaluationProblem(labels, labels.length / k, k, { mutuallyExclusive: me, conceptNames: names });
      if (!want) return assert.equal(p, null);
      assert.equal(p?.kind, want.kind);
      assert.match(p!.message, want.match);
    });
  }
});

describe('foldsFor: fewer folds down to leave-one-out', () => {
  const cases: [number, number, { folds: number; leaveOneOut: boolean }][] = [
    [5, 40, { folds: 5, leaveOneOut: false }],
    [5, 5, { folds: 5, leaveOneOut: true }],
    [5, 3, { folds: 3, leaveOneOut: true }],
    [10, 2, { folds: 2, leaveOneOut: true }],
  ];
  for (const [asked, rows, want] of cases) test(`${asked} folds asked, ${rows} inputs`, () => assert.deepEqual(foldsFor(asked, rows), want));
});

describe('stratifiedFolds', () => {
  const classes = [...repeat(0, 5), ...repeat(1, 7), ...repeat(2, 13)];
  const labels = exclusive(classes, 3);

  test('each concept with >= 5 positives has one in every fold; fold sizes differ by at most one', () => {
    const folds = stratifiedFolds(labels, classes.length, 3, 5, 7);
    const sizes = new Array<number>(5).fill(0);
    folds.forEach((f) => sizes[f]!++);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
    for (let c = 0; c < 3; c++) {
      const seen = new Set(classes.map((x, r) => (x === c ? folds[r] : -1)).filter((f) => f !== -1));
      assert.equal(seen.size, 5, `concept ${c} in folds ${[...seen]}`);
    }
  });

  test('deterministic for a seed, different across seeds', () => {
    const a = stratifiedFolds(labels, classes.length, 3, 5, 1);
    assert.deepEqual(a, stratifiedFolds(labels, classes.length, 3, 5, 1));
    assert.notDeepEqual(a, stratifiedFolds(labels, classes.length, 3, 5, 2));
  });

  test('rows without a positive are spread too; multi-label rows go with their rarest concept', () => {
    const k = 2;
    // rows 0-9 positive for both (concept 1 is rarer overall), rows 10-19 concept 0 only, 20-23 no positive
    const l = new Uint8Array(24 * k);
    for (let r = 0; r < 10; r++) l.set([1, 1], r * k);
    for (let r = 10; r < 20; r++) l.set([1, 0], r * k);
    for (let r = 20; r < 24; r++) l.set([0, 0], r * k);
    const folds = stratifiedFolds(l, 24, k, 2, 3);
    const count = (from: number, to: number, f: number) => [...folds.slice(from, to)].filter((x) => x === f).length;
    assert.deepEqual([count(0, 10, 0), count(0, 10, 1)], [5, 5]);
    assert.deepEqual([count(20, 24, 0), count(20, 24, 1)], [2, 2]);
  });

  test('refuses a non-positive fold count', () => assert.throws(() => stratifiedFolds(labels, classes.length, 3, 0, 1), RangeError));
});
