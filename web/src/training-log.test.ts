import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lossCurve, splitLogLine } from './training-log.js';

it('splitLogLine separates the time from the message', () => {
  assert.deepEqual(splitLogLine('2026-12-02T14:57:40.256Z attempt 1: started'), { time: '2026-12-02T14:57:40.256Z', text: 'attempt 1: started' });
  assert.deepEqual(splitLogLine('no time here'), { time: '', text: 'no time here' });
});

it('lossCurve reads epoch/loss lines in epoch order and ignores the rest', () => {
  const c = lossCurve([
    '2026-12-02T14:57:40.756Z epoch 21/1000 loss 0.035856',
    'x data: 8 inputs',
    'x epoch 1/1000 loss 0.693148',
    'x epoch 41/1000 loss 1.5e-3',
  ]);
  assert.deepEqual(c, { epochs: [1, 21, 41], losses: [0.693148, 0.035856, 0.0015] });
});
