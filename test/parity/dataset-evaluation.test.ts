import assert from 'node:assert/strict';
import type { ApiObject } from '../helpers/clients.js';
import { TEST_PAT, TEST_USER } from '../helpers/server.js';
import { type ParityApi, paritySuite } from './harness.js';

// Evidence:
// - Clarifai/docs docs/…/evaluate "Evaluate via API" (PostModelVersionEvaluations: "If evaluating an
//   embedding-classifier model type, you need to set use_kfold to false in the eval_info.params …
//   params.update({"dataset_id": DATASET_ID, "use_kfold": False})"), snippets
//   code_snippets/api-guide/evaluate/evaluate_model_version.sh, get_model_version_evaluation.sh,
//   list_model_version_evaluations.sh, interpret_evaluations.sh (GET …/evaluations/{id}/).
// - Clarifai/clarifai-python clarifai/client/model.py evaluate (PostEvaluations with model,
//   ground_truth_dataset {id, app_id, user_id} and an eval id), get_latest_eval (ListModelVersionEvaluations
//   [0], then GetEvaluation when it is MODEL_EVALUATED, 21300), get_eval_by_id (fields test_set, …).

const TRAIN = [
  ...['I love it, wonderful', 'great, very happy', 'excellent quality', 'superb and lovely'].map((raw) => ({ raw, c: 'positive' })),
  ...['awful, it broke', 'terrible and sad', 'very disappointing', 'horrible, never again'].map((raw) => ({ raw, c: 'negative' })),
];
const TEST = [
  { id: 'held-1', raw: 'happy and great', c: 'positive' },
  { id: 'held-2', raw: 'wonderful quality', c: 'positive' },
  { id: 'held-3', raw: 'sad and awful', c: 'negative' },
  { id: 'held-4', raw: 'it broke, terrible', c: 'negative' },
];

/** An app with a `train` and a held-out `test-set` dataset, and a text classifier trained on `train` only. */
async function trainedOnTrain(api: ParityApi): Promise<{ uai: ApiObject; modelId: string; versionId: string }> {
  const uai = { user_id: 'me', app_id: (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('eval') }] })).apps[0].id };
  await api.ok('PostDatasets', { user_app_id: uai, datasets: [{ id: 'train' }, { id: 'test-set' }] });
  await api.ok('PostInputs', {
    user_app_id: uai,
    inputs: [
      ...TRAIN.map(({ raw, c }, i) => ({ id: `train-${i}`, data: { text: { raw }, concepts: [{ id: c, value: 1 }] }, dataset_ids: ['train'] })),
      ...TEST.map(({ id, raw, c }) => ({ id, data: { text: { raw }, concepts: [{ id: c, value: 1 }] }, dataset_ids: ['test-set'] })),
    ],
  });
  for (const id of [...TRAIN.map((_, i) => `train-${i}`), ...TEST.map((t) => t.id)])
    await api.until('GetInput', { user_app_id: uai, input_id: id }, (b) => b.input?.status?.code === 30000);
  const modelId = api.id('sentiment');
  await api.ok('PostModels', { user_app_id: uai, models: [{ id: modelId, model_type_id: 'text-classifier' }] });
  const versionId = (
    await api.ok('PostModelVersions', {
      user_app_id: uai,
      model_id: modelId,
      model_versions: [
        {
          output_info: { data: { concepts: [{ id: 'positive' }, { id: 'negative' }] } },
          train_info: { params: { template: 'modelkeep_text_logreg', seed: 1, dataset_id: 'train' } },
        },
      ],
    })
  ).model.model_version.id as string;
  const trained = await api.until(
    'GetModelVersion',
    { user_app_id: uai, model_id: modelId, version_id: versionId },
    (b) => ![21103, 21101].includes(b.model_version?.status?.code),
  );
  assert.equal(trained.model_version.status.code, 21100, JSON.stringify(trained.model_version.status));
  return { uai, modelId, versionId };
}

const notRunning = (m: ApiObject | undefined) => m?.status?.code !== undefined && ![21301, 21302, 21303].includes(m.status.code);

