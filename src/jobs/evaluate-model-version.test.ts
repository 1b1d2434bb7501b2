import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeTrainingData, labelledTexts, ownerContext, SENTIMENT, silentLog, storeWithApp, TOPICS, testPlugins } from '../../test/helpers/training.js';
import type { App, ModelVersion } from '../domain/entities.js';
import { ApiError } from '../domain/errors.js';
import { EVAL_JOB } from '../domain/job-kinds.js';
import type { JsonObject } from '../domain/json.js';
import { Code } from '../domain/status-codes.js';
import { createRng } from '../ml/classifier/rng.js';
import { systemClock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { evaluationRpcs } from '../service/rpc/model-evaluations.service.js';
import { versionRpcs } from '../service/rpc/model-versions.service.js';
import { modelRpcs } from '../service/rpc/models.service.js';
import { evaluateModelVersionHandler } from './evaluate-model-version.js';
import { trainModelVersionHandler } from './train-model-version.js';
import { Worker } from './worker.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let store: Store;
let app: App;
let n = 0;

before(async () => {
  ({ store, app } = await storeWithApp());
});
after(async () => store?.close());

/** A worker running training and evaluation jobs, with test-friendly timings. */
function worker(data: FakeTrainingData, timeoutMs = 60_000): Worker {
  const { types, plugins } = testPlugins(store, data);
  const handlers = [
    trainModelVersionHandler({ plugins, types, defaultTimeoutMs: 60_000, progressEveryMs: 20 }),
    evaluateModelVersionHandler({ plugins, types, timeoutMs, progressEveryMs: 20 }),
  ];
  return new Worker(store, handlers, systemClock, silentLog, { leaseMs: 5_000, pollMs: 20, concurrency: 1, maxAttempts: 3 });
}

async function withWorker<T>(data: FakeTrainingData, fn: () => Promise<T>, timeoutMs?: number): Promise<T> {
  const w = worker(data, timeoutMs);
  w.start();
  try {
    return await fn();
  } finally {
    await w.stop();
  }
}

async function until(pk: string, done: (v: ModelVersion) => boolean, ms = 60_000): Promise<ModelVersion> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await store.versions.getByPk(pk);
    if (v && done(v)) return v;
    if (Date.now() > end) throw new Error(`version ${pk} stuck at ${JSON.stringify(v?.status)} / ${JSON.stringify(v?.metrics?.status)}`);
    await sleep(10);
  }
}
const evalCode = (v: ModelVersion): number => Number((v.metrics?.status as JsonObject | undefined)?.code ?? 0);
const evalDone = (v: ModelVersion): boolean => ![0, Code.MODEL_QUEUED_FOR_EVALUATION, Code.MODEL_EVALUATING].includes(evalCode(v));

const rpcs = (data: FakeTrainingData) => {
  const { types, plugins } = testPlugins(store, data);
  return { ...modelRpcs(store, types), ...versionRpcs(store, types), ...evaluationRpcs(store, plugins) };
};

/** A trained version of a new model (trained by a worker on `data`). */
async function trained(data: FakeTrainingData, typeId: string, version: Record<string, unknown>): Promise<{ modelId: string; v: ModelVersion }> {
  const api = rpcs(data);
  const modelId = `m${++n}`;
  await api.PostModels!.handle(ownerContext(app), { model: { id: modelId, model_type_id: typeId } });
  const res = await api.PostModelVersions!.handle(ownerContext(app), { model_id: modelId, model_versions: [version] });
  const id = (res.model as { model_version: { id: string } }).model_version.id;
  const model = (await store.models.get('u1', 'a1', modelId))!;
  const queued = (await store.versions.get(model.pk, id))!;
  const v = await withWorker(data, () => until(queued.pk, (x) => x.status.code !== Code.MODEL_QUEUED_FOR_TRAINING && x.status.code !== Code.MODEL_TRAINING));
  assert.equal(v.status.code, Code.MODEL_TRAINED, v.status.details);
  return { modelId, v };
}

