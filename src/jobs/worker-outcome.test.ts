import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { FakeTrainingData, ownerContext, storeWithApp, testPlugins } from '../../test/helpers/training.js';
import type { App } from '../domain/entities.js';
import { TRAIN_JOB } from '../domain/job-kinds.js';
import { Outcome, Stopped } from '../domain/outcome.js';
import { Code } from '../domain/status-codes.js';
import { TRAINING_EVENTS } from '../domain/version-lifecycle.js';
import { systemClock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { versionRpcs } from '../service/rpc/model-versions.service.js';
import { modelRpcs } from '../service/rpc/models.service.js';
import type { JobHandler } from './types.js';
import { Worker } from './worker.js';

let store: Store;
let app: App;
let n = 0;
before(async () => {
  ({ store, app } = await storeWithApp());
});
after(async () => store?.close());

/** A queued text-classifier version (its job is in the queue); returns its pk. */
async function queuedVersion(): Promise<string> {
  const { types } = testPlugins(store, new FakeTrainingData());
  const modelId = `w${++n}`;
  await modelRpcs(store, types).PostModels.handle(ownerContext(app), { model: { id: modelId, model_type_id: 'text-classifier' } });
  const res = await versionRpcs(store, types).PostModelVersions.handle(ownerContext(app), {
    model_id: modelId,
    model_versions: [{ output_info: { data: { concepts: [{ id: 'a' }, { id: 'b' }] } }, train_info: { params: { template: 'modelkeep_text_logreg' } } }],
  });
  const model = (await store.models.get('u1', 'a1', modelId))!;
  const id = (res.model as { model_version: { id: string } }).model_version.id;
  return (await store.versions.get(model.pk, id))!.pk;
}

/** A training handler whose attempts throw what `attempt` says, then succeed; records each attempt. */
function scripted(attempt: (n: number) => Error | undefined, seen: number[]): JobHandler {
  return {
    kind: TRAIN_JOB,
    async run(ctx) {
      seen.push(ctx.job.attempts);
      const e = attempt(ctx.job.attempts);
      if (e) throw e;
      await ctx.commit('succeeded', '', (tx) =>
        tx.versions.updateTraining(ctx.job.versionPk, { status: { code: TRAINING_EVENTS.succeeded, details: '', percentCompleted: 0 } }).then(() => undefined),
      );
    },
    async recordFailure(tx, job, code, details) {
      await tx.versions.updateTraining(job.versionPk, { status: { code, details, percentCompleted: 0 } });
    },
  };
}

async function runUntilSettled(handler: JobHandler, pk: string): Promise<number> {
  const w = new Worker(store, [handler], systemClock, pino({ level: 'silent' }), { leaseMs: 5_000, pollMs: 10, concurrency: 1, maxAttempts: 3 });
  w.start();
  try {
    const end = Date.now() + 10_000;
    for (;;) {
      const v = (await store.versions.getByPk(pk))!;
      if (v.status.code !== Code.MODEL_QUEUED_FOR_TRAINING) return v.status.code;
      if (Date.now() > end) throw new Error('job never settled');
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await w.stop();
  }
}

describe('the worker and the one Outcome', () => {
  test('an Outcome ends the job at once with its own code (no retry)', async () => {
    const seen: number[] = [];
    const pk = await queuedVersion();
    const code = await runUntilSettled(
      scripted(() => new Outcome(Code.MODEL_TRAINING_NO_POSITIVES, 'add positives'), seen),
      pk,
    );
    assert.equal(code, Code.MODEL_TRAINING_NO_POSITIVES);
    assert.deepEqual(seen, [1]);
  });
  test('a retryable Outcome runs the job again instead of ending it', async () => {
    const seen: number[] = [];
    const pk = await queuedVersion();
    const code = await runUntilSettled(
      scripted((a) => (a === 1 ? new Outcome(Code.MODEL_TRAINING_FAILED, 'flaky', true) : undefined), seen),
      pk,
    );
    assert.equal(code, Code.MODEL_TRAINED);
    assert.deepEqual(seen, [1, 2]);
  });
  test('Stopped writes nothing', async () => {
    const seen: number[] = [];
    const pk = await queuedVersion();
    const w = new Worker(store, [scripted(() => new Stopped('taken over'), seen)], systemClock, pino({ level: 'silent' }), {
      leaseMs: 5_000,
      pollMs: 10,
      concurrency: 1,
      maxAttempts: 3,
    });
    w.start();
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 10));
    await w.stop();
    assert.equal((await store.versions.getByPk(pk))!.status.code, Code.MODEL_QUEUED_FOR_TRAINING);
  });
});
