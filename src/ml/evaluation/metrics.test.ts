import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { averagePrecision, classificationMetrics, countsOf, curves, meanStd, precisionRecallF1, predictLabels, rocAuc, sampleIndices } from './metrics.js';

const close = (actual: number | undefined, expected: number, msg = ''): void => {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-6, `${msg} expected ${expected}, got ${actual}`);
};
const bools = (xs: number[]): boolean[] => xs.map((x) => x === 1);

describe('rocAuc (rank statistic, ties counted half)', () => {
  const cases: [string, number[], number[], number | undefined][] = [
    // [name, labels, scores, expected]
    ['scikit-learn doc example', [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.75],
    ['perfect', [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], 1],
    ['inverted', [1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9], 0],
    ['all tied', [1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5], 0.5],
    ['tie across classes', [0, 1, 0, 1], [0.2, 0.2, 0.6, 0.8], 0.625],
    ['order of rows does not matter', [1, 0, 1, 0], [0.8, 0.6, 0.2, 0.2], 0.625],
    ['no negatives', [1, 1], [0.3, 0.9], undefined],
    ['no positives', [0, 0], [0.3, 0.9], undefined],
    ['empty', [], [], undefined],
  ];
  for (const [name, y, s, want] of cases) {
    test(name, () => {
      const got = rocAuc(s, bools(y));
      if (want === undefined) assert.equal(got, undefined);
      else close(got, want);
    });
  }
});

describe('precision / recall / F1 from counts (0 where undefined)', () => {
  const cases: [string, { tp: number; fp: number; fn: number; tn: number }, [number, number, number]][] = [
    ['mixed', { tp: 3, fp: 1, fn: 2, tn: 4 }, [0.75, 0.6, 2 / 3]],
    ['perfect', { tp: 5, fp: 0, fn: 0, tn: 5 }, [1, 1, 1]],
    ['nothing predicted', { tp: 0, fp: 0, fn: 4, tn: 6 }, [0, 0, 0]],
    ['no positives, some predicted', { tp: 0, fp: 2, fn: 0, tn: 3 }, [0, 0, 0]],
    ['everything predicted', { tp: 2, fp: 8, fn: 0, tn: 0 }, [0.2, 1, 1 / 3]],
  ];
  for (const [name, counts, [p, r, f]] of cases) {
    test(name, () => {
      const got = precisionRecallF1(counts);
      close(got.precision, p, 'precision');
      close(got.recall, r, 'recall');
      close(got.f1, f, 'f1');
    });
  }
  test('countsOf tallies predicted × actual', () => {
    assert.deepEqual(countsOf(bools([1, 1, 0, 0, 1]), bools([1, 0, 1, 0, 1])), { tp: 2, fp: 1, fn: 1, tn: 1 });
  });
});

describe('average precision and curves', () => {
  test('scikit-learn doc example: AP 0.8333, curves at each distinct threshold', () => {
    const y = bools([0, 0, 1, 1]),
      s = [0.1, 0.4, 0.35, 0.8];
    close(averagePrecision(s, y), 5 / 6);
    const { roc, pr } = curves(s, y);
    assert.deepEqual(roc.thresholds, [0.8, 0.4, 0.35, 0.1]);
    assert.deepEqual(roc.fpr, [0, 0.5, 0.5, 1]);
    assert.deepEqual(roc.tpr, [0.5, 0.5, 1, 1]);
    assert.deepEqual(pr.recall, [0.5, 0.5, 1, 1]);
    pr.precision.forEach((p, i) => close(p, [1, 0.5, 2 / 3, 0.5][i]!, `precision[${i}]`));
  });
  test('tied scores cross the threshold together', () => {
    const { roc } = curves([0.5, 0.5, 0.2], bools([1, 0, 0]));
    assert.deepEqual(roc.thresholds, [0.5, 0.2]);
    assert.deepEqual(roc.tpr, [1, 1]);
    assert.deepEqual(roc.fpr, [0.5, 1]);
  });
  test('no positives: AP undefined', () => assert.equal(averagePrecision([0.1, 0.2], [false, false]), undefined));
  test('curves are sampled to at most maxPoints, keeping both ends', () => {
    const s = Array.from({ length: 200 }, (_, i) => i / 200);
    const { roc } = curves(
      s,
      s.map((_, i) => i % 2 === 0),
      10,
    );
    assert.equal(roc.thresholds.length, 10);
    assert.equal(roc.thresholds[0], 199 / 200);
    assert.equal(roc.thresholds[9], 0);
  });
  const samples: [number, number, number[]][] = [
    [10, 4, [0, 3, 6, 9]],
    [5, 10, [0, 1, 2, 3, 4]],
    [0, 5, []],
    [7, 1, [6]],
  ];
  for (const [m, max, want] of samples) test(`sampleIndices(${m}, ${max})`, () => assert.deepEqual(sampleIndices(m, max), want));
});

describe('meanStd (population std)', () => {
  const cases: [number[], number, number][] = [
    [[1, 2, 3, 4], 2.5, Math.sqrt(1.25)],
    [[0.7], 0.7, 0],
    [[], 0, 0],
    [[1, 1, 1], 1, 0],
  ];
  for (const [xs, mean, std] of cases) {
    test(JSON.stringify(xs), () => {
      const got = meanStd(xs);
      close(got.mean, mean);
      close(got.std, std);
    });
  }
});

describe('predictLabels', () => {
  test('mutually exclusive: the top score (first on ties)', () => {
    assert.deepEqual([...predictLabels([0.2, 0.8, 0.5, 0.5], 2, 2, true)], [0, 1, 1, 0]);
  });
  test('one-vs-rest: score >= threshold, maybe none or several', () => {
    assert.deepEqual([...predictLabels([0.5, 0.49, 0.1, 0.2, 0.9, 0.95], 3, 2, false)], [1, 0, 0, 0, 1, 1]);
    assert.deepEqual([...predictLabels([0.5, 0.49], 1, 2, false, 0.4)], [1, 1]);
  });
});

describe('classificationMetrics', () => {
  test('mutually exclusive (argmax): per-concept metrics, macro summary, confusion matrix and its order', () => {
    const m = classificationMetrics({
      n: 4,
      k: 2,
      mutuallyExclusive: true,
      labels: [1, 0, 1, 0, 0, 1, 0, 1],
      scores: [0.9, 0.1, 0.4, 0.6, 0.2, 0.8, 0.3, 0.7],
    });
    const [a, b] = m.perConcept;
    assert.deepEqual([a!.numPos, a!.numNeg, a!.numTot, a!.tp, a!.fp, a!.fn, a!.tn], [2, 2, 4, 1, 0, 1, 2]);
    close(a!.rocAuc, 1);
    close(a!.precision, 1);
    close(a!.recall, 0.5);
    close(a!.f1, 2 / 3);
    assert.deepEqual([b!.tp, b!.fp, b!.fn, b!.tn], [2, 1, 0, 1]);
    close(b!.precision, 2 / 3);
    close(b!.recall, 1);
    close(b!.f1, 0.8);
    close(m.summary.macroAvgRocAuc, 1);
    close(m.summary.macroStdRocAuc, 0);
    close(m.summary.macroAvgF1, (2 / 3 + 0.8) / 2);
    close(m.summary.macroStdF1, (0.8 - 2 / 3) / 2);
    close(m.summary.macroAvgPrecision, (1 + 2 / 3) / 2);
    close(m.summary.macroAvgRecall, 0.75);
    assert.deepEqual(m.confusion, [
      { actual: 0, predicted: 0, count: 1 },
      { actual: 0, predicted: 1, count: 1 },
      { actual: 1, predicted: 1, count: 2 },
    ]);
    assert.deepEqual(m.confusionOrder, [1, 0], 'concept 1 has the stronger diagonal');
    assert.deepEqual(m.cooccurrence, m.confusion, 'exclusive: the prediction is the argmax in both');
    assert.equal(m.labelledRows, 4);
  });

  test('one-vs-rest (threshold 0.5): unlabelled cells are skipped; co-occurrence uses the thresholded predictions', () => {
    const U = 255;
    const m = classificationMetrics({
      n: 3,
      k: 2,
      mutuallyExclusive: false,
      labels: [1, U, 0, 1, 1, 0],
      scores: [0.7, 0.9, 0.6, 0.4, 0.3, 0.2],
    });
    const [a, b] = m.perConcept;
    assert.deepEqual([a!.numPos, a!.numNeg, a!.numTot], [2, 1, 3]);
    close(a!.rocAuc, 0.5);
    close(a!.f1, 0.5);
    assert.deepEqual([b!.numPos, b!.numNeg, b!.numTot], [1, 1, 2]);
    close(b!.rocAuc, 1);
    assert.deepEqual([b!.precision, b!.recall, b!.f1], [0, 0, 0]);
    assert.deepEqual([...m.predicted], [1, 1, 1, 0, 0, 0]);
    assert.deepEqual(m.confusion, [
      { actual: 0, predicted: 0, count: 1 },
      { actual: 0, predicted: 1, count: 1 },
      { actual: 1, predicted: 0, count: 1 },
    ]);
    assert.deepEqual(m.cooccurrence, [
      { actual: 0, predicted: 0, count: 1 },
      { actual: 0, predicted: 1, count: 1 },
      { actual: 1, predicted: 0, count: 1 },
    ]);
    close(m.summary.macroAvgRocAuc, 0.75);
    close(m.summary.macroStdRocAuc, 0.25);
  });

  test('a concept without negatives has no AUC and is left out of the AUC mean', () => {
    const m = classificationMetrics({ n: 2, k: 2, mutuallyExclusive: false, labels: [1, 1, 1, 0], scores: [0.9, 0.8, 0.7, 0.1] });
    assert.equal(m.perConcept[0]!.rocAuc, undefined);
    close(m.perConcept[1]!.rocAuc, 1);
    assert.equal(m.summary.aucConcepts, 1);
    close(m.summary.macroAvgRocAuc, 1);
  });

  test('refuses score / label arrays shorter than n × k', () => {
    assert.throws(() => classificationMetrics({ n: 2, k: 2, mutuallyExclusive: true, labels: [1, 0], scores: [0.5, 0.5, 0.5, 0.5] }), RangeError);
  });
});
