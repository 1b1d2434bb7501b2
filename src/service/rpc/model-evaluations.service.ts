import type { Job, Model, ModelVersion } from '../../domain/entities.js';
import { invalidArgument, invalidRequest, modelNotFound, resourceNotFound } from '../../domain/errors.js';
import { evalStatus } from '../../domain/eval-status.js';
import { assertValidId, newId } from '../../domain/ids.js';
import { EVAL_JOB } from '../../domain/job-kinds.js';
import type { JsonObject } from '../../domain/json.js';
import { Code, describe } from '../../domain/status-codes.js';
import { EVALUATION_QUEUED, isEvaluable, isInFlight } from '../../domain/version-lifecycle.js';
import type * as api from '../../gen/api.js';
import { DEFAULT_FOLDS } from '../../ml/evaluation/split.js';
import type { PluginLookup } from '../../ports/plugins.js';
import type { Store } from '../../ports/store.js';
import { type ApiObject, type CallContext, typedRpcs } from '../core/context.js';
import { pageOf } from '../core/paging.js';
import { fieldsOf, metricsToApi } from '../mappers/metrics.mapper.js';
import { versionToApi } from '../mappers/version.mapper.js';
import { evalInfoOf, evalParamsOf } from './eval-params.js';
import { findModel, findVersion } from './models.service.js';

const isActive = (j: Job): boolean => j.kind === EVAL_JOB && (j.state === 'queued' || j.state === 'running');

/**
 * Evaluation of concept classifiers (PostModelVersionMetrics / GetModelVersionMetrics and the
 * …/evaluations RPCs). A version keeps one evaluation — the latest — on its `metrics`; starting
 * one writes status 21303 and queues an `evaluate-model-version` job in the same transaction, and
 * the worker moves it to 21301 → 21300 (or 21315 / 21316 / 21310 / 21317 with details).
 */
export function evaluationStarter(store: Store, plugins: PluginLookup, onJobQueued: (job?: Job) => void = () => {}) {
  const evaluableTypes = (): string[] => plugins.typeIds().filter((t) => plugins.get(t)?.evaluate);

  /** The RPCs here name the version `version_id` (…Metrics) or `model_version_id` (…Evaluations). */
  type NamesVersion = { model_id?: string; version_id?: string; model_version_id?: string };
  const versionOf = async (ctx: CallContext, req: NamesVersion): Promise<{ model: Model; version: ModelVersion }> => {
    const model = await findModel(store, ctx, req.model_id);
    return { model, version: await findVersion(store, model, req.version_id ?? req.model_version_id) };
  };

  /** Queues an evaluation of the named version, or returns the one already queued / running. */
  const start = async (
    ctx: CallContext,
    req: NamesVersion & { test_search?: api.Search },
    opts: { evalId?: string; evalInfo: unknown; where: string; groundTruth?: unknown; gtWhere?: string; idWhere?: string },
  ): Promise<{ model: Model; version: ModelVersion }> => {
    if (req.test_search && Object.keys(req.test_search).length > 0) {
      throw invalidArgument(
        'test_search is not supported: modelkeep evaluates a version by k-fold cross-validation on the data it was trained from, or on a dataset (eval_info.params.dataset_id); leave test_search out.',
      );
    }
    const params = evalParamsOf(opts.evalInfo, opts.where, opts.groundTruth, opts.gtWhere);
    if (opts.evalId) assertValidId(opts.evalId, opts.idWhere ?? 'eval_metrics[0].id');
    const { model, version: found } = await versionOf(ctx, req);
    const groundTruth = params.datasetId ? await groundTruthOf(store, ctx, params.datasetId, params.datasetVersionId) : undefined;
    if (found.runtime === 'onnx') {
      throw invalidArgument(
        `Model version '${found.id}' was uploaded (an ONNX package); modelkeep evaluates only the versions it trains. Evaluate a trained version instead.`,
      );
    }
    if (!plugins.get(model.modelTypeId)?.evaluate) {
      throw invalidArgument(`Model '${model.id}' is a ${model.modelTypeId}; only concept classifiers can be evaluated (${evaluableTypes().join(', ')}).`);
    }
    let queued: Job | undefined;
    const started = await store.transaction(async (tx) => {
      // The model lock serialises two starts on one version (and orders this write like every version write).
      await findModel(tx, ctx, model.id, true);
      const v = await tx.versions.getByPk(found.pk);
      if (!v) throw modelNotFound(`Model '${model.id}' has no version '${found.id}'.`);
      if (!isEvaluable(v.status.code)) {
        throw invalidArgument(
          `Model version '${v.id}' is not trained (status ${v.status.code} ${describe(v.status.code)}); only a version in 21100 MODEL_TRAINED can be evaluated${isInFlight(v.status.code) ? ': wait until its training ends, then call again' : ''}.`,
        );
      }
      const active = (await tx.jobs.getForVersion(v.pk)).find(isActive);
      if (active) {
        const current = String(v.metrics?.id ?? '');
        if (opts.evalId && opts.evalId !== current) {
          throw invalidRequest(
            `Model version '${v.id}' is still being evaluated (evaluation '${current}'); wait until it ends (GetModelVersionEvaluation or GetModelVersionMetrics) before starting another.`,
          );
        }
        return { model, version: v };
      }
      const id = opts.evalId || newId();
      const metrics: JsonObject = {
        status: evalStatus(EVALUATION_QUEUED),
        id,
        user_id: v.userId,
        app_id: v.appId,
        eval_info: evalInfoOf(params),
        ...(groundTruth ? { ground_truth_dataset: groundTruth } : {}),
      };
      await tx.versions.updateTraining(v.pk, { metrics });
      queued = {
        id: newId(),
        kind: EVAL_JOB,
        versionPk: v.pk,
        state: 'queued',
        attempts: 0,
        payload: {
          model_pk: model.pk,
          version_id: v.id,
          model_type_id: model.modelTypeId,
          evaluation_id: id,
          num_folds: params.numFolds,
          req_id: ctx.reqId,
          ...(params.datasetId ? { dataset_id: params.datasetId } : {}),
          ...(params.datasetVersionId ? { dataset_version_id: params.datasetVersionId } : {}),
        },
        leaseOwner: null,
        leaseExpiresAt: null,
        lastError: '',
        createdAt: ctx.now,
        updatedAt: ctx.now,
      };
      await tx.jobs.enqueue(queued);
      return { model, version: { ...v, metrics } };
    });
    // Committed: a worker in this process starts it now instead of at its next poll (others poll).
    onJobQueued(queued);
    return started;
  };

  /** The version as GetModelVersion shows it, with its metrics as asked. */
  const withMetrics = (model: Model, v: ModelVersion, fields: ReadonlySet<string>): ApiObject => ({
    ...versionToApi(v, model, { concepts: false }),
    metrics: metricsToApi(v.metrics, fields),
  });

  const evaluationOf = async (
    ctx: CallContext,
    req: api.GetModelVersionEvaluationRequest,
  ): Promise<{ model: Model; version: ModelVersion; stored: JsonObject }> => {
    const { model, version } = await versionOf(ctx, req);
    const evalId = req.evaluation_id ?? '';
    if (!evalId) throw invalidRequest('evaluation_id is required.');
    const stored = version.metrics;
    if (!stored || stored.id !== evalId) {
      throw resourceNotFound(
        `Model version '${version.id}' has no evaluation '${evalId}'${stored?.id ? `; its evaluation is '${String(stored.id)}'` : ''} (a version keeps only its latest evaluation; ListModelVersionEvaluations lists it).`,
      );
    }
    return { model, version, stored };
  };

  return { start, versionOf, withMetrics, evaluationOf };
}

