import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { classificationMetrics } from '../../src/ml/evaluation/metrics.js';
import { describeBoth, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { textInput, waitForInput } from '../helpers/inputs.js';
import { type Api, apiOf, newApp, newModel, newVersion, sleep } from '../helpers/models.js';
import { TOPICS } from '../helpers/training.js';

const ALL_FIELDS = { confusion_matrix: true, cooccurrence_matrix: true, label_counts: true, binary_metrics: true, test_set: true };

async function waitTrained(api: Api, uai: ApiObject, modelId: string, versionId: string): Promise<ApiObject> {
  for (const deadline = Date.now() + 60_000; ; await sleep(100)) {
    const v = (await api.ok('GetModelVersion', { user_app_id: uai, model_id: modelId, version_id: versionId })).model_version;
    if (![21103, 21101].includes(v.status.code)) return v;
    assert.ok(Date.now() < deadline, `still ${JSON.stringify(v.status)}`);
  }
}

async function waitEvaluated(api: Api, uai: ApiObject, modelId: string, versionId: string): Promise<ApiObject> {
  for (const deadline = Date.now() + 120_000; ; await sleep(100)) {
    const v = (await api.ok('GetModelVersionMetrics', { user_app_id: uai, model_id: modelId, version_id: versionId, fields: ALL_FIELDS })).model_version;
    if (![21302, 21303, 21301].includes(v.metrics.status.code)) return v;
    assert.ok(Date.now() < deadline, `still ${JSON.stringify(v.metrics.status)}`);
  }
}

const near = (actual: number, expected: number, what: string, eps = 2e-6): void =>
  assert.ok(Math.abs(actual - expected) <= eps, `${what}: ${actual} ≉ ${expected}`);
const CONCEPTS = ['sports', 'cooking'];

/**
 * Evaluation on a held-out dataset (decision 0020): the trained version scores exactly the
 * dataset's (version's) labelled inputs, and the metrics are the k-fold path's metrics
 * (ml/evaluation) of those scores. Checked against an independent computation: the scores
 * PostModelOutputs gives for the same texts, fed to classificationMetrics with the labels this
 * test assigned.
 */
describeBoth('Evaluate a version on a held-out dataset (eval_info.params.dataset_id, PostEvaluations)', (h) => {
  const api = apiOf(h);
  let uai: { user_id: string; app_id: string };
  let versionId: string;
  // Held-out texts with the labels this test gives them; 'h4' is deliberately mislabelled so the metrics are not all perfect.
  const heldOut: [string, string, string][] = [
    ['h0', TOPICS.sports[6]!, 'sports'],
    ['h1', TOPICS.sports[7]!, 'sports'],
    ['h2', TOPICS.cooking[6]!, 'cooking'],
    ['h3', TOPICS.cooking[7]!, 'cooking'],
    ['h4', 'the team baked bread in the oven', 'sports'],
  ];

  before(async () => {
    uai = await newApp(api, uid('evalds'));
    await api.ok('PostDatasets', { user_app_id: uai, datasets: [{ id: 'train' }, { id: 'test' }] });
    const train = [
      ...TOPICS.sports.slice(0, 6).map((t, i) => textInput(`s${i}`, t, [['sports', 1]], { dataset_ids: ['train'] })),
      ...TOPICS.cooking.slice(0, 6).map((t, i) => textInput(`c${i}`, t, [['cooking', 1]], { dataset_ids: ['train'] })),
    ];
    const test = [
      ...heldOut.map(([id, text, c]) => textInput(id, text, [[c, 1]], { dataset_ids: ['test'] })),
      // In the dataset but not evaluable: no label of the version's concepts.
      textInput('h-unlabelled', 'a note without labels', [], { dataset_ids: ['test'] }),
      textInput('h-other', 'an apple a day', [['apple', 1]], { dataset_ids: ['test'] }),
    ];
    await api.ok('PostInputs', { user_app_id: uai, inputs: [...train, ...test] });
    for (const i of [...train, ...test]) assert.equal((await waitForInput(api, uai, String(i.id))).status.code, 30000);
    await api.ok('PostDatasetVersions', { user_app_id: uai, dataset_id: 'test', dataset_versions: [{ id: 'frozen' }] });
    await newModel(api, uai, { id: 'topics', model_type_id: 'text-classifier' });
    const created = await newVersion(api, uai, 'topics', {
      output_info: { data: { concepts: CONCEPTS.map((id) => ({ id })) }, output_config: { concepts_mutually_exclusive: true } },
      train_info: { params: { template: 'modelkeep_text_logreg', seed: 1, dataset_id: 'train' } },
    });
    versionId = String(created.id);
    assert.equal((await waitTrained(api, uai, 'topics', versionId)).status.code, 21100);
  });

  it("scores exactly the dataset's labelled inputs with the trained version; the metrics equal classificationMetrics of PostModelOutputs' scores", async () => {
    const posted = (
      await api.ok('PostModelVersionMetrics', { user_app_id: uai, model_id: 'topics', version_id: versionId, eval_info: { params: { dataset_id: 'test' } } })
    ).model_version;
    assert.equal(posted.metrics.status.code, 21303);
    assert.equal(posted.metrics.ground_truth_dataset.id, 'test');
    const v = await waitEvaluated(api, uai, 'topics', versionId);
    const m = v.metrics;
    assert.equal(m.status.code, 21300, JSON.stringify(m.status));
    assert.match(m.status.details, /^Held-out evaluation on 5 labelled inputs of dataset 'test', scored by the trained version/);
    assert.deepEqual(m.eval_info.params, { dataset_id: 'test' });
    assert.deepEqual(
      m.test_set.map((t: ApiObject) => t.input.id).sort(),
      heldOut.map(([id]) => id),
    );

    // Independent: what the trained version predicts for each held-out text, and the labels given above.
    const n = heldOut.length,
      k = CONCEPTS.length;
    const scores = new Float32Array(n * k);
    const labels = new Uint8Array(n * k);
    for (const [r, [id, text, c]] of heldOut.entries()) {
      const out = (
        await api.ok('PostModelOutputs', { user_app_id: uai, model_id: 'topics', version_id: versionId, inputs: [{ data: { text: { raw: text } } }] })
      ).outputs[0];
      for (const [j, cid] of CONCEPTS.entries()) {
        scores[r * k + j] = out.data.concepts.find((x: ApiObject) => x.id === cid)?.value ?? 0;
        labels[r * k + j] = cid === c ? 1 : 0;
      }
      const entry = m.test_set.find((t: ApiObject) => t.input.id === id);
      for (const [j, cid] of CONCEPTS.entries())
        near(entry.predicted_concepts.find((x: ApiObject) => x.id === cid)?.value ?? 0, scores[r * k + j]!, `${id} ${cid} score`);
    }
    const expected = classificationMetrics({ scores, labels, n, k, mutuallyExclusive: true });
    near(m.summary.macro_avg_roc_auc ?? 0, expected.summary.macroAvgRocAuc, 'macro_avg_roc_auc');
    near(m.summary.macro_avg_f1_score ?? 0, expected.summary.macroAvgF1, 'macro_avg_f1_score');
    near(m.summary.macro_avg_precision ?? 0, expected.summary.macroAvgPrecision, 'macro_avg_precision');
    near(m.summary.macro_avg_recall ?? 0, expected.summary.macroAvgRecall, 'macro_avg_recall');
    assert.ok(expected.summary.macroAvgF1 < 1, 'the mislabelled input keeps the metrics from being trivially perfect');
    for (const [j, cid] of CONCEPTS.entries()) {
      const b = m.binary_metrics.find((x: ApiObject) => x.concept.id === cid);
      assert.equal(b.num_pos ?? 0, expected.perConcept[j]!.numPos, `${cid} num_pos`);
      assert.equal(b.num_tot ?? 0, expected.perConcept[j]!.numTot, `${cid} num_tot`);
    }
  });

  it('with dataset_version_id, exactly the inputs frozen in that version', async () => {
    await api.ok('PostInputs', { user_app_id: uai, inputs: [textInput('h-late', TOPICS.sports[5]!, [['sports', 1]], { dataset_ids: ['test'] })] });
    assert.equal((await waitForInput(api, uai, 'h-late')).status.code, 30000);
    await api.ok('PostModelVersionEvaluations', {
      user_app_id: uai,
      model_id: 'topics',
      model_version_id: versionId,
      eval_metrics: [{ id: 'on-frozen', ground_truth_dataset: { id: 'test', version: { id: 'frozen' } } }],
    });
    const frozen = (await waitEvaluated(api, uai, 'topics', versionId)).metrics;
    assert.equal(frozen.status.code, 21300, JSON.stringify(frozen.status));
    assert.equal(frozen.id, 'on-frozen');
    assert.deepEqual(frozen.eval_info.params, { dataset_id: 'test', dataset_version_id: 'frozen' });
    assert.equal(frozen.ground_truth_dataset.version.id, 'frozen');
    assert.deepEqual(
      frozen.test_set.map((t: ApiObject) => t.input.id).sort(),
      heldOut.map(([id]) => id),
    );
    await api.ok('PostModelVersionMetrics', {
      user_app_id: uai,
      model_id: 'topics',
      version_id: versionId,
      eval_info: { params: { dataset_id: 'test', dataset_version_id: '' } },
    });
    const current = (await waitEvaluated(api, uai, 'topics', versionId)).metrics;
    assert.deepEqual(current.test_set.map((t: ApiObject) => t.input.id).sort(), [...heldOut.map(([id]) => id), 'h-late'].sort());
  });

  it('bad dataset evaluations are refused before anything is queued', async () => {
    const missing = await api.fails(
      'PostModelVersionMetrics',
      { user_app_id: uai, model_id: 'topics', version_id: versionId, eval_info: { params: { dataset_id: 'nope' } } },
      11101,
      404,
    );
    assert.match(missing.details ?? '', /Dataset 'nope'/);
    await api.fails(
      'PostModelVersionMetrics',
      { user_app_id: uai, model_id: 'topics', version_id: versionId, eval_info: { params: { dataset_id: 'test', dataset_version_id: 'v9' } } },
      11101,
      404,
    );
    const both = await api.fails(
      'PostModelVersionMetrics',
      { user_app_id: uai, model_id: 'topics', version_id: versionId, eval_info: { params: { dataset_id: 'test', num_folds: 3 } } },
      21202,
      400,
    );
    assert.match(both.details ?? '', /num_folds and dataset_id cannot be combined/);
    await api.fails(
      'PostModelVersionMetrics',
      { user_app_id: uai, model_id: 'topics', version_id: versionId, eval_info: { params: { dataset_version_id: 'frozen' } } },
      21202,
      400,
    );
    await api.fails(
      'PostModelVersionEvaluations',
      {
        user_app_id: uai,
        model_id: 'topics',
        model_version_id: versionId,
        eval_metrics: [{ ground_truth_dataset: { id: 'train' }, eval_info: { params: { dataset_id: 'test' } } }],
      },
      21202,
      400,
    );
  });

  it('PostEvaluations starts one by model and version; ListEvaluations and GetEvaluation find it', async () => {
    const posted = await api.ok('PostEvaluations', {
      user_app_id: uai,
      eval_metrics: [{ id: 'cmp-1', model: { id: 'topics', model_version: { id: versionId } }, ground_truth_dataset: { id: 'test' } }],
    });
    assert.equal(posted.eval_metrics[0].id, 'cmp-1');
    assert.equal(posted.eval_metrics[0].model.model_version.id, versionId);
    const done = (await waitEvaluated(api, uai, 'topics', versionId)).metrics;
    assert.equal(done.status.code, 21300);
    const got = (await api.ok('GetEvaluation', { user_app_id: uai, evaluation_id: 'cmp-1', fields: { test_set: true } })).eval_metrics;
    assert.equal(got.model.id, 'topics');
    assert.equal(got.ground_truth_dataset.id, 'test');
    assert.equal(got.test_set.length, heldOut.length + 1);
    const listed = (await api.ok('ListEvaluations', { user_app_id: uai })).eval_metrics as ApiObject[];
    assert.deepEqual(
      listed.map((e) => e.id),
      ['cmp-1'],
    );
    assert.equal(listed[0]!.test_set, undefined);
    assert.deepEqual((await api.ok('ListEvaluations', { user_app_id: uai, eval_dataset_ids: ['train'] })).eval_metrics ?? [], []);
    assert.equal(
      (
        (await api.ok('ListEvaluations', { user_app_id: uai, eval_dataset_ids: ['test'], train_dataset_ids: ['train'], sort_by_roc_auc: true }))
          .eval_metrics as ApiObject[]
      ).length,
      1,
    );
    await api.fails('GetEvaluation', { user_app_id: uai, evaluation_id: 'nope' }, 11101, 404);
    await api.fails('PostEvaluations', { user_app_id: uai, eval_metrics: [{ model: { id: 'topics' }, ground_truth_dataset: { id: 'test' } }] }, 21203, 400);
    await api.fails(
      'PostEvaluations',
      { user_app_id: uai, eval_metrics: [{ model: { id: 'topics', model_version: { id: versionId } }, summary: { macro_avg_f1_score: 1 } }] },
      21202,
      400,
    );
    await api.fails('ListEvaluations', { user_app_id: uai, sort_by_mean_avg_precision: true }, 21202, 400);
  });
});
