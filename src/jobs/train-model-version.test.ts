import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeTrainingData, labelledTexts, ownerContext, SENTIMENT, storeWithApp, testPlugins, trainingWorker } from '../../test/helpers/training.js';
import type { App, ModelVersion } from '../domain/entities.js';
import { TRAIN_JOB } from '../domain/job-kinds.js';
import { Code } from '../domain/status-codes.js';
import { createRng } from '../ml/classifier/rng.js';
import type { Store } from '../ports/store.js';
import type { LabelledExample } from '../ports/training-data.js';
import { versionRpcs } from '../service/rpc/model-versions.service.js';
import { modelRpcs } from '../service/rpc/models.service.js';
import type { Worker } from './worker.js';

/**
 * n text-embedding-sized vectors labelled by a noisy linear rule: the solver needs many passes over
 * a set this size (ADR 0023), so a training lasts long enough for progress to be seen moving.
 */
function noisyVectors(n: number, seed: number, dim = 2048): LabelledExample[] {
  const rng = createRng(seed);
  const u = Float32Array.from({ length: dim }, () => rng.normal());
  return Array.from({ length: n }, (_, i) => {
    const vector = Float32Array.from({ length: dim }, () => rng.normal());
    let s = 0;
    for (let j = 0; j < dim; j++) s += u[j]! * vector[j]!;
    const label = s / Math.sqrt(dim) + rng.normal() > 0 ? 'positive' : 'negative';
    return { inputId: `in${String(i).padStart(5, '0')}`, vector, positives: [label], negatives: [] };
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let store: Store;
let app: App;
let n = 0;

before(async () => {
  ({ store, app } = await storeWithApp());
});
after(async () => store?.close());

/** PostModels + PostModelVersions through the service, as an API call would; returns the queued version. */
async function queued(typeId: string, version: Record<string, unknown>): Promise<ModelVersion> {
  const { types } = testPlugins(store, new FakeTrainingData());
  const modelId = `m${++n}`;
  await modelRpcs(store, types).PostModels!.handle(ownerContext(app), { model: { id: modelId, model_type_id: typeId } });
  const res = await versionRpcs(store, types).PostModelVersions!.handle(ownerContext(app), { model_id: modelId, model_versions: [version] });
  const id = (res.model as { model_version: { id: string } }).model_version.id;
  const model = (await store.models.get('u1', 'a1', modelId))!;
  return (await store.versions.get(model.pk, id))!;
}

const textVersion = (params: Record<string, unknown> = {}, outputConfig: Record<string, unknown> = {}, concepts = ['positive', 'negative']) => ({
  output_info: { data: { concepts: concepts.map((id) => ({ id })) }, output_config: outputConfig },
  train_info: { params: { template: 'modelkeep_text_logreg', seed: 7, ...params } },
});

async function until(pk: string, done: (v: ModelVersion) => boolean, ms = 30_000): Promise<ModelVersion> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await store.versions.getByPk(pk);
    if (v && done(v)) return v;
    if (Date.now() > end) throw new Error(`version ${pk} stuck at ${JSON.stringify(v?.status)}`);
    await sleep(10);
  }
}
const terminal = (v: ModelVersion) => v.status.code !== Code.MODEL_QUEUED_FOR_TRAINING && v.status.code !== Code.MODEL_TRAINING;

async function withWorker<T>(data: FakeTrainingData, fn: (w: Worker) => Promise<T>, opts: Parameters<typeof trainingWorker>[2] = {}): Promise<T> {
  const w = trainingWorker(store, data, opts);
  w.start();
  try {
    return await fn(w);
  } finally {
    await w.stop();
  }
}

describe('train-model-version: success', () => {
  test('21103 → 21101 (percent moving) → 21100 with completed_at, total_input_count, log and artifact', async () => {
    const data = new FakeTrainingData();
    data.examples = noisyVectors(3000, 5);
    const v = await queued('text-classifier', textVersion({ num_epochs: 1000, l2_regularization: 0.0001 }));
    assert.equal(v.status.code, Code.MODEL_QUEUED_FOR_TRAINING);
    data.hold();
    await withWorker(data, async () => {
      const training = await until(v.pk, (x) => x.status.code === Code.MODEL_TRAINING);
      assert.equal(training.status.percentCompleted, 1);
      assert.match(training.trainLog, /attempt 1: training started/);
      data.release();
      const percents = new Set<number>();
      const done = await until(
        v.pk,
        (x) => {
          if (x.status.code === Code.MODEL_TRAINING) percents.add(x.status.percentCompleted);
          return terminal(x);
        },
        120_000,
      );
      assert.equal(done.status.code, Code.MODEL_TRAINED, done.status.details);
      assert.ok(
        [...percents].some((p) => p > 5 && p < 100),
        `percent_completed moved: ${[...percents].join(',')}`,
      );
      assert.equal(done.totalInputCount, 3000);
      assert.ok(done.completedAt && done.completedAt >= done.createdAt);
      assert.match(done.trainLog, /data: 3000 processed inputs/);
      assert.match(done.trainLog, /epoch (\d+)\/\1 loss \d/); // the last iteration's line
      assert.match(done.trainLog, /trained on 3000 inputs/);
      assert.ok(await store.artifacts.get(v.pk), 'artifact stored');
      const [job] = await store.jobs.getForVersion(v.pk);
      assert.equal(job!.state, 'succeeded');
    });
    assert.deepEqual(data.calls[0]?.conceptIds, ['positive', 'negative']);
    assert.equal(data.calls[0]?.embedderId, 'general-text-embedding');
  });

  test('deterministic for a seed: same data and seed give the same weights', async () => {
    const data = new FakeTrainingData();
    data.examples = await labelledTexts(SENTIMENT);
    const a = await queued('text-classifier', textVersion({ seed: 11 }));
    const b = await queued('text-classifier', textVersion({ seed: 11 }));
    data.examples = [...data.examples].reverse(); // order from the data source must not matter
    await withWorker(data, async () => {
      await until(a.pk, terminal);
      await until(b.pk, terminal);
    });
    const [wa, wb] = [await store.artifacts.get(a.pk), await store.artifacts.get(b.pk)];
    assert.ok(wa && wb);
    assert.deepEqual(Buffer.from(wa), Buffer.from(wb));
  });

  test('the trained version predicts the held-out sentiment right', async () => {
    const data = new FakeTrainingData();
    data.examples = await labelledTexts(SENTIMENT);
    const v = await queued('text-classifier', textVersion({}, { concepts_mutually_exclusive: true }));
    await withWorker(data, () => until(v.pk, terminal));
    const { plugins } = testPlugins(store, data);
    const model = (await store.models.get('u1', 'a1', `m${n}`))!;
    const trained = (await store.versions.getByPk(v.pk))!;
    const out = await plugins.get('text-classifier')!.predict({
      model,
      version: trained,
      params: {},
      inputs: [
        { text: 'great product, love it', data: {} },
        { text: 'awful, broke and disappointed', data: {} },
      ],
    });
    const top = out.map((o) => (o.ok ? [...o.data.concepts!].sort((x, y) => y.value - x.value)[0]!.id : 'error'));
    assert.deepEqual(top, ['positive', 'negative']);
    const sum = out[0]!.ok ? out[0]!.data.concepts!.reduce((s, c) => s + c.value, 0) : 0;
    assert.ok(Math.abs(sum - 1) < 1e-5, 'softmax values sum to 1');
  });
});

describe('train-model-version: trains on whatever Clarifai trains on, and says what the data lacks', () => {
  // python-grpc tests/client/test_model_train.py: one concept, positive inputs only, waits for MODEL_TRAINED.
  test('one concept with positives only: 21100, status.details and log name it', async () => {
    const data = new FakeTrainingData();
    data.examples = await labelledTexts({ positive: SENTIMENT.positive.slice(0, 2) });
    const v = await queued('text-classifier', textVersion({}, {}, ['positive']));
    const done = await withWorker(data, () => until(v.pk, terminal));
    assert.equal(done.status.code, Code.MODEL_TRAINED, done.status.details);
    assert.match(done.status.details, /No negative examples for positive: it scores high on every input/);
    assert.match(done.trainLog, /warning: No negative examples for positive/);
    assert.equal(done.totalInputCount, 2);
  });

  test('a concept without positives trains to answer low; details and log name it', async () => {
    const data = new FakeTrainingData();
    data.examples = await labelledTexts(SENTIMENT);
    const v = await queued('text-classifier', textVersion({}, {}, ['positive', 'negative', 'neutral']));
    const done = await withWorker(data, () => until(v.pk, terminal));
    assert.equal(done.status.code, Code.MODEL_TRAINED, done.status.details);
    assert.match(done.status.details, /^No positive examples for neutral: it scores low on every input/);
    assert.match(done.trainLog, /warning: No positive examples for neutral/);
    const { plugins } = testPlugins(store, data);
    const out = await plugins
      .get('text-classifier')!
      .predict({ model: {} as never, version: done, params: {}, inputs: [{ text: 'great quality, love it', data: {} }] });
    const neutral = out[0]!.ok ? out[0]!.data.concepts!.find((c) => c.id === 'neutral')!.value : 1;
    assert.ok(neutral < 0.5, `neutral scores low: ${neutral}`);
  });

  test('one labelled input is enough', async () => {
    const data = new FakeTrainingData();
    data.examples = await labelledTexts({ positive: SENTIMENT.positive.slice(0, 1) }, { positive: ['negative'] });
    const v = await queued('text-classifier', textVersion());
    const done = await withWorker(data, () => until(v.pk, terminal));
    assert.equal(done.status.code, Code.MODEL_TRAINED, done.status.details);
    assert.equal(done.totalInputCount, 1);
  });
});

describe('train-model-version: failures end in a specific code with actionable details', () => {
  const cases: { name: string; type?: string; version: Record<string, unknown>; data?: (d: FakeTrainingData) => Promise<void>; code: number; re: RegExp }[] = [
    { name: '21110 no data', version: textVersion(), code: Code.MODEL_TRAINING_NO_DATA, re: /PostInputs/ },
    {
      name: '21111 concept without positives (fail_on_missing_positive_examples)',
      version: textVersion({}, { fail_on_missing_positive_examples: true }, ['positive', 'negative', 'neutral']),
      data: async (d) => void (d.examples = await labelledTexts(SENTIMENT)),
      code: Code.MODEL_TRAINING_NO_POSITIVES,
      re: /neutral/,
    },
    {
      name: '21112 mutually exclusive with one concept',
      version: textVersion({}, { concepts_mutually_exclusive: true }, ['positive']),
      code: Code.MODEL_TRAINING_ONE_VS_N_SINGLE_CLASS,
      re: /at least two concepts/,
    },
    {
      name: '21118 invalid params (unknown base model)',
      type: 'embedding-classifier',
      // Named in clarifai/main, so PostModelVersions takes it (a model of the app it would check at once, decision 0040).
      version: {
        output_info: { data: { concepts: [{ id: 'positive' }] } },
        input_info: { base_embed_model: { id: 'no-such-embedder', user_id: 'clarifai', app_id: 'main' } },
      },
      code: Code.MODEL_TRAINING_INVALID_PARAMS,
      re: /no-such-embedder.*general-text-embedding/,
    },
    {
      name: '21118 invalid params (unknown dataset)',
      version: textVersion({ dataset_id: 'nope' }),
      data: async (d) => void (d.fail = new (await import('../domain/errors.js')).ApiError(Code.MODEL_INVALID_ARGUMENT, "Dataset 'nope' does not exist")),
      code: Code.MODEL_TRAINING_INVALID_PARAMS,
      re: /Dataset 'nope'/,
    },
    // 320 examples × 1,000 epochs at batch 1: ~20 s of training even on a fast idle machine, against a 1 s limit.
    // The limit counts from the start of the attempt: data that takes longer than it to arrive leaves no time to train.
    {
      name: '21113 timeout',
      version: textVersion({}, { training_timeout: 1 }),
      data: async (d) => {
        d.examples = await labelledTexts(SENTIMENT);
        d.hold();
        setTimeout(() => d.release(), 1_300);
      },
      code: Code.MODEL_TRAINING_TIMED_OUT,
      re: /training_timeout/,
    },
    {
      name: '21106 otherwise (after the retries)',
      version: textVersion(),
      data: async (d) => void (d.fail = new Error('disk on fire')),
      code: Code.MODEL_TRAINING_FAILED,
      re: /after 3 attempts: disk on fire/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const data = new FakeTrainingData();
      await c.data?.(data);
      const v = await queued(c.type ?? 'text-classifier', c.version);
      const done = await withWorker(data, () => until(v.pk, terminal, 60_000));
      assert.equal(done.status.code, c.code, done.status.details);
      assert.match(done.status.details, c.re);
      assert.match(done.trainLog, new RegExp(`failed: ${c.code}`));
      assert.equal(await store.artifacts.get(v.pk), undefined, 'no artifact');
      const [job] = await store.jobs.getForVersion(v.pk);
      assert.equal(job!.state, 'failed');
    });
  }
});

