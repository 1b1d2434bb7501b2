import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { textInput, waitForInput } from '../helpers/inputs.js';
import { type Api, apiOf, newApp, newModel, newVersion, sleep } from '../helpers/models.js';
import { TOPICS } from '../helpers/training.js';

const ALL_FIELDS = { confusion_matrix: true, cooccurrence_matrix: true, label_counts: true, binary_metrics: true, test_set: true };
const WAITING = [21302, 21303, 21301];

/** Polls GetModelVersion until training ends; returns the version. */
async function waitTrained(api: Api, uai: ApiObject, modelId: string, versionId: string): Promise<ApiObject> {
  for (const deadline = Date.now() + 60_000; ; await sleep(100)) {
    const v = (await api.ok('GetModelVersion', { user_app_id: uai, model_id: modelId, version_id: versionId })).model_version;
    if (![21103, 21101].includes(v.status.code)) return v;
    assert.ok(Date.now() < deadline, `still ${JSON.stringify(v.status)}`);
  }
}

/** Polls GetModelVersionMetrics as the official python client does (21302 / 21303 / 21301 mean "keep waiting"). */
async function waitEvaluated(api: Api, uai: ApiObject, modelId: string, versionId: string): Promise<ApiObject> {
  const seen = new Set<number>();
  for (const deadline = Date.now() + 120_000; ; await sleep(100)) {
    const v = (await api.ok('GetModelVersionMetrics', { user_app_id: uai, model_id: modelId, version_id: versionId })).model_version;
    seen.add(v.metrics.status.code);
    if (!WAITING.includes(v.metrics.status.code)) return v;
    assert.ok(Date.now() < deadline, `still ${JSON.stringify(v.metrics.status)} (seen ${[...seen]})`);
  }
}

const near = (actual: number, expected: number, eps = 1e-5): void => assert.ok(Math.abs(actual - expected) < eps, `${actual} ≉ ${expected}`);

/**
 * Evaluation end to end on both transports: labelled texts uploaded and processed → a text
 * classifier trained by the server's worker → PostModelVersionMetrics → the worker cross-validates
 * → GetModelVersionMetrics shows the summary, and the per-concept metrics, matrices, label counts
 * and test set when `fields` asks; plus evaluations of one concept or few inputs (fewer folds, leave-one-out), 21316 and the …/evaluations RPCs.
 */
