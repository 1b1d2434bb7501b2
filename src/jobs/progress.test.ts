import assert from 'node:assert/strict';
import { it } from 'node:test';
import { percentOf, progressStep } from './progress.js';

it('progressStep: one log line per 10% crossed, never for 100% nor backwards', () => {
  const table: [number, number, number | undefined][] = [
    [0, 0.05, undefined],
    [0, 0.1, 1],
    [0, 0.37, 3],
    [3, 0.39, undefined],
    [3, 0.4, 4],
    [4, 0.2, undefined],
    [9, 0.999, undefined],
    [5, 1, undefined],
    [0, 1.5, undefined],
    [0, -1, undefined],
  ];
  for (const [last, fraction, want] of table) assert.equal(progressStep(last, fraction), want, `${last} ${fraction}`);
});

it('percentOf stays within 5–95', () => {
  assert.deepEqual([percentOf(0), percentOf(0.5), percentOf(1)], [5, 50, 95]);
});