describe('train-model-version: cancellation and crashed workers', () => {
  test('a cancelled job never writes: the version keeps its status, no artifact', async () => {
    const data = new FakeTrainingData();
    data.examples = await labelledTexts(SENTIMENT);
    const v = await queued('text-classifier', textVersion());
    data.hold();
    await withWorker(data, async () => {
      await until(v.pk, (x) => x.status.code === Code.MODEL_TRAINING);
      await store.jobs.cancelForVersion(v.pk, Date.now());
      data.release();
      await sleep(1500);
    });
    const after = (await store.versions.getByPk(v.pk))!;
    assert.equal(after.status.code, Code.MODEL_TRAINING);
    assert.equal(await store.artifacts.get(v.pk), undefined);
    assert.equal((await store.jobs.getForVersion(v.pk))[0]!.state, 'cancelled');
  });

  test('DeleteModelVersion while training: the job stops and nothing is left behind', async () => {
    const data = new FakeTrainingData();
    data.examples = await labelledTexts(SENTIMENT);
    const v = await queued('text-classifier', textVersion());
    data.hold();
    await withWorker(data, async () => {
      await until(v.pk, (x) => x.status.code === Code.MODEL_TRAINING);
      const { types } = testPlugins(store, data);
      await versionRpcs(store, types).DeleteModelVersion!.handle(ownerContext(app), { model_id: `m${n}`, version_id: v.id });
      data.release();
      await sleep(1000);
    });
    assert.equal(await store.versions.getByPk(v.pk), undefined);
    assert.equal(await store.artifacts.get(v.pk), undefined);
  });

  test('a job whose worker died is retaken after its lease and ends TRAINED; the dead worker cannot write', async () => {
    const data = new FakeTrainingData();
    data.examples = await labelledTexts(SENTIMENT);
    const v = await queued('text-classifier', textVersion());
    // A worker claims the job with a short lease, marks the version training, then "dies".
    const now = Date.now();
    const claimed = await store.jobs.claim('dead-worker', [TRAIN_JOB], now + 300, now);
    assert.equal(claimed?.versionPk, v.pk);
    await store.versions.updateTraining(v.pk, { status: { code: Code.MODEL_TRAINING, details: 'Training started.', percentCompleted: 1 } });
    const done = await withWorker(data, () => until(v.pk, terminal));
    assert.equal(done.status.code, Code.MODEL_TRAINED);
    assert.match(done.trainLog, /attempt 2: training started/);
    const [job] = await store.jobs.getForVersion(v.pk);
    assert.equal(job!.attempts, 2);
    assert.notEqual(job!.leaseOwner, 'dead-worker');
    assert.equal(await store.jobs.lockRunning(job!.id, 'dead-worker'), undefined, 'the old lease holder holds nothing');
    assert.equal(await store.jobs.finish(job!.id, 'dead-worker', 'failed', 'late', Date.now()), false);
  });
});
