import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Stopped } from '../../domain/outcome.js';
import { createRng } from '../classifier/rng.js';
import { crossValidate } from './cross-validate.js';
import { classificationMetrics } from './metrics.js';
import { stratifiedFolds } from './split.js';

/** n rows of d features in k well separated Gaussian clusters; one-hot labels. */
function clusters(n: number, d: number, k: number, seed: number, spread = 0.3) {
  const rng = createRng(seed);
  const x = new Float32Array(n * d);
  const labels = new Uint8Array(n * k);
  for (let r = 0; r < n; r++) {
    const c = r % k;
    labels[r * k + c] = 1;
    for (let j = 0; j < d; j++) x[r * d + j] = (j % k === c ? 1 : 0) + spread * rng.normal();
  }
  return { x, n, d, labels };
}

test('out-of-fold scores of separable data: macro AUC near 1; every row scored by a model that did not see it', async () => {
  const data = clusters(60, 8, 3, 5);
  const folds = stratifiedFolds(data.labels, data.n, 3, 5, 1);
  const fractions: number[] = [];
  const scores = await crossValidate(data, folds, 5, { train: { k: 3, mutuallyExclusive: true, seed: 1 }, onProgress: (f) => fractions.push(f) });
  assert.equal(scores.length, 60 * 3);
  for (let r = 0; r < 60; r++) {
    const row = scores.slice(r * 3, r * 3 + 3);
    assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-4, 'softmax rows sum to 1');
  }
  const m = classificationMetrics({ scores, labels: data.labels, n: 60, k: 3, mutuallyExclusive: true });
  assert.ok(m.summary.macroAvgRocAuc > 0.97, `AUC ${m.summary.macroAvgRocAuc}`);
  assert.ok(m.summary.macroAvgF1 > 0.9, `F1 ${m.summary.macroAvgF1}`);
  assert.ok(fractions.length > 5 && fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]! - 1e-9)), 'progress rises from 0 to 1');
  assert.equal(fractions[fractions.length - 1], 1);
});

test('random labels: AUC near 0.5 (the folds do not leak the answer)', async () => {
  const data = clusters(200, 8, 2, 9);
  const rng = createRng(4);
  for (let r = 0; r < data.n; r++) {
    const c = rng.int(2);
    data.labels[r * 2] = c === 0 ? 1 : 0;
    data.labels[r * 2 + 1] = c === 1 ? 1 : 0;
  }
  const folds = stratifiedFolds(data.labels, data.n, 2, 5, 1);
  const scores = await crossValidate(data, folds, 5, { train: { k: 2, mutuallyExclusive: false, seed: 1 } });
  const m = classificationMetrics({ scores, labels: data.labels, n: data.n, k: 2, mutuallyExclusive: false });
  assert.ok(Math.abs(m.summary.macroAvgRocAuc - 0.5) < 0.15, `AUC ${m.summary.macroAvgRocAuc}`);
});

test('stops when asked (Stopped cancelled)', async () => {
  const data = clusters(40, 4, 2, 1);
  const folds = stratifiedFolds(data.labels, data.n, 2, 5, 1);
  await assert.rejects(
    crossValidate(data, folds, 5, { train: { k: 2, mutuallyExclusive: true }, shouldStop: () => true }),
    (e) => e instanceof Stopped && e.reason === 'cancelled',
  );
});
