import type { Job } from '../../domain/entities.js';
import { invalidArgument, invalidRequest, resourceNotFound } from '../../domain/errors.js';
import { checkCount } from '../../domain/limits.js';
import { Code } from '../../domain/status-codes.js';
import type * as api from '../../gen/api.js';
import type { PluginLookup } from '../../ports/plugins.js';
import type { EvaluatedVersion, EvaluationSortField, Store } from '../../ports/store.js';
import { type ApiObject, typedRpcs } from '../core/context.js';
import { pageOf } from '../core/paging.js';
import { fieldsOf, metricsToApi } from '../mappers/metrics.mapper.js';
import { evalParamsOf } from './eval-params.js';
import { evaluationStarter } from './model-evaluations.service.js';

/** ListEvaluations' sort_by_* flags -> the store's sort; the first flag set wins, created_at when none is. */
const SORTS: ReadonlyArray<readonly [keyof api.ListEvaluationsRequest, EvaluationSortField]> = [
  ['sort_by_created_at', 'created_at'],
  ['sort_by_model_id', 'model_id'],
  ['sort_by_app_id', 'app_id'],
  ['sort_by_roc_auc', 'roc_auc'],
  ['sort_by_f1', 'f1'],
  ['sort_by_precision', 'precision'],
  ['sort_by_recall', 'recall'],
  ['sort_by_eval_dataset_id', 'eval_dataset_id'],
  ['sort_by_train_dataset_id', 'train_dataset_id'],
];

/** An evaluation as the app-level RPCs show it: the version's EvalMetrics, with the model and version it evaluates. */
function toApi(e: EvaluatedVersion, fields: ReadonlySet<string> = new Set()): ApiObject {
  const v = e.version;
  return {
    ...metricsToApi(v.metrics, fields),
    model: { id: e.modelId, app_id: v.appId, user_id: v.userId, model_type_id: e.modelTypeId, model_version: { id: v.id, app_id: v.appId, user_id: v.userId } },
  };
}

/**
 * App-level evaluations (PostEvaluations, ListEvaluations, GetEvaluation): the same evaluations
 * PostModelVersionMetrics starts — a version keeps its latest one — named here by the model and
 * version they evaluate. Usually held out on a dataset (ground_truth_dataset or
 * eval_info.params.dataset_id, decision 0020), which is how versions are compared.
 */
export function appEvaluationRpcs(store: Store, plugins: PluginLookup, onJobQueued: (job?: Job) => void = () => {}) {
  const { start, versionOf } = evaluationStarter(store, plugins, onJobQueued);

  return typedRpcs({
    PostEvaluations: {
      access: 'app-write',
      async handle(ctx, req) {
        const list = req.eval_metrics ?? [];
        if (list.length === 0)
          throw invalidRequest(
            'PostEvaluations needs the evaluation in eval_metrics, e.g. {"eval_metrics": [{"model": {"id": "m", "model_version": {"id": "v"}}, "ground_truth_dataset": {"id": "test-set"}}]}.',
          );
        checkCount(list.length, 'PostEvaluations', 'eval_metrics', Code.MODEL_INVALID_REQUEST);
        // Everything checked before anything is queued, so a bad entry queues nothing.
        const asked = await Promise.all(
          list.map(async (raw, i) => {
            const path = `eval_metrics[${i}]`;
            const extra = Object.keys(raw).filter((k) => !['id', 'model', 'eval_info', 'ground_truth_dataset'].includes(k));
            if (extra.length > 0)
              throw invalidArgument(
                `${path}.${extra[0]} cannot be set: an evaluation takes its id, model (with model_version), ground_truth_dataset and eval_info; the rest is computed.`,
              );
            const modelId = raw.model?.id ?? '';
            const versionId = raw.model?.model_version?.id ?? '';
            if (!modelId || !versionId)
              throw invalidRequest(`${path}.model.id and ${path}.model.model_version.id are required: name the trained version to evaluate.`);
            evalParamsOf(raw.eval_info, `${path}.eval_info`, raw.ground_truth_dataset, `${path}.ground_truth_dataset`);
            const vreq = { model_id: modelId, version_id: versionId };
            await versionOf(ctx, vreq);
            return { raw, path, vreq };
          }),
        );
        const out: ApiObject[] = [];
        for (const a of asked) {
          const { model, version } = await start(ctx, a.vreq, {
            evalId: a.raw.id ?? '',
            evalInfo: a.raw.eval_info,
            where: `${a.path}.eval_info`,
            groundTruth: a.raw.ground_truth_dataset,
            gtWhere: `${a.path}.ground_truth_dataset`,
            idWhere: `${a.path}.id`,
          });
          out.push(toApi({ modelId: model.id, modelTypeId: model.modelTypeId, version }));
        }
        return { eval_metrics: out };
      },
    },
    ListEvaluations: {
      access: 'app-read',
      async handle(ctx, req) {
        const field = SORTS.find(([flag]) => req[flag] === true)?.[1] ?? 'created_at';
        if (req.sort_by_mean_avg_precision === true)
          throw invalidArgument(
            'sort_by_mean_avg_precision is not supported: it is a detection metric, and modelkeep evaluates concept classifiers; sort by roc_auc, f1, precision, recall, created_at, model_id or a dataset id.',
          );
        const evalSets = [...new Set(req.eval_dataset_ids ?? [])];
        const trainSets = [...new Set(req.train_dataset_ids ?? [])];
        const concepts = req.concept_ids ?? [];
        checkCount(evalSets.length, 'ListEvaluations', 'eval_dataset_ids', Code.MODEL_INVALID_REQUEST);
        checkCount(trainSets.length, 'ListEvaluations', 'train_dataset_ids', Code.MODEL_INVALID_REQUEST);
        checkCount(concepts.length, 'ListEvaluations', 'concept_ids', Code.MODEL_INVALID_REQUEST);
        const found = await store.versions.listEvaluations({
          userId: ctx.app!.userId,
          appId: ctx.app!.id,
          showFailed: req.show_failed_metrics === true,
          modelTypeId: req.model_type_id || undefined,
          evalDatasetIds: evalSets,
          trainDatasetIds: trainSets,
          conceptIds: concepts,
          // Newest first by default (as every list here); sort_ascending turns any order around.
          sort: { field, ascending: req.sort_ascending === true },
          page: pageOf(req, Code.MODEL_INVALID_REQUEST),
        });
        return { eval_metrics: found.map((e) => toApi(e)) };
      },
    },
    GetEvaluation: {
      access: 'app-read',
      async handle(ctx, req) {
        const id = req.evaluation_id ?? '';
        if (!id) throw invalidRequest('evaluation_id is required.');
        const found = await store.versions.findEvaluated(ctx.app!.userId, ctx.app!.id, id);
        if (!found)
          throw resourceNotFound(
            `Evaluation '${id}' does not exist in app '${ctx.app!.userId}/${ctx.app!.id}' (a version keeps only its latest evaluation; ListEvaluations lists them).`,
          );
        return { eval_metrics: toApi(found, fieldsOf(req.fields)) };
      },
    },
  });
}
