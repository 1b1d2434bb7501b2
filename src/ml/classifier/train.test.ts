import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { Stopped } from '../../domain/outcome.js';
import { generateBenchData, oneHot } from './bench-data.js';
import { type LinearModel, predict } from './model.js';
import { createRng } from './rng.js';
import { type TrainData, train, trainAsync } from './train.js';

/** Linearly separable: class = which of k fixed directions has the largest projection, with a margin. */
function separable(n: number, d: number, k: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.int(k);
    y[i] = c;
    for (let j = 0; j < d; j++) x[i * d + j] = rng.normal() * 0.5 + 3; // offset: tests standardisation
    x[i * d + c] = x[i * d + c]! + 3; // feature c carries class c, well clear of the noise
  }
  return { x, y };
}

function accuracy(model: LinearModel, x: Float32Array, y: Int32Array): number {
  const k = model.k;
  const p = predict(model, x, y.length);
  let ok = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c;
    if (best === y[i]) ok++;
  }
  return ok / y.length;
}

const FINGERPRINT = '1fa60e849a1b6a643005da0b24ba46ea0fca0029218663cdccfb3e14fb449c76';

const blobs = generateBenchData({ n: 3000, d: 64, k: 10, latent: 8, separation: 1.2, noise: 1, seed: 7 });
const blobTrain: TrainData = {
  x: blobs.x.subarray(0, blobs.trainCount * blobs.d),
  n: blobs.trainCount,
  d: blobs.d,
  labels: oneHot(blobs.y.subarray(0, blobs.trainCount), blobs.k),
};
const blobTest = { x: blobs.x.subarray(blobs.trainCount * blobs.d), y: blobs.y.subarray(blobs.trainCount) };

describe('train: softmax', () => {
  it('separates linearly separable data perfectly, train and held out', () => {
    const tr = separable(300, 16, 3, 1),
      te = separable(300, 16, 3, 2);
    const model = train({ x: tr.x, n: 300, d: 16, labels: oneHot(tr.y, 3) }, { k: 3, mutuallyExclusive: true });
    assert.equal(accuracy(model, tr.x, tr.y), 1);
    assert.equal(accuracy(model, te.x, te.y), 1);
    assert.equal(model.trainedOn, 300);
  });

  it('reaches high held-out accuracy on noisy 10-class Gaussian blobs', () => {
    const model = train(blobTrain, { k: 10, mutuallyExclusive: true, seed: 3 });
    const acc = accuracy(model, blobTest.x, blobTest.y);
    assert.ok(acc >= 0.85, `held-out accuracy ${acc}`);
    const curve = model.lossCurve;
    assert.ok(curve.length >= 4 && curve[curve.length - 1]!.loss < curve[0]!.loss, 'loss goes down');
  });

  it('is deterministic: the same set gives the same weights bit for bit, whatever the seed', () => {
    const opts = { k: 10, mutuallyExclusive: true, epochs: 5 };
    const a = train(blobTrain, { ...opts, seed: 11 }),
      b = train(blobTrain, { ...opts, seed: 11 }),
      c = train(blobTrain, { ...opts, seed: 12 });
    assert.deepEqual(a.weights, b.weights);
    assert.deepEqual(a.lossCurve, b.lossCurve);
    assert.deepEqual(a.weights, c.weights); // full-batch L-BFGS uses no randomness (ADR 0023)
  });

  it('gives the same weights on every machine (fingerprint of a fixed run)', () => {
    // Only IEEE-exact operations in a fixed order (WebAssembly SIMD without relaxed FMA, doubles in
    // JS, V8's own exp/log): a different CPU, OS or core count must not change a bit. If this fails
    // after a deliberate change to the trainer, update the fingerprint and say so in the ADR.
    const model = train(blobTrain, { k: 10, mutuallyExclusive: true, epochs: 20 });
    const digest = createHash('sha256')
      .update(new Uint8Array(model.weights.buffer, model.weights.byteOffset, model.weights.byteLength))
      .digest('hex');
    assert.equal(digest, FINGERPRINT);
  });

  it('trainAsync gives the same model as train and reports progress up to 1', async () => {
    const fractions: number[] = [];
    const opts = { k: 10, mutuallyExclusive: true, epochs: 3, onProgress: (f: number) => void fractions.push(f) };
    const sync = train(blobTrain, { ...opts, onProgress: undefined });
    const asyncModel = await trainAsync(blobTrain, opts, 0);
    assert.deepEqual(asyncModel.weights, sync.weights);
    assert.equal(fractions[fractions.length - 1], 1);
    assert.ok(fractions.every((f, i) => f > 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]!)));
  });

  it('produces probabilities that sum to 1 per row', () => {
    const model = train(blobTrain, { k: 10, mutuallyExclusive: true, epochs: 1 });
    const p = predict(model, blobTest.x, blobTest.y.length);
    for (let i = 0; i < blobTest.y.length; i++) {
      let s = 0;
      for (let c = 0; c < 10; c++) s += p[i * 10 + c]!;
      assert.ok(Math.abs(s - 1) < 1e-5, `row ${i} sums to ${s}`);
    }
  });
});

