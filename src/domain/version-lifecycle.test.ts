import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Outcome, Stopped } from './outcome.js';
import { Code } from './status-codes.js';
import {
  EVALUATION_EVENTS,
  EVALUATION_QUEUED,
  evaluationFailureCode,
  initialStatus,
  isEvaluable,
  isInFlight,
  isPredictable,
  type JobEvent,
  TRAINING_EVENTS,
} from './version-lifecycle.js';

describe('initial status per model type', () => {
  const table: Array<[string, { trainable: boolean }, number, boolean]> = [
    ['a trainable type waits in the queue', { trainable: true }, Code.MODEL_QUEUED_FOR_TRAINING, false],
    ['an operator is trained at once', { trainable: false }, Code.MODEL_TRAINED, true],
  ];
  for (const [what, type, code, completed] of table) it(what, () => assert.deepEqual(initialStatus(type), { code, completed }));
});

describe('job events -> status', () => {
  const table: Array<[JobEvent, unknown, unknown]> = [
    ['started', Code.MODEL_TRAINING, Code.MODEL_EVALUATING],
    ['progress', Code.MODEL_TRAINING, Code.MODEL_EVALUATING],
    ['succeeded', Code.MODEL_TRAINED, Code.MODEL_EVALUATED],
    ['failed', 'outcome', 'outcome'],
    ['cancelled', 'keep', 'keep'],
    ['handed back', 'keep', 'keep'],
    ['lost', 'keep', 'keep'],
  ];
  for (const [event, training, evaluation] of table) {
    it(`${event}: training ${String(training)}, evaluation ${String(evaluation)}`, () => {
      assert.equal(TRAINING_EVENTS[event], training);
      assert.equal(EVALUATION_EVENTS[event], evaluation);
    });
  }
  it('every event has a row (no event is forgotten)', () => {
    assert.deepEqual(Object.keys(TRAINING_EVENTS).sort(), table.map((r) => r[0]).sort());
    assert.deepEqual(Object.keys(EVALUATION_EVENTS).sort(), table.map((r) => r[0]).sort());
  });
  it('an evaluation is queued as 21303', () => assert.equal(EVALUATION_QUEUED, Code.MODEL_QUEUED_FOR_EVALUATION));
  const failures: Array<[number, number]> = [
    [Code.MODEL_EVALUATION_NEED_LABELS, Code.MODEL_EVALUATION_NEED_LABELS],
    [Code.MODEL_EVALUATION_TIMED_OUT, Code.MODEL_EVALUATION_TIMED_OUT],
    [Code.MODEL_TRAINING_FAILED, Code.MODEL_EVALUATION_FAILED],
  ];
  for (const [given, stored] of failures) it(`an evaluation failing with ${given} stores ${stored}`, () => assert.equal(evaluationFailureCode(given), stored));
});

describe('what each status allows', () => {
  const table: Array<[number, boolean, boolean, boolean]> = [
    // code, in flight, predictable, evaluable
    [Code.MODEL_QUEUED_FOR_TRAINING, true, false, false],
    [Code.MODEL_TRAINING, true, false, false],
    [Code.MODEL_TRAINED, false, true, true],
    [Code.MODEL_UNTRAINED, false, false, false],
    [Code.MODEL_TRAINING_FAILED, false, false, false],
    [Code.MODEL_TRAINING_INSUFFICIENT_DATA, false, false, false],
  ];
  for (const [code, inFlight, predictable, evaluable] of table) {
    it(`${code}`, () => {
      assert.equal(isInFlight(code), inFlight);
      assert.equal(isPredictable(code), predictable);
      assert.equal(isEvaluable(code), evaluable);
    });
  }
});

describe('Outcome and Stopped', () => {
  it('an Outcome carries code, details and whether to retry', () => {
    const o = new Outcome(Code.MODEL_TRAINING_NO_POSITIVES, 'add positives');
    assert.deepEqual([o.code, o.details, o.retryable, o.message], [Code.MODEL_TRAINING_NO_POSITIVES, 'add positives', false, 'add positives']);
    assert.equal(new Outcome(Code.MODEL_TRAINING_FAILED, 'x', true).retryable, true);
  });
  it('Stopped is cancelled unless it says timeout', () => {
    assert.deepEqual([new Stopped().reason, new Stopped().timedOut], ['cancelled', false]);
    assert.equal(new Stopped(Stopped.TIMEOUT).timedOut, true);
    assert.ok(!(new Stopped() instanceof Outcome));
  });
});
