import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateBenchData, oneHot } from './bench-data.js';
import { deserializeModel, type LinearModel, PSEUDO, predict, serializeModel } from './model.js';
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
      assert.deepEqual(
        back.lossCurve.map((p) => p.epoch),
        [1, 2, 3],
      );
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
  // A hand-made model: 2 features, 2 concepts, identity standardisation; trained on so many rows
  // that the evidence bound (ADR 0024) moves no score by more than 1e-9.
  const hand = (mutuallyExclusive: boolean): LinearModel => ({
    k: 2,
    d: 2,
    mutuallyExclusive,
    trainedOn: 1e9,
    lossCurve: [],
    weights: Float32Array.from([1, 0, 0, /* concept 1: */ 0, 2, -1]),
    mean: new Float32Array(2),
    scale: Float32Array.from([1, 1]),
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

describe('predict: scores are bounded by the evidence (ADR 0024)', () => {
  // Inputs unlike every training example: far outside the training range along the directions the
  // model relies on most, where an unbounded linear model answers 1 vs 1e-17.
  function farInputs(model: LinearModel, count: number): Float32Array {
    const x = new Float32Array(count * model.d);
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < model.d; j++) {
        const w = model.weights[(i % model.k) * (model.d + 1) + j]!;
        x[i * model.d + j] = model.mean[j]! + Math.sign(w) * model.scale[j]! * 1e4 * (i + 1);
      }
    }
    return x;
  }

  for (const mutuallyExclusive of [true, false]) {
    it(`never answers exactly 1 or 0 (${mutuallyExclusive ? 'softmax' : 'one-vs-rest'}), and stays within the evidence of n rows`, () => {
      const model = train(trainData, { k: 4, mutuallyExclusive, epochs: 50 });
      const p = predict(model, farInputs(model, 8), 8);
      const n = model.trainedOn,
        prior = PSEUDO / (mutuallyExclusive ? 4 : 2);
      for (const v of p) {
        assert.ok(v > 0 && v < 1, `score ${v}`);
        assert.ok(v >= Math.fround(prior / (n + PSEUDO)) && v <= Math.fround((n + prior) / (n + PSEUDO)), `score ${v} outside the bound`);
      }
      // …while the extreme inputs are still scored decisively (the bound only removes the last digits).
      assert.ok(Math.max(...p) > 0.99);
    });
  }

  it('keeps softmax rows summing to 1', () => {
    const model = train(trainData, { k: 4, mutuallyExclusive: true, epochs: 50 });
    const p = predict(model, data.x, data.n);
    for (let i = 0; i < data.n; i++) {
      let s = 0;
      for (let c = 0; c < 4; c++) s += p[i * 4 + c]!;
      assert.ok(Math.abs(s - 1) < 1e-5);
    }
  });
});