const textVersion = (concepts: string[], outputConfig: Record<string, unknown> = {}, params: Record<string, unknown> = {}) => ({
  output_info: { data: { concepts: concepts.map((id) => ({ id })) }, output_config: outputConfig },
  train_info: { params: { template: 'modelkeep_text_logreg', seed: 7, ...params } },
});

async function postMetrics(data: FakeTrainingData, modelId: string, versionId: string, extra: Record<string, unknown> = {}): Promise<JsonObject> {
  const res = await rpcs(data).PostModelVersionMetrics!.handle(ownerContext(app), { model_id: modelId, version_id: versionId, ...extra });
  return (res.model_version as { metrics: JsonObject }).metrics;
}

describe('evaluate-model-version', () => {
  test('21303 → 21301 → 21300 with a high macro AUC, per-concept metrics and a confusion matrix', async () => {
    const data = new FakeTrainingData();
    data.examples = await labelledTexts(TOPICS);
    const { modelId, v } = await trained(
      data,
      'text-classifier',
      textVersion(['sports', 'cooking'], { concepts_mutually_exclusive: true }, { num_epochs: 400, batch_size: 1 }),
    );
    const queued = await postMetrics(data, modelId, v.id);
    assert.equal((queued.status as JsonObject).code, Code.MODEL_QUEUED_FOR_EVALUATION);
    assert.match(String(queued.id), /^[0-9a-f]{32}$/);
    assert.deepEqual(queued.eval_info, { params: { num_folds: 5 } });
    const [job] = (await store.jobs.getForVersion(v.pk)).filter((j) => j.kind === EVAL_JOB);
    assert.equal(job?.state, 'queued');

    data.hold();
    const done = await withWorker(data, async () => {
      const evaluating = await until(v.pk, (x) => evalCode(x) === Code.MODEL_EVALUATING);
      assert.equal((evaluating.metrics!.status as JsonObject).percent_completed, 1);
      data.release();
      return until(v.pk, evalDone);
    });
    const m = done.metrics!;
    assert.equal(evalCode(done), Code.MODEL_EVALUATED, JSON.stringify(m.status));
    assert.match(String((m.status as JsonObject).details), /5-fold cross-validation on 16 labelled inputs \(seed 7\)/);
    assert.equal(m.id, queued.id);
    assert.equal(done.status.code, Code.MODEL_TRAINED, 'the version itself stays trained');
    const summary = m.summary as Record<string, number>;
    assert.ok(summary.macro_avg_roc_auc! > 0.95, `AUC ${summary.macro_avg_roc_auc}`);
    assert.ok(summary.macro_avg_f1_score! > 0.9, `F1 ${summary.macro_avg_f1_score}`);
    for (const k of ['macro_std_roc_auc', 'macro_std_f1_score', 'macro_avg_precision', 'macro_avg_recall']) assert.equal(typeof summary[k], 'number', k);
    const binary = m.binary_metrics as JsonObject[];
    assert.deepEqual(
      binary.map((b) => [(b.concept as JsonObject).id, b.num_pos, b.num_neg, b.num_tot]),
      [
        ['sports', 8, 8, 16],
        ['cooking', 8, 8, 16],
      ],
    );
    const cm = m.confusion_matrix as { matrix: JsonObject[]; concept_ids: string[] };
    assert.equal(
      cm.matrix.reduce((s, e) => s + Number(e.value), 0),
      16,
      'one count per labelled input',
    );
    assert.deepEqual([...cm.concept_ids].sort(), ['cooking', 'sports']);
    assert.equal((m.test_set as JsonObject[]).length, 16);
    assert.deepEqual(
      (m.label_counts as { positive_label_counts: JsonObject[] }).positive_label_counts.map((c) => c.count),
      [8, 8],
    );
    const [finished] = (await store.jobs.getForVersion(v.pk)).filter((j) => j.kind === EVAL_JOB);
    assert.equal(finished?.state, 'succeeded');

    // Deterministic: evaluating again gives the same numbers under a new id.
    const again = await postMetrics(data, modelId, v.id);
    assert.notEqual(again.id, queued.id);
    const second = await withWorker(data, () => until(v.pk, (x) => evalDone(x) && x.metrics!.id === again.id));
    assert.deepEqual(second.metrics!.summary, m.summary);
  });

  test('percent_completed moves during an evaluation that takes a while', async () => {
    // 16 inputs train in milliseconds since ADR 0023; 5 folds of 1,600 × 2,048 take many solver passes.
    const data = new FakeTrainingData();
    const rng = createRng(3);
    data.examples = Array.from({ length: 2000 }, (_, i) => {
      const sports = i % 2 === 0;
      const vector = Float32Array.from({ length: 2048 }, () => rng.normal());
      vector[0] = vector[0]! + (sports ? 1 : -1);
      return { inputId: `in${String(i).padStart(5, '0')}`, vector, positives: [sports ? 'sports' : 'cooking'], negatives: [] };
    });
    const { modelId, v } = await trained(
      data,
      'text-classifier',
      textVersion(['sports', 'cooking'], { concepts_mutually_exclusive: true }, { l2_regularization: 0.0001 }),
    );
    await postMetrics(data, modelId, v.id);
    data.hold();
    const done = await withWorker(data, async () => {
      await until(v.pk, (x) => evalCode(x) === Code.MODEL_EVALUATING);
      data.release();
      const percents = new Set<number>();
      return until(v.pk, (x) => {
        if (evalCode(x) === Code.MODEL_EVALUATING) percents.add(Number((x.metrics!.status as JsonObject).percent_completed));
        if (evalDone(x))
          assert.ok(
            [...percents].some((p) => p > 5 && p < 100),
            `percent_completed moved: ${[...percents]}`,
          );
        return evalDone(x);
      });
    });
    assert.equal(evalCode(done), Code.MODEL_EVALUATED, JSON.stringify(done.metrics!.status));
  });

  test('visual-classifier (one-vs-rest) is evaluated the same way, on its image embeddings', async () => {
    const data = new FakeTrainingData();
    // 1280-d vectors in two clusters, as the image embedder would store them for red and blue images.
    const rng = createRng(3);
    data.examples = Array.from({ length: 14 }, (_, i) => {
      const c = i % 2;
      const v = Float32Array.from({ length: 1280 }, (_, j) => (j % 2 === c ? 1 : 0) + 0.5 * rng.normal());
      return { inputId: `img${String(i).padStart(2, '0')}`, vector: v, positives: [c === 0 ? 'red' : 'blue'], negatives: [] };
    });
    const { modelId, v } = await trained(data, 'visual-classifier', {
      output_info: { data: { concepts: [{ id: 'red' }, { id: 'blue' }] } },
      train_info: { params: { template: 'modelkeep_mobilenet_v2_transfer', num_epochs: 2, seed: 2 } },
    });
    await postMetrics(data, modelId, v.id, { eval_info: { params: { num_folds: 7 } } });
    const done = await withWorker(data, () => until(v.pk, evalDone));
    assert.equal(evalCode(done), Code.MODEL_EVALUATED, JSON.stringify(done.metrics?.status));
    assert.match(String((done.metrics!.status as JsonObject).details), /^7-fold cross-validation on 14 labelled inputs \(seed 2\)/);
    assert.ok(Number((done.metrics!.summary as JsonObject).macro_avg_roc_auc) > 0.95);
    assert.deepEqual(
      (done.metrics!.binary_metrics as JsonObject[]).map((b) => [b.num_pos, b.num_neg]),
      [
        [7, 7],
        [7, 7],
      ],
    );
  });

  // python-grpc test_model_train.py evaluates a one-concept model trained on two inputs and waits for 21300.
  test('one concept, or few inputs: completes with fewer folds down to leave-one-out, and says so', async () => {
    const one = new FakeTrainingData();
    one.examples = await labelledTexts(SENTIMENT, { negative: ['positive'] });
    const a = await trained(one, 'text-classifier', textVersion(['positive']));
    await postMetrics(one, a.modelId, a.v.id);
    const doneA = await withWorker(one, () => until(a.v.pk, evalDone));
    assert.equal(evalCode(doneA), Code.MODEL_EVALUATED, JSON.stringify(doneA.metrics?.status));
    assert.match(String((doneA.metrics!.status as JsonObject).details), /^5-fold cross-validation on 16 labelled inputs/);
    assert.deepEqual(
      (doneA.metrics!.binary_metrics as JsonObject[]).map((b) => [b.num_pos, b.num_neg]),
      [[8, 8]],
    );

    const few = new FakeTrainingData();
    few.examples = await labelledTexts({ positive: SENTIMENT.positive.slice(0, 2), negative: SENTIMENT.negative.slice(0, 1) });
    const b = await trained(few, 'text-classifier', textVersion(['positive', 'negative'], { concepts_mutually_exclusive: true }));
    await postMetrics(few, b.modelId, b.v.id);
    const doneB = await withWorker(few, () => until(b.v.pk, evalDone));
    assert.equal(evalCode(doneB), Code.MODEL_EVALUATED, JSON.stringify(doneB.metrics?.status));
    assert.match(
      String((doneB.metrics!.status as JsonObject).details),
      /^Leave-one-out cross-validation \(3 folds, fewer than the 5 asked: there are only 3 labelled inputs\) on 3 labelled inputs/,
    );
    assert.equal((doneB.metrics!.test_set as JsonObject[]).length, 3);
  });

  test('21315 when no input is labelled with the concepts; 21316 with a single labelled input', async () => {
    const none = new FakeTrainingData();
    none.examples = await labelledTexts({ positive: SENTIMENT.positive.slice(0, 2) });
    const a = await trained(none, 'text-classifier', textVersion(['positive']));
    none.examples = [];
    await postMetrics(none, a.modelId, a.v.id);
    const failedA = await withWorker(none, () => until(a.v.pk, evalDone));
    assert.equal(evalCode(failedA), Code.MODEL_EVALUATION_NEED_LABELS);
    assert.match(
      String((failedA.metrics!.status as JsonObject).details),
      /no input is labelled \(value 1 or 0\) with any of the version's concepts \(positive\).*label inputs/,
    );

    const single = new FakeTrainingData();
    single.examples = await labelledTexts({ positive: SENTIMENT.positive.slice(0, 1) });
    const b = await trained(single, 'text-classifier', textVersion(['positive']));
    await postMetrics(single, b.modelId, b.v.id);
    const failedB = await withWorker(single, () => until(b.v.pk, evalDone));
    assert.equal(evalCode(failedB), Code.MODEL_EVALUATION_NEED_INPUTS);
    assert.match(String((failedB.metrics!.status as JsonObject).details), /only 1 input is labelled .*at least 2/);
    assert.equal(failedB.metrics!.summary, undefined);
  });

  test('deleting the version while it is evaluated stops the job: nothing is written, nothing fails', async () => {
    const data = new FakeTrainingData();
    data.examples = await labelledTexts(SENTIMENT);
    const { modelId, v } = await trained(data, 'text-classifier', textVersion(['positive', 'negative'], { concepts_mutually_exclusive: true }));
    await postMetrics(data, modelId, v.id);
    data.hold();
    await withWorker(data, async () => {
      await until(v.pk, (x) => evalCode(x) === Code.MODEL_EVALUATING);
      await rpcs(data).DeleteModelVersion!.handle(ownerContext(app), { model_id: modelId, version_id: v.id });
      data.release();
      await sleep(300);
    });
    assert.equal(await store.versions.getByPk(v.pk), undefined);
    assert.deepEqual(await store.jobs.getForVersion(v.pk), []);
  });

  test('a second request while one is queued returns it; an unexpected error ends in 21317 after the retries', async () => {
    const data = new FakeTrainingData();
    data.examples = await labelledTexts(SENTIMENT);
    const { modelId, v } = await trained(data, 'text-classifier', textVersion(['positive', 'negative']));
    const first = await postMetrics(data, modelId, v.id);
    const second = await postMetrics(data, modelId, v.id);
    assert.equal(second.id, first.id);
    assert.equal((await store.jobs.getForVersion(v.pk)).filter((j) => j.kind === EVAL_JOB).length, 1);
    await assert.rejects(
      async () =>
        rpcs(data).PostModelVersionEvaluations!.handle(ownerContext(app), { model_id: modelId, model_version_id: v.id, eval_metrics: [{ id: 'other' }] }),
      (e: unknown) => e instanceof ApiError && e.code === Code.MODEL_INVALID_REQUEST && /still being evaluated/.test(e.details),
    );
    data.fail = new Error('disk on fire');
    const failed = await withWorker(data, () => until(v.pk, evalDone));
    assert.equal(evalCode(failed), Code.MODEL_EVALUATION_FAILED);
    assert.equal((failed.metrics!.status as JsonObject).details, 'Evaluation failed after 3 attempts: disk on fire');
    assert.equal(failed.metrics!.id, first.id);
  });

  test('refused at once: a version that is not trained, a type that is not a concept classifier, bad eval_info', async () => {
    const data = new FakeTrainingData();
    const api = rpcs(data);
    const modelId = `m${++n}`;
    await api.PostModels!.handle(ownerContext(app), { model: { id: modelId, model_type_id: 'text-classifier' } });
    const res = await api.PostModelVersions!.handle(ownerContext(app), { model_id: modelId, model_versions: [textVersion(['a', 'b'])] });
    const vid = (res.model as { model_version: { id: string } }).model_version.id;
    const refused = (p: Promise<unknown>, code: number, re: RegExp) => assert.rejects(p, (e) => e instanceof ApiError && e.code === code && re.test(e.details));
    await refused(postMetrics(data, modelId, vid), Code.MODEL_INVALID_ARGUMENT, /is not trained \(status 21103.*wait until its training ends/);

    const opId = `m${++n}`;
    await api.PostModels!.handle(ownerContext(app), { model: { id: opId, model_type_id: 'concept-thresholder' } });
    const op = await api.PostModelVersions!.handle(ownerContext(app), {
      model_id: opId,
      model_versions: [{ output_info: { data: { concepts: [{ id: 'a' }] } } }],
    });
    const opVid = (op.model as { model_version: { id: string } }).model_version.id;
    await refused(
      postMetrics(data, opId, opVid),
      Code.MODEL_INVALID_ARGUMENT,
      /concept-thresholder; only concept classifiers can be evaluated \(embedding-classifier, text-classifier, visual-classifier\)/,
    );

    await refused(
      postMetrics(data, modelId, vid, { eval_info: { params: { num_folds: 1 } } }),
      Code.MODEL_INVALID_ARGUMENT,
      /num_folds 1 must be a whole number from 2 to 10/,
    );
    // A dataset evaluation (decision 0020) names an existing dataset.
    await refused(
      postMetrics(data, modelId, vid, { eval_info: { params: { dataset_id: 'x' } } }),
      Code.CONN_DOES_NOT_EXIST,
      /Dataset 'x' \(eval_info.params.dataset_id\) does not exist/,
    );
    await refused(
      postMetrics(data, modelId, vid, { eval_info: { params: { split: 'x' } } }),
      Code.MODEL_INVALID_ARGUMENT,
      /eval_info.params.split is not supported/,
    );
    await refused(postMetrics(data, modelId, vid, { test_search: { query: { filters: [] } } }), Code.MODEL_INVALID_ARGUMENT, /test_search is not supported/);
  });
});