paritySuite('evaluation on a ground-truth dataset', (cases, p) => {
  cases(
    'PostModelVersionEvaluations with eval_info.params {dataset_id, use_kfold: false} evaluates on that dataset; GetModelVersionEvaluation ends in 21300 naming it; ListModelVersionEvaluations lists it',
    'Clarifai/docs code_snippets/api-guide/evaluate/evaluate_model_version.sh with the use_kfold tip of "Evaluate via API"; get_model_version_evaluation.sh, list_model_version_evaluations.sh',
    async (api) => {
      const { uai, modelId, versionId } = await trainedOnTrain(api);
      const posted = await api.ok('PostModelVersionEvaluations', {
        user_app_id: uai,
        model_id: modelId,
        model_version_id: versionId,
        eval_metrics: [{ eval_info: { params: { dataset_id: 'test-set', use_kfold: false } } }],
      });
      const evalId = posted.eval_metrics[0].id as string;
      assert.ok(evalId.length > 0, 'the evaluation gets an id');
      const done = await api.until(
        'GetModelVersionEvaluation',
        { user_app_id: uai, model_id: modelId, model_version_id: versionId, evaluation_id: evalId },
        (b) => b.status?.code !== 10000 || notRunning(b.eval_metrics),
      );
      assert.equal(done.status.code, 10000, JSON.stringify(done.status));
      assert.equal(done.eval_metrics.status.code, 21300, JSON.stringify(done.eval_metrics.status));
      assert.equal(done.eval_metrics.ground_truth_dataset.id, 'test-set');
      const listed = await api.ok('ListModelVersionEvaluations', { user_app_id: uai, model_id: modelId, model_version_id: versionId });
      assert.deepEqual(
        (listed.eval_metrics as ApiObject[]).map((m) => m.id),
        [evalId],
      );
    },
  );

  cases(
    "the SDK's Model.evaluate (PostEvaluations with model and ground_truth_dataset) then get_latest_eval: the test set is exactly the dataset's inputs",
    'Clarifai/clarifai-python clarifai/client/model.py evaluate, get_latest_eval, get_eval_by_id; Clarifai/docs code_snippets/api-guide/evaluate/interpret_evaluations.sh',
    async (api) => {
      const { uai, modelId, versionId } = await trainedOnTrain(api);
      const evalId = api.id('eval-on-test-set');
      const posted = await api.ok('PostEvaluations', {
        user_app_id: uai,
        eval_metrics: [
          {
            id: evalId,
            model: { id: modelId, app_id: uai.app_id, user_id: TEST_USER, model_version: { id: versionId } },
            ground_truth_dataset: { id: 'test-set', app_id: uai.app_id, user_id: TEST_USER },
          },
        ],
      });
      assert.equal(posted.eval_metrics[0].id, evalId);
      // get_latest_eval: the first of ListModelVersionEvaluations, once MODEL_EVALUATED.
      const latest = await api.until(
        'ListModelVersionEvaluations',
        { user_app_id: uai, model_id: modelId, model_version_id: versionId },
        (b) => b.status?.code !== 10000 || notRunning(b.eval_metrics?.[0]),
      );
      assert.equal(latest.eval_metrics[0].id, evalId);
      assert.equal(latest.eval_metrics[0].status.code, 21300, JSON.stringify(latest.eval_metrics[0].status));
      const got = await api.ok('GetEvaluation', {
        user_app_id: uai,
        evaluation_id: evalId,
        fields: { label_counts: true, test_set: true, binary_metrics: true, confusion_matrix: true, metrics_by_class: true },
      });
      const tested = ((got.eval_metrics.test_set ?? []) as ApiObject[]).map((e) => e.input?.id as string).sort();
      assert.deepEqual(
        tested,
        TEST.map((t) => t.id),
      );
      assert.equal(got.eval_metrics.ground_truth_dataset.id, 'test-set');
      // The shape of the docs' raw output example (code_snippets/api-guide/model/code_output_examples/
      // interpret_evaluations_1.js): a summary, a confusion matrix over the concept ids, and per concept
      // binary metrics counted on the test set, with ROC and precision-recall curves.
      const m = got.eval_metrics;
      assert.equal(typeof m.summary.macro_avg_roc_auc, 'number');
      assert.deepEqual([...m.confusion_matrix.concept_ids].sort(), ['negative', 'positive']);
      for (const cell of m.confusion_matrix.matrix as ApiObject[])
        assert.ok(['positive', 'negative'].includes(cell.predicted) && ['positive', 'negative'].includes(cell.actual));
      const binary = m.binary_metrics as ApiObject[];
      assert.deepEqual(binary.map((b) => b.concept.id).sort(), ['negative', 'positive']);
      for (const b of binary) {
        assert.deepEqual([b.num_pos, b.num_neg, b.num_tot], [2, 2, 4], `${b.concept.id}: counted on the 4 held-out inputs`);
        assert.ok(b.roc_curve.fpr.length > 0 && b.roc_curve.fpr.length === b.roc_curve.tpr.length && b.roc_curve.tpr.length === b.roc_curve.thresholds.length);
        assert.ok(b.precision_recall_curve.recall.length === b.precision_recall_curve.precision.length);
      }
      // ListEvaluations (service.proto ListEvaluationsRequest): the app's evaluations, filtered by the held-out
      // dataset, sorted by a summary metric, paged; Lister-style clients stop at the first empty page.
      const listed = await api.ok('ListEvaluations', { user_app_id: uai, eval_dataset_ids: ['test-set'], sort_by_roc_auc: true, page: 1, per_page: 10 });
      assert.deepEqual(
        (listed.eval_metrics as ApiObject[]).map((e) => [e.id, e.model.id, e.model.model_version.id]),
        [[evalId, modelId, versionId]],
      );
      assert.deepEqual((await api.ok('ListEvaluations', { user_app_id: uai, eval_dataset_ids: ['test-set'], page: 2, per_page: 10 })).eval_metrics ?? [], []);
      assert.deepEqual((await api.ok('ListEvaluations', { user_app_id: uai, eval_dataset_ids: ['train-set'] })).eval_metrics ?? [], []);
      if (api.transport === 'rest') {
        // The docs' URL ends in a slash.
        const res = await fetch(`http://127.0.0.1:${p.server.httpPort}/v2/users/me/apps/${uai.app_id}/evaluations/${evalId}/`, {
          headers: { authorization: `Key ${TEST_PAT}` },
        });
        const body = (await res.json()) as ApiObject;
        assert.equal(res.status, 200, JSON.stringify(body));
        assert.equal(body.eval_metrics.id, evalId);
      }
    },
  );
});