describeBoth('Evaluate a trained text classifier (PostModelVersionMetrics / GetModelVersionMetrics)', (h) => {
  const api = apiOf(h);
  let uai: { user_id: string; app_id: string };
  let versionId: string;
  let evalId: string;

  before(async () => {
    uai = await newApp(api, uid('eval'));
    const inputs = [
      ...TOPICS.sports.map((t, i) => textInput(`s${i}`, t, [['sports', 1]])),
      // explicit negatives of sports too, so a one-concept "sports" version has both kinds of labels
      ...TOPICS.cooking.map((t, i) =>
        textInput(`c${i}`, t, [
          ['cooking', 1],
          ['sports', 0],
        ]),
      ),
      ...['red apple', 'green apple', 'apple pie'].map((t, i) => textInput(`a${i}`, t, [['apple', 1]])),
      ...['yellow banana', 'banana bread', 'ripe banana', 'banana split'].map((t, i) => textInput(`b${i}`, t, [['banana', 1]])),
      textInput('k0', 'a green kiwi', [['kiwi', 1]]),
    ];
    await api.ok('PostInputs', { user_app_id: uai, inputs });
    for (const i of inputs) assert.equal((await waitForInput(api, uai, i.id)).status.code, 30000);
    await newModel(api, uai, { id: 'topics', model_type_id: 'text-classifier' });
    const created = await newVersion(api, uai, 'topics', {
      output_info: { data: { concepts: [{ id: 'sports' }, { id: 'cooking' }] }, output_config: { concepts_mutually_exclusive: true } },
      train_info: { params: { template: 'modelkeep_text_logreg', seed: 1 } },
    });
    versionId = created.id;
    assert.equal((await waitTrained(api, uai, 'topics', versionId)).status.code, 21100);
  });

  it('before any evaluation, metrics.status is 21302 MODEL_NOT_EVALUATED', async () => {
    const v = (await api.ok('GetModelVersionMetrics', { user_app_id: uai, model_id: 'topics', version_id: versionId })).model_version;
    assert.equal(v.id, versionId);
    assert.equal(v.status.code, 21100);
    assert.deepEqual({ code: v.metrics.status.code, description: v.metrics.status.description }, { code: 21302, description: 'Model is not yet evaluated.' });
    assert.deepEqual(
      (await api.ok('ListModelVersionEvaluations', { user_app_id: uai, model_id: 'topics', model_version_id: versionId })).eval_metrics ?? [],
      [],
    );
  });

  it('PostModelVersionMetrics queues (21303); polling GetModelVersionMetrics ends in 21300 with a high macro ROC AUC', async () => {
    const posted = (await api.ok('PostModelVersionMetrics', { user_app_id: uai, model_id: 'topics', version_id: versionId })).model_version;
    assert.equal(posted.metrics.status.code, 21303);
    assert.equal(posted.metrics.status.description, 'Model is queued for evaluation.');
    assert.match(posted.metrics.id, /^[0-9a-f]{32}$/);
    evalId = posted.metrics.id;
    const v = await waitEvaluated(api, uai, 'topics', versionId);
    assert.equal(v.metrics.status.code, 21300, JSON.stringify(v.metrics.status));
    assert.match(v.metrics.status.details, /^5-fold cross-validation on 16 labelled inputs/);
    assert.equal(v.metrics.id, evalId);
    const s = v.metrics.summary;
    assert.ok(s.macro_avg_roc_auc > 0.95, `AUC ${s.macro_avg_roc_auc}`);
    assert.ok(s.macro_avg_f1_score > 0.9, `F1 ${s.macro_avg_f1_score}`);
    assert.ok(s.macro_avg_precision > 0.9 && s.macro_avg_recall > 0.9, JSON.stringify(s));
    // Printed even at 0 over REST (cl_show_if_empty); gRPC has no wire form for a 0 float.
    if (api.transport() === 'rest') for (const k of ['macro_std_roc_auc', 'macro_std_f1_score']) assert.equal(typeof s[k], 'number', k);
    // By default only the summary: the large parts come with `fields`.
    for (const f of Object.keys(ALL_FIELDS)) assert.equal(v.metrics[f], undefined, f);
    // GetModelVersion shows the same summary.
    const plain = (await api.ok('GetModelVersion', { user_app_id: uai, model_id: 'topics', version_id: versionId })).model_version;
    assert.equal(plain.metrics.status.code, 21300);
    near(plain.metrics.summary.macro_avg_roc_auc, s.macro_avg_roc_auc);
    assert.equal(plain.metrics.binary_metrics, undefined);
  });

  it('fields asks for per-concept binary metrics, the confusion and co-occurrence matrices, label counts and the test set', async () => {
    const v = (await api.ok('GetModelVersionMetrics', { user_app_id: uai, model_id: 'topics', version_id: versionId, fields: ALL_FIELDS })).model_version;
    const m = v.metrics;
    assert.deepEqual(
      m.binary_metrics.map((b: ApiObject) => [b.concept.id, b.num_pos, b.num_neg, b.num_tot]),
      [
        ['sports', 8, 8, 16],
        ['cooking', 8, 8, 16],
      ],
    );
    for (const b of m.binary_metrics) {
      assert.ok(b.roc_auc > 0.9 && b.roc_auc <= 1, `roc_auc ${b.roc_auc}`);
      assert.ok(b.f1 > 0.8 && b.f1 <= 1, `f1 ${b.f1}`);
      assert.equal(b.roc_curve.fpr.length, b.roc_curve.tpr.length);
      assert.ok(b.roc_curve.thresholds.length >= 1);
    }
    const total = m.confusion_matrix.matrix.reduce((t: number, e: ApiObject) => t + e.value, 0);
    assert.equal(total, 16, 'one count per labelled input');
    const diagonal = m.confusion_matrix.matrix.filter((e: ApiObject) => e.actual === e.predicted).reduce((t: number, e: ApiObject) => t + e.value, 0);
    assert.ok(diagonal >= 15, `diagonal ${diagonal}`);
    assert.ok(m.confusion_matrix.matrix.every((e: ApiObject) => e.actual_concept.id === e.actual && e.predicted_concept.id === e.predicted));
    assert.deepEqual([...m.confusion_matrix.concept_ids].sort(), ['cooking', 'sports']);
    assert.deepEqual(
      m.label_counts.positive_label_counts.map((c: ApiObject) => [c.concept.id, c.count]),
      [
        ['sports', 8],
        ['cooking', 8],
      ],
    );
    assert.ok(m.cooccurrence_matrix.matrix.length >= 2);
    assert.equal(m.test_set.length, 16);
    const entry = m.test_set.find((e: ApiObject) => e.input.id === 's0');
    assert.ok(entry, 'held-out input s0 is in the test set');
    assert.equal(entry.ground_truth_concepts.find((c: ApiObject) => c.value === 1).id, 'sports');
    assert.equal(entry.predicted_concepts.length, 2);
    // One field only.
    const only = (await api.ok('GetModelVersionMetrics', { user_app_id: uai, model_id: 'topics', version_id: versionId, fields: { confusion_matrix: true } }))
      .model_version.metrics;
    assert.ok(only.confusion_matrix);
    assert.equal(only.binary_metrics, undefined);
  });

  it('the …/evaluations RPCs: list the evaluation, get it by id (with fields), start another with an id and num_folds', async () => {
    const list = (await api.ok('ListModelVersionEvaluations', { user_app_id: uai, model_id: 'topics', model_version_id: versionId })).eval_metrics;
    assert.deepEqual(
      list.map((e: ApiObject) => [e.id, e.status.code]),
      [[evalId, 21300]],
    );
    const got = (
      await api.ok('GetModelVersionEvaluation', {
        user_app_id: uai,
        model_id: 'topics',
        model_version_id: versionId,
        evaluation_id: evalId,
        fields: { binary_metrics: true },
      })
    ).eval_metrics;
    assert.equal(got.binary_metrics.length, 2);
    assert.equal(got.confusion_matrix, undefined);
    await api.fails('GetModelVersionEvaluation', { user_app_id: uai, model_id: 'topics', model_version_id: versionId, evaluation_id: 'nope' }, 11101, 404);

    const started = (
      await api.ok('PostModelVersionEvaluations', {
        user_app_id: uai,
        model_id: 'topics',
        model_version_id: versionId,
        eval_metrics: [{ id: 'three-folds', eval_info: { params: { num_folds: 3 } } }],
      })
    ).eval_metrics;
    assert.deepEqual([started[0].id, started[0].status.code, started[0].eval_info.params.num_folds], ['three-folds', 21303, 3]);
    let e: ApiObject = started[0];
    for (const deadline = Date.now() + 120_000; WAITING.includes(e.status.code); await sleep(100)) {
      assert.ok(Date.now() < deadline, JSON.stringify(e.status));
      e = (await api.ok('GetModelVersionEvaluation', { user_app_id: uai, model_id: 'topics', model_version_id: versionId, evaluation_id: 'three-folds' }))
        .eval_metrics;
    }
    assert.equal(e.status.code, 21300, JSON.stringify(e.status));
    assert.match(e.status.details, /^3-fold cross-validation/);
    assert.ok(e.summary.macro_avg_roc_auc > 0.9);
    // A version keeps its latest evaluation only.
    await api.fails('GetModelVersionEvaluation', { user_app_id: uai, model_id: 'topics', model_version_id: versionId, evaluation_id: evalId }, 11101, 404);
  });

  // python-grpc tests/client/test_model_train.py evaluates a one-concept model and waits for MODEL_EVALUATED.
  it('a version with one concept is evaluated (21300)', async () => {
    await newModel(api, uai, { id: 'only-sports', model_type_id: 'text-classifier' });
    const v = await newVersion(api, uai, 'only-sports', {
      output_info: { data: { concepts: [{ id: 'sports' }] } },
      train_info: { params: { template: 'modelkeep_text_logreg', seed: 1 } },
    });
    assert.equal((await waitTrained(api, uai, 'only-sports', v.id)).status.code, 21100);
    await api.ok('PostModelVersionMetrics', { user_app_id: uai, model_id: 'only-sports', version_id: v.id });
    const done = await waitEvaluated(api, uai, 'only-sports', v.id);
    assert.equal(done.metrics.status.code, 21300, JSON.stringify(done.metrics.status));
    assert.match(done.metrics.status.details, /^5-fold cross-validation on \d+ labelled inputs/);
    assert.ok(done.metrics.summary.macro_avg_roc_auc > 0.9, JSON.stringify(done.metrics.summary));
  });

  it('few inputs: leave-one-out, and the details say how it was computed and what has no ROC AUC', async () => {
    await newModel(api, uai, { id: 'apples', model_type_id: 'text-classifier' });
    const v = await newVersion(api, uai, 'apples', {
      output_info: { data: { concepts: [{ id: 'apple' }] } },
      train_info: { params: { template: 'modelkeep_text_logreg', seed: 1 } },
    });
    const trained = await waitTrained(api, uai, 'apples', v.id);
    assert.equal(trained.status.code, 21100);
    assert.match(trained.status.details, /No negative examples for apple: it scores high on every input/);
    await api.ok('PostModelVersionMetrics', { user_app_id: uai, model_id: 'apples', version_id: v.id });
    const done = await waitEvaluated(api, uai, 'apples', v.id);
    assert.equal(done.metrics.status.code, 21300, JSON.stringify(done.metrics.status));
    assert.match(
      done.metrics.status.details,
      /^Leave-one-out cross-validation \(3 folds, fewer than the 5 asked: there are only 3 labelled inputs\) on 3 labelled inputs .* ROC AUC is left out for apple: it has no positive or no negative inputs\.$/,
    );
  });

  it('21316: a single labelled input cannot be cross-validated (details say what to do)', async () => {
    await newModel(api, uai, { id: 'kiwis', model_type_id: 'text-classifier' });
    const v = await newVersion(api, uai, 'kiwis', {
      output_info: { data: { concepts: [{ id: 'kiwi' }] } },
      train_info: { params: { template: 'modelkeep_text_logreg', seed: 1 } },
    });
    assert.equal((await waitTrained(api, uai, 'kiwis', v.id)).status.code, 21100);
    await api.ok('PostModelVersionMetrics', { user_app_id: uai, model_id: 'kiwis', version_id: v.id });
    const done = await waitEvaluated(api, uai, 'kiwis', v.id);
    assert.equal(done.metrics.status.code, 21316);
    assert.match(
      done.metrics.status.details,
      /only 1 input is labelled with the version's concepts; cross-validation needs at least 2 .*label at least one more input/,
    );
    assert.equal(done.metrics.summary, undefined);
  });

  it('refused with a clear status: a model type that is not a concept classifier, bad eval_info, an unknown version', async () => {
    await newModel(api, uai, { id: 'thresholds', model_type_id: 'concept-thresholder' });
    const op = await newVersion(api, uai, 'thresholds', { output_info: { data: { concepts: [{ id: 'sports', value: 0.5 }] } } });
    const s1 = await api.fails('PostModelVersionMetrics', { user_app_id: uai, model_id: 'thresholds', version_id: op.id }, 21202, 400);
    assert.match(s1.details!, /only concept classifiers can be evaluated \(embedding-classifier, text-classifier, visual-classifier\)/);
    const s2 = await api.fails(
      'PostModelVersionMetrics',
      { user_app_id: uai, model_id: 'topics', version_id: versionId, eval_info: { params: { num_folds: 20 } } },
      21202,
      400,
    );
    assert.match(s2.details!, /num_folds 20 must be a whole number from 2 to 10/);
    await api.fails('PostModelVersionMetrics', { user_app_id: uai, model_id: 'topics', version_id: 'missing' }, 21200, 404);
    await api.fails('GetModelVersionMetrics', { user_app_id: uai, model_id: 'topics', version_id: 'missing' }, 21200, 404);
  });
});
