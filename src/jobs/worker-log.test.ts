import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { capturedLogger } from '../../test/helpers/observe.js';
import { FakeTrainingData, labelledTexts, ownerContext, SENTIMENT, storeWithApp, testPlugins, trainingWorker } from '../../test/helpers/training.js';
import type { App, ModelVersion } from '../domain/entities.js';
import { TRAIN_JOB } from '../domain/job-kinds.js';
import { Code } from '../domain/status-codes.js';
import type { Store } from '../ports/store.js';
import { versionRpcs } from '../service/rpc/model-versions.service.js';
import { modelRpcs } from '../service/rpc/models.service.js';

// Issue 13 item 1: the worker's lines for a job taken over from a dead worker, and for a job it
// hands back when stopped — each with the req_id of the request that queued the job.

let store: Store;
let app: App;
let n = 0;
before(async () => {
  ({ store, app } = await storeWithApp());
});
after(async () => store?.close());

async function queued(): Promise<ModelVersion> {
  const { types } = testPlugins(store, new FakeTrainingData());
  const modelId = `m${++n}`;
  const ctx = { ...ownerContext(app), reqId: `req-${n}` };
  await modelRpcs(store, types).PostModels!.handle(ctx, { model: { id: modelId, model_type_id: 'text-classifier' } });
  const res = await versionRpcs(store, types).PostModelVersions!.handle(ctx, {
    model_id: modelId,
    model_versions: [
      { output_info: { data: { concepts: [{ id: 'positive' }, { id: 'negative' }] } }, train_info: { params: { template: 'modelkeep_text_logreg', seed: 7 } } },
    ],
  });
  const id = (res.model as { model_version: { id: string } }).model_version.id;
  const model = (await store.models.get('u1', 'a1', modelId))!;
  return (await store.versions.get(model.pk, id))!;
}

async function until(pk: string, done: (v: ModelVersion) => boolean): Promise<ModelVersion> {
  const end = Date.now() + 30_000;
  for (;;) {
    const v = await store.versions.getByPk(pk);
    if (v && done(v)) return v;
    if (Date.now() > end) throw new Error(`version ${pk} stuck at ${JSON.stringify(v?.status)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a job retaken after a lost lease says so, naming the worker that lost it', async () => {
  const data = new FakeTrainingData();
  data.examples = await labelledTexts(SENTIMENT);
  const v = await queued();
  const now = Date.now();
  assert.equal((await store.jobs.claim('dead-worker', [TRAIN_JOB], now + 200, now))?.versionPk, v.pk);
  const { log, lines } = capturedLogger('info');
  const w = trainingWorker(store, data, { log });
  w.start();
  try {
    assert.equal((await until(v.pk, (x) => x.status.code === Code.MODEL_TRAINED)).status.code, Code.MODEL_TRAINED);
  } finally {
    await w.stop();
  }
  const retaken = lines.filter((l) => l.msg === 'job retaken after a lost lease');
  assert.equal(retaken.length, 1, JSON.stringify(lines));
  assert.equal(retaken[0]!.previous_worker, 'dead-worker');
  assert.equal(retaken[0]!.attempt, 2);
  assert.equal(retaken[0]!.worker, w.id);
  assert.equal(retaken[0]!.req_id, `req-${n}`);
  assert.equal(retaken[0]!.level, 40);
  assert.equal(lines.filter((l) => l.msg === 'job claimed').length, 0, 'a retake is not logged as a plain claim');
  assert.equal(lines.find((l) => l.msg === 'job succeeded')?.req_id, `req-${n}`);
});

test('stopping a worker mid-job hands the job back, and the line says so', async () => {
  const data = new FakeTrainingData();
  data.examples = await labelledTexts(SENTIMENT);
  data.hold();
  const v = await queued();
  const { log, lines } = capturedLogger('info');
  const w = trainingWorker(store, data, { log });
  w.start();
  await until(v.pk, (x) => x.status.code === Code.MODEL_TRAINING);
  const stopping = w.stop();
  data.release();
  await stopping;
  const [job] = await store.jobs.getForVersion(v.pk);
  assert.equal(job!.state, 'queued');
  const back = lines.filter((l) => l.msg === 'job handed back to the queue');
  assert.equal(back.length, 1, JSON.stringify(lines));
  assert.equal(back[0]!.job, job!.id);
  assert.equal(back[0]!.req_id, `req-${n}`);
  assert.equal(lines.find((l) => l.msg === 'job claimed')?.attempt, 1);
});
