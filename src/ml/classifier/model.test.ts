import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateBenchData, oneHot } from './bench-data.js';
import { deserializeModel, predict, serializeModel, type LinearModel } from './model.js';
import { train } from './train.js';

const data = generateBenchData({ n: 500, d: 24, k: 4, latent: 4, separation: 1.5, seed: 3 });
const trainData = { x: data.x, n: data.n, d: data.d, labels: oneHot(data.y, data.k) };

describe('serializeModel / deserializeModel', () => {
  for (const mutuallyExclusive of [true, false]) {
    it(`round-trips a ${mutuallyExclusive ? 'softmax' : 'one-vs-rest'} model exactly`, () => {
      const model = train(trainData, { k: 4, mutuallyExclusive, epochs: 3 });
      const bytes = serializeModel(model);
      assert.equal(bytes.byteLength, 24 + 4 * (4 * 25 + 2 * 24) + 8 * 3); // header + float32 arrays + curve
      const back = deserializeModel(bytes);
      assert.equal(back.k, 4);
      assert.equal(back.d, 24);
      assert.equal(back.mutuallyExclusive, mutuallyExclusive);
      assert.equal(back.trainedOn, 500);
      assert.deepEqual(back.weights, model.weights);
      assert.deepEqual(back.mean, model.mean);
      assert.deepEqual(back.scale, model.scale);
      assert.deepEqual(back.lossCurve.map((p) => p.epoch), [1, 2, 3]);
      back.lossCurve.forEach((p, i) => assert.equal(p.loss, Math.fround(model.lossCurve[i]!.loss)));
      assert.deepEqual(predict(back, data.x, data.n), predict(model, data.x, data.n));
    });
  }

  it('reads from a Uint8Array view at an offset (as a database driver may hand it back)', () => {
    const model = train(trainData, { k: 4, mutuallyExclusive: true, epochs: 1 });
    const bytes = serializeModel(model);
    const padded = new Uint8Array(bytes.byteLength + 3);
    padded.set(bytes, 3);
    assert.deepEqual(deserializeModel(padded.subarray(3)).weights, model.weights);
  });

  it('rejects other bytes, other versions and truncated data', () => {
    const bytes = serializeModel(train(trainData, { k: 4, mutuallyExclusive: true, epochs: 1 }));
    assert.throws(() => deserializeModel(new TextEncoder().encode('not a model at all, really')), /not a modelkeep/);
    const other = bytes.slice();
    other[4] = 9;
    assert.throws(() => deserializeModel(other), /unsupported/);
    assert.throws(() => deserializeModel(bytes.subarray(0, bytes.byteLength - 1)), /expected/);
  });
});

describe('predict', () => {
  // A hand-made model: 2 features, 2 concepts, identity standardisation.
  const hand = (mutuallyExclusive: boolean): LinearModel => ({
    k: 2, d: 2, mutuallyExclusive, trainedOn: 0, lossCurve: [],
    weights: Float32Array.from([1, 0, 0, /* concept 1: */ 0, 2, -1]),
    mean: new Float32Array(2), scale: Float32Array.from([1, 1]),
  });

  it('computes sigmoids per concept for one-vs-rest', () => {
    const p = predict(hand(false), Float32Array.from([1, 1]), 1);
    assert.ok(Math.abs(p[0]! - 1 / (1 + Math.exp(-1))) < 1e-6);
    assert.ok(Math.abs(p[1]! - 1 / (1 + Math.exp(-1))) < 1e-6);
  });

  it('computes a softmax for mutually exclusive concepts', () => {
    const p = predict(hand(true), Float32Array.from([3, 0]), 1); // logits 3 and -1
    const e = Math.exp(3) + Math.exp(-1);
    assert.ok(Math.abs(p[0]! - Math.exp(3) / e) < 1e-6);
    assert.ok(Math.abs(p[0]! + p[1]! - 1) < 1e-6);
  });

  it('applies the stored standardisation', () => {
    const m = { ...hand(false), mean: Float32Array.from([10, 0]), scale: Float32Array.from([2, 1]) };
    const p = predict(m, Float32Array.from([12, 0]), 1); // (12 − 10) / 2 = 1 → sigmoid(1)
    assert.ok(Math.abs(p[0]! - 1 / (1 + Math.exp(-1))) < 1e-6);
  });

  it('handles many rows, in blocks, and no rows', () => {
    const model = train(trainData, { k: 4, mutuallyExclusive: true, epochs: 1 });
    const all = predict(model, data.x, data.n);
    assert.equal(all.length, 500 * 4);
    const one = predict(model, data.x.subarray(499 * 24), 1);
    assert.deepEqual(one, all.subarray(499 * 4));
    assert.equal(predict(model, new Float32Array(0), 0).length, 0);
    assert.throws(() => predict(model, new Float32Array(10), 1), RangeError);
  });
});