describe('train: one-vs-rest', () => {
  // Concept 0 = "feature 0 is high", concept 1 = "feature 1 is high", independent of each other.
  function multiLabel(n: number, seed: number) {
    const rng = createRng(seed);
    const d = 8;
    const x = new Float32Array(n * d);
    const truth = new Uint8Array(n * 2);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) x[i * d + j] = rng.normal();
      for (let c = 0; c < 2; c++) {
        truth[i * 2 + c] = rng.next() < 0.5 ? 1 : 0;
        x[i * d + c] = x[i * d + c]! + (truth[i * 2 + c] === 1 ? 2.5 : -2.5);
      }
    }
    return { x, d, truth };
  }

  it('ignores unknown labels (NaN, -1) instead of treating them as negatives', () => {
    const n = 600;
    const { x, d, truth } = multiLabel(n, 5);
    const labels = Float32Array.from(truth);
    // Hide concept 0 on most of its positives: read as negatives they would wreck concept 0.
    let hidden = 0;
    for (let i = 0; i < n; i++) {
      if (truth[i * 2] === 1 && i % 5 !== 0) labels[i * 2] = hidden++ % 2 === 0 ? NaN : -1;
    }
    const model = train({ x, n, d, labels }, { k: 2, mutuallyExclusive: false });
    const test = multiLabel(400, 6);
    const p = predict(model, test.x, 400);
    let ok = 0;
    for (let i = 0; i < 400; i++) for (let c = 0; c < 2; c++) if ((p[i * 2 + c]! >= 0.5 ? 1 : 0) === test.truth[i * 2 + c]) ok++;
    assert.ok(ok / 800 >= 0.97, `per-concept accuracy ${ok / 800}`);
    assert.equal(model.trainedOn, n); // every row still has concept 1 labelled
  });

  it('skips rows with no known label at all, bit for bit (Uint8Array, 255 = unknown)', () => {
    const { x, d, truth } = multiLabel(200, 8);
    const base = train({ x, n: 200, d, labels: truth }, { k: 2, mutuallyExclusive: false, epochs: 3 });
    const extra = multiLabel(50, 9);
    const x2 = new Float32Array(250 * d);
    x2.set(x);
    x2.set(extra.x, 200 * d);
    const labels2 = new Uint8Array(250 * 2).fill(255);
    labels2.set(truth);
    const padded = train({ x: x2, n: 250, d, labels: labels2 }, { k: 2, mutuallyExclusive: false, epochs: 3 });
    assert.equal(padded.trainedOn, 200);
    assert.deepEqual(padded.weights, base.weights);
  });

  it('gives independent per-concept probabilities in [0, 1]', () => {
    const { x, d, truth } = multiLabel(200, 10);
    const model = train({ x, n: 200, d, labels: truth }, { k: 2, mutuallyExclusive: false });
    const p = predict(model, x, 200);
    assert.ok(p.every((v) => v >= 0 && v <= 1));
    assert.ok(
      p.some((_, i) => i % 2 === 0 && p[i]! > 0.5 && p[i + 1]! > 0.5),
      'both concepts can be on at once',
    );
  });
});

describe('train: stopping', () => {
  it('stops early when shouldStop returns true', () => {
    let calls = 0;
    assert.throws(
      () => train(blobTrain, { k: 10, mutuallyExclusive: true, epochs: 50, shouldStop: () => ++calls >= 3 }),
      (err: unknown) => err instanceof Stopped && err.reason === 'cancelled',
    );
    assert.equal(calls, 3);
  });

  it('stops with reason timeout when the budget runs out, or when none is left at the start', async () => {
    // 2,400 rows × 10 concepts need many passes, each well over 1 ms.
    for (const timeoutMs of [1, 0, -5]) {
      await assert.rejects(
        trainAsync(blobTrain, { k: 10, mutuallyExclusive: true, epochs: 1000, timeoutMs }),
        (err: unknown) => err instanceof Stopped && err.reason === 'timeout',
      );
    }
  });

  it('reports progress that never goes back, ending at 1', () => {
    const fractions: number[] = [];
    train(blobTrain, { k: 10, mutuallyExclusive: true, onProgress: (f) => void fractions.push(f) });
    assert.ok(fractions.length > 3);
    assert.ok(
      fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!),
      fractions.join(','),
    );
    assert.equal(fractions[fractions.length - 1], 1);
    assert.ok(fractions.slice(0, -1).every((f) => f < 1));
  });

  it('stops once converged, before the iteration cap, and never runs past the cap', () => {
    const tr = separable(300, 16, 3, 1);
    const data = { x: tr.x, n: 300, d: 16, labels: oneHot(tr.y, 3) };
    const converged = train(data, { k: 3, mutuallyExclusive: true, epochs: 1000 });
    assert.ok(converged.lossCurve.length < 1000, `ran ${converged.lossCurve.length} iterations`);
    assert.equal(train(data, { k: 3, mutuallyExclusive: true, epochs: 3 }).lossCurve.length, 3);
  });

  it('rejects inconsistent shapes', () => {
    assert.throws(() => train({ ...blobTrain, n: blobTrain.n + 1 }, { k: 10, mutuallyExclusive: true }), RangeError);
  });
});
