import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelCoverage, validateTrainingData } from './validate.js';

const U = NaN; // not labelled
const ex = { k: 3, mutuallyExclusive: true };
const ovr = { k: 3, mutuallyExclusive: false };

describe('validateTrainingData', () => {
  it('accepts a usable set', () => {
    assert.equal(validateTrainingData(Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), 3, ex), null);
    assert.equal(validateTrainingData(Float32Array.from([1, 0, 1, 0, 1, 0, 1, 1, 0]), 3, ovr), null);
  });

  it('no-data: no rows, or no row with a known label', () => {
    assert.equal(validateTrainingData(new Uint8Array(0), 0, ex)?.kind, 'no-data');
    assert.equal(validateTrainingData(Float32Array.from([U, -1, U, U, U, U]), 2, ovr)?.kind, 'no-data');
    assert.equal(validateTrainingData(Uint8Array.from([255, 255, 255]), 1, ovr)?.kind, 'no-data');
  });

  it('single-class-exclusive: mutually exclusive with one concept', () => {
    assert.equal(validateTrainingData(Uint8Array.from([1, 1, 1]), 3, { k: 1, mutuallyExclusive: true })?.kind, 'single-class-exclusive');
    assert.equal(validateTrainingData(Uint8Array.from([1, 0, 1]), 3, { k: 1, mutuallyExclusive: false }), null);
  });

  it('missing-positives lists every concept without a positive, by name when given', () => {
    const p = validateTrainingData(Float32Array.from([1, 0, 0, 1, 0, U]), 2, { ...ex, conceptNames: ['cat', 'dog', 'owl'] });
    assert.deepEqual(p, { kind: 'missing-positives', concepts: [1, 2], message: 'no positive examples for concept(s): dog, owl' });
  });

  it('missing positives are not a problem when failOnMissingPositives is false', () => {
    assert.equal(validateTrainingData(Float32Array.from([1, 0, 0, 0, 1, 0]), 2, { ...ex, failOnMissingPositives: false }), null);
  });

  it('trains on what Clarifai trains on: one labelled input, positives of one concept, a concept without negatives', () => {
    assert.equal(validateTrainingData(Float32Array.from([1, 1, 0]), 1, { ...ovr, failOnMissingPositives: false }), null);
    assert.equal(validateTrainingData(Float32Array.from([1, 0, 0, 1, 0, 0]), 2, { ...ex, failOnMissingPositives: false }), null);
    assert.equal(validateTrainingData(Float32Array.from([1, 1]), 2, { k: 1, mutuallyExclusive: false }), null);
    assert.equal(validateTrainingData(Float32Array.from([0, U, U]), 1, { ...ovr, failOnMissingPositives: false }), null);
  });

  it('labelCoverage counts positives and negatives per concept and the rows carrying them', () => {
    assert.deepEqual(labelCoverage(Float32Array.from([1, 0, U, U, 0, U, U, U, U]), 3, 3), {
      positives: [1, 0, 0],
      negatives: [0, 2, 0],
      labelledRows: 2,
      positiveRows: 1,
    });
  });

  it('checks in order: no-data, single-class, missing-positives', () => {
    assert.equal(validateTrainingData(new Uint8Array(0), 0, { k: 1, mutuallyExclusive: true })?.kind, 'no-data');
    assert.equal(validateTrainingData(Uint8Array.from([0]), 1, { k: 1, mutuallyExclusive: true })?.kind, 'single-class-exclusive');
    assert.equal(validateTrainingData(Uint8Array.from([0, 1]), 1, { k: 2, mutuallyExclusive: false })?.kind, 'missing-positives');
  });
});
