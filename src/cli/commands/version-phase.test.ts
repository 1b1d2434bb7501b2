import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTerminal, latestEpoch, stateText, statusLoss, trainedSummary, trainingPhase } from './version-phase.js';

describe('version phase', () => {
  it('maps every training status to a phase', () => {
    const table: [number, string, boolean][] = [
      [21103, 'queued', false],
      [21101, 'training', false],
      [21107, 'building', false],
      [21108, 'failed', true],
      [21100, 'trained', true],
      [21102, 'untrained', true],
      [21117, 'failed', true],
      [21106, 'failed', true],
      [21113, 'failed', true],
    ];
    for (const [code, phase, terminal] of table) {
      assert.equal(trainingPhase({ code }), phase, String(code));
      assert.equal(isTerminal(trainingPhase({ code })), terminal, String(code));
    }
  });

  it('names the state for tables', () => {
    assert.deepEqual([{ code: 21100 }, { code: 21101, percent_completed: 40 }, { code: 21103 }, { code: 21117 }, undefined].map(stateText), [
      'trained',
      'training 40%',
      'queued',
      'failed 21117',
      '',
    ]);
  });

  it('reads the newest epoch line of a log', () => {
    const lines = [
      '2026-01-01T00:00:00.000Z training softmax head',
      '2026-01-01T00:00:01.000Z epoch 10/50 loss 0.500000',
      '2026-01-01T00:00:02.000Z epoch 20/50 loss 0.250000',
      'done',
    ];
    assert.deepEqual(latestEpoch(lines), { epoch: 20, of: 50, loss: 0.25 });
    assert.equal(latestEpoch(['nothing here']), undefined);
  });

  it('reads the loss of a training status, sentence full stop and all', () => {
    assert.equal(statusLoss('Training: 40% done, loss 0.1234.'), 0.1234);
    assert.equal(statusLoss('Training: 1% done, loss 1.5e-3.'), 0.0015);
    assert.equal(statusLoss('Training started.'), undefined);
  });

  it('summarises a finished training with duration and inputs', () => {
    const v = { id: 'v1', status: { code: 21100 }, created_at: '2026-01-01T00:00:00.000Z', completed_at: '2026-01-01T00:00:03.250Z', total_input_count: 40 };
    assert.equal(trainedSummary('pets', v), 'version v1 of pets is trained in 3.3 s on 40 inputs');
    assert.equal(trainedSummary('pets', { id: 'v2', status: { code: 21100 }, total_input_count: 1 }), 'version v2 of pets is trained on 1 input');
  });
});
