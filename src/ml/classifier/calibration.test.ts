import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brierScore, expectedCalibrationError, saturatedScores } from './calibration.js';

describe('calibration figures', () => {
  const cases: { name: string; p: number[]; y: number[]; k: number; brier: number; ece: number }[] = [
    { name: 'perfect and certain', p: [1, 0, 0, 1], y: [0, 1], k: 2, brier: 0, ece: 0 },
    { name: 'certain and wrong', p: [1, 0, 0, 1], y: [1, 0], k: 2, brier: 2, ece: 1 },
    // Both rows in bin 0.7: confidence 0.75, accuracy 0.5 → ECE 0.25; Brier ((0.25² + 0.25²) + (0.25² + 0.25²)) / 2 … second row wrong: (0.75² + 0.75²)
    { name: 'over-confident half the time', p: [0.75, 0.25, 0.75, 0.25], y: [0, 1], k: 2, brier: (0.125 + 1.125) / 2, ece: 0.25 },
    // Confidence 0.6 and 0.9 in different bins, both right: |1 − 0.6| / 2 + |1 − 0.9| / 2
    { name: 'under-confident, two bins', p: [0.6, 0.4, 0.1, 0.9], y: [0, 1], k: 2, brier: (0.32 + 0.02) / 2, ece: 0.25 },
    // Three classes: top 0.5 right, top 0.4 wrong (tie-free); bins 5 and 4.
    {
      name: 'three classes',
      p: [0.5, 0.3, 0.2, 0.4, 0.35, 0.25],
      y: [0, 1],
      k: 3,
      brier: (0.25 + 0.09 + 0.04 + (0.16 + 0.4225 + 0.0625)) / 2,
      ece: (0.5 + 0.4) / 2,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.ok(Math.abs(brierScore(c.p, c.y, c.k) - c.brier) < 1e-12, `brier ${brierScore(c.p, c.y, c.k)}`);
      assert.ok(Math.abs(expectedCalibrationError(c.p, c.y, c.k) - c.ece) < 1e-12, `ece ${expectedCalibrationError(c.p, c.y, c.k)}`);
    });
  }

  it('puts a score of exactly 1 in the top bin, and is NaN without rows', () => {
    assert.equal(expectedCalibrationError([1, 0], [0], 2), 0);
    assert.ok(Number.isNaN(brierScore([], [], 2)) && Number.isNaN(expectedCalibrationError([], [], 2)));
  });

  it('counts saturated scores', () => {
    assert.equal(saturatedScores(Float32Array.from([0, 1, 0.5, 1e-8, 1 - 2 ** -24])), 2);
  });
});
