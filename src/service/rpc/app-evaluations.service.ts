import type { Job, ModelVersion } from '../../domain/entities.js';
import { invalidArgument, invalidRequest, resourceNotFound } from '../../domain/errors.js';
import { isJsonObject, type JsonObject } from '../../domain/json.js';
import { checkCount } from '../../domain/limits.js';
import { Code } from '../../domain/status-codes.js';
import type * as api from '../../gen/api.js';
import type { PluginLookup } from '../../ports/plugins.js';
import type { Store } from '../../ports/store.js';
import { type ApiObject, type CallContext, typedRpcs } from '../core/context.js';
import { pageOf } from '../core/paging.js';
import { fieldsOf, metricsToApi } from '../mappers/metrics.mapper.js';
import { evalParamsOf } from './eval-params.js';
import { evaluationStarter } from './model-evaluations.service.js';

interface Evaluated {
  modelId: string;
  modelTypeId: string;
  version: ModelVersion;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NEGATIVE_INFINITY);
const summaryOf = (e: Evaluated): JsonObject => (isJsonObject(e.version.metrics?.summary) ? e.version.metrics.summary : {});
const evalDataset = (e: Evaluated): string => (isJsonObject(e.version.metrics?.ground_truth_dataset) ? str(e.version.metrics.ground_truth_dataset.id) : '');
const trainDataset = (e: Evaluated): string => (isJsonObject(e.version.trainInfo.params) ? str(e.version.trainInfo.params.dataset_id) : '');
const failed = (e: Evaluated): boolean => {
  const code = isJsonObject(e.version.metrics?.status) ? Number(e.version.metrics.status.code ?? 0) : 0;
  return code >= 21310 && code <= 21319;
};

const byCreatedAt = (e: Evaluated): number => e.version.createdAt;

/** ListEvaluations' sort_by_* flags -> the value each sorts on (ascending order of the value); the first flag set wins. */
const SORTS: ReadonlyArray<readonly [keyof api.ListEvaluationsRequest, (e: Evaluated) => string | number]> = [
  ['sort_by_created_at', byCreatedAt],
  ['sort_by_model_id', (e) => e.modelId],
  ['sort_by_app_id', (e) => e.version.appId],
  ['sort_by_roc_auc', (e) => num(summaryOf(e).macro_avg_roc_auc)],
  ['sort_by_f1', (e) => num(summaryOf(e).macro_avg_f1_score)],
  ['sort_by_precision', (e) => num(summaryOf(e).macro_avg_precision)],
  ['sort_by_recall', (e) => num(summaryOf(e).macro_avg_recall)],
  ['sort_by_eval_dataset_id', evalDataset],
  ['sort_by_train_dataset_id', trainDataset],
];

/** An evaluation as the app-level RPCs show it: the version's EvalMetrics, with the model and version it evaluates. */
function toApi(e: Evaluated, fields: ReadonlySet<string> = new Set()): ApiObject {
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
  const all = (ctx: CallContext): Promise<Evaluated[]> => store.versions.listEvaluated(ctx.app!.userId, ctx.app!.id);

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
        const { page, perPage } = pageOf(req, Code.MODEL_INVALID_REQUEST);
        const key = SORTS.find(([flag]) => req[flag] === true)?.[1] ?? byCreatedAt;
        if (req.sort_by_mean_avg_precision === true)
          throw invalidArgument(
            'sort_by_mean_avg_precision is not supported: it is a detection metric, and modelkeep evaluates concept classifiers; sort by roc_auc, f1, precision, recall, created_at, model_id or a dataset id.',
          );
        const types = req.model_type_id ?? '';
        const evalSets = new Set(req.eval_dataset_ids ?? []);
        const trainSets = new Set(req.train_dataset_ids ?? []);
        const concepts = req.concept_ids ?? [];
        checkCount(evalSets.size, 'ListEvaluations', 'eval_dataset_ids', Code.MODEL_INVALID_REQUEST);
        checkCount(trainSets.size, 'ListEvaluations', 'train_dataset_ids', Code.MODEL_INVALID_REQUEST);
        checkCount(concepts.length, 'ListEvaluations', 'concept_ids', Code.MODEL_INVALID_REQUEST);
        const kept = (await all(ctx)).filter(
          (e) =>
            (req.show_failed_metrics === true || !failed(e)) &&
            (!types || e.modelTypeId === types) &&
            (evalSets.size === 0 || evalSets.has(evalDataset(e))) &&
            (trainSets.size === 0 || trainSets.has(trainDataset(e))) &&
            concepts.every((c) => e.version.concepts.some((vc) => vc.id === c)),
        );
        // Newest first by default (as every list here); sort_ascending turns any order around.
        const descending = req.sort_ascending !== true;
        kept.sort((a, b) => {
          const x = key(a),
            y = key(b);
          const c = x < y ? -1 : x > y ? 1 : a.version.pk < b.version.pk ? -1 : 1;
          return descending ? -c : c;
        });
        return { eval_metrics: kept.slice((page - 1) * perPage, page * perPage).map((e) => toApi(e)) };
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