/** The dataset (and version) a held-out evaluation names, as EvalMetrics.ground_truth_dataset; 11101 when missing. */
async function groundTruthOf(store: Store, ctx: CallContext, datasetId: string, versionId?: string): Promise<JsonObject> {
  const { userId, id: appId } = ctx.app!;
  const d = await store.datasets.get(userId, appId, datasetId);
  if (!d)
    throw resourceNotFound(
      `Dataset '${datasetId}' (eval_info.params.dataset_id) does not exist in app '${userId}/${appId}'. ListDatasets shows the app's datasets.`,
    );
  if (versionId && !(await store.datasets.getVersion(d.pk, versionId))) {
    throw resourceNotFound(
      `Dataset '${datasetId}' has no version '${versionId}' (eval_info.params.dataset_version_id). ListDatasetVersions shows its versions.`,
    );
  }
  return { id: d.id, user_id: userId, app_id: appId, ...(versionId ? { version: { id: versionId, dataset_id: d.id, user_id: userId, app_id: appId } } : {}) };
}

export function evaluationRpcs(store: Store, plugins: PluginLookup, onJobQueued: (job?: Job) => void = () => {}) {
  const { start, versionOf, withMetrics, evaluationOf } = evaluationStarter(store, plugins, onJobQueued);
  return typedRpcs({
    PostModelVersionMetrics: {
      access: 'app-write',
      async handle(ctx, req) {
        const { model, version } = await start(ctx, req, { evalInfo: req.eval_info, where: 'eval_info' });
        return { model_version: withMetrics(model, version, new Set()) };
      },
    },
    GetModelVersionMetrics: {
      access: 'app-read',
      async handle(ctx, req) {
        const { model, version } = await versionOf(ctx, req);
        return { model_version: withMetrics(model, version, fieldsOf(req.fields)) };
      },
    },
    PostModelVersionEvaluations: {
      access: 'app-write',
      async handle(ctx, req) {
        const list = req.eval_metrics ?? [];
        if (list.length !== 1) {
          throw invalidRequest(
            `PostModelVersionEvaluations takes exactly one evaluation in eval_metrics (got ${list.length}), e.g. {"eval_metrics": [{"eval_info": {"params": {"num_folds": ${DEFAULT_FOLDS}}}}]}.`,
          );
        }
        const raw = list[0]!;
        const extra = Object.keys(raw).filter((k) => k !== 'id' && k !== 'eval_info' && k !== 'ground_truth_dataset');
        if (extra.length > 0)
          throw invalidArgument(
            `eval_metrics[0].${extra[0]} cannot be set: an evaluation takes its id, eval_info and ground_truth_dataset; the rest is computed.`,
          );
        const { version } = await start(ctx, req, {
          evalId: raw.id ?? '',
          evalInfo: raw.eval_info,
          where: 'eval_metrics[0].eval_info',
          groundTruth: raw.ground_truth_dataset,
          gtWhere: 'eval_metrics[0].ground_truth_dataset',
        });
        return { eval_metrics: [metricsToApi(version.metrics)] };
      },
    },
    ListModelVersionEvaluations: {
      access: 'app-read',
      async handle(ctx, req) {
        const { page } = pageOf(req, Code.MODEL_INVALID_REQUEST);
        const { version } = await versionOf(ctx, req);
        return { eval_metrics: version.metrics && page === 1 ? [metricsToApi(version.metrics)] : [] };
      },
    },
    GetModelVersionEvaluation: {
      access: 'app-read',
      async handle(ctx, req) {
        const { stored } = await evaluationOf(ctx, req);
        return { eval_metrics: metricsToApi(stored, fieldsOf(req.fields)) };
      },
    },
  });
}
