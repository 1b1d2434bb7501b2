import type { Job, ModelVersion } from '../domain/entities.js';
import { evalStatus } from '../domain/eval-status.js';
import { EVAL_JOB } from '../domain/job-kinds.js';
import type { JsonObject } from '../domain/json.js';
import type { ModelTypeRegistry } from '../domain/model-types/registry.js';
import { Outcome, Stopped } from '../domain/outcome.js';
import { Code } from '../domain/status-codes.js';
import { EVALUATION_EVENTS, evaluationFailureCode } from '../domain/version-lifecycle.js';
import { classificationMetrics } from '../ml/evaluation/metrics.js';
import { DEFAULT_FOLDS } from '../ml/evaluation/split.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { EvaluationResult } from '../ports/plugins.js';
import type { Repos } from '../ports/store.js';
import { evaluationMethodText, evaluationToApi } from './evaluation-record.js';
import { percentOf } from './progress.js';
import type { JobHandler, JobRunContext } from './types.js';

export interface EvalHandlerOptions {
  plugins: PluginRegistry;
  types: ModelTypeRegistry;
  /** Time limit of one evaluation (all its folds); past it the evaluation ends in 21310. */
  timeoutMs: number;
  /** Least time between two progress writes (metrics.status.percent_completed). */
  progressEveryMs?: number;
}

export const DEFAULT_EVALUATION_TIMEOUT_MS = 60 * 60 * 1000;

/** What every status write of one evaluation keeps: its id, owner and parameters. */
function baseOf(v: ModelVersion, job: Job): JsonObject {
  const m = v.metrics ?? {};
  return {
    id: String(m.id ?? job.payload.evaluation_id ?? ''),
    user_id: v.userId,
    app_id: v.appId,
    eval_info: m.eval_info ?? { params: { num_folds: Number(job.payload.num_folds ?? DEFAULT_FOLDS) } },
    ...(m.ground_truth_dataset ? { ground_truth_dataset: m.ground_truth_dataset } : {}),
  };
}

/**
 * `evaluate-model-version`: the version's `metrics.status` goes 21303 → 21301 (percent_completed
 * moving) → 21300 with the summary, per-concept binary metrics, matrices, label counts and test
 * set, or ends in 21315 / 21316 / 21310 / 21317 with details saying what to do. Every write goes
 * through ctx.update / ctx.commit, so once the version is deleted (its job rows go with it) or the
 * lease is lost, nothing more is written. The status of the version itself (21100) never changes.
 */
export function evaluateModelVersionHandler(opts: EvalHandlerOptions): JobHandler {
  return {
    kind: EVAL_JOB,
    genericFailure: { code: Code.MODEL_EVALUATION_FAILED, what: 'Evaluation', retry: 'Call PostModelVersionMetrics again to retry.' },
    run: (ctx) => runEvaluation(opts, ctx),
    async recordFailure(tx: Repos, job, code, details) {
      const v = await tx.versions.getByPk(job.versionPk);
      if (!v || (v.metrics && v.metrics.id !== job.payload.evaluation_id)) return;
      await tx.versions.updateTraining(v.pk, { metrics: { ...baseOf(v, job), status: evalStatus(evaluationFailureCode(code), details) } });
    },
    async recordHandBack(tx: Repos, job) {
      const v = await tx.versions.getByPk(job.versionPk);
      if (!v || (v.metrics && v.metrics.id !== job.payload.evaluation_id)) return;
      const details = 'The evaluation was interrupted because its worker shut down; it restarts from the beginning when a worker takes the job.';
      await tx.versions.updateTraining(v.pk, { metrics: { ...baseOf(v, job), status: evalStatus(Code.MODEL_QUEUED_FOR_EVALUATION, details) } });
    },
  };
}

async function runEvaluation(opts: EvalHandlerOptions, ctx: JobRunContext): Promise<void> {
  const { job } = ctx;
  const version = await ctx.store.versions.getByPk(job.versionPk);
  if (!version) throw new Stopped('the version was deleted');
  if (version.metrics?.id !== job.payload.evaluation_id) throw new Stopped('a newer evaluation replaced this one');
  const typeId = String(job.payload.model_type_id ?? '');
  const plugin = opts.plugins.get(typeId);
  const type = opts.types.get(typeId);
  if (!plugin?.evaluate || !type) throw new Outcome(Code.MODEL_EVALUATION_FAILED, `model type '${typeId}' cannot be evaluated by this server.`);

  const pk = version.pk;
  const base = baseOf(version, job);
  const write = (status: JsonObject) => (tx: Repos) => tx.versions.updateTraining(pk, { metrics: { ...base, status } }).then(() => undefined);
  await ctx.update(write(evalStatus(EVALUATION_EVENTS.started, 'Evaluation started.', 1)));

  // Progress arrives synchronously from the trainer: writes are throttled, one at a time, and a
  // write that finds the job gone makes the folds stop at their next step.
  const started = ctx.now();
  let stopped = false;
  let inFlight: Promise<void> | undefined;
  let lastWrite = started;
  const progress = (fraction: number): void => {
    const now = ctx.now();
    if (inFlight || now - lastWrite < (opts.progressEveryMs ?? 1000)) return;
    lastWrite = now;
    inFlight = ctx
      .update(write(evalStatus(EVALUATION_EVENTS.progress, `Evaluating: ${Math.round(fraction * 100)}% done.`, percentOf(fraction))))
      .catch((e: unknown) => {
        if (e instanceof Stopped) stopped = true;
      })
      .finally(() => (inFlight = undefined));
  };

  let result: EvaluationResult;
  try {
    const datasetId = String(job.payload.dataset_id ?? '');
    const datasetVersionId = String(job.payload.dataset_version_id ?? '');
    result = await plugin.evaluate({
      version,
      type,
      numFolds: Number(job.payload.num_folds ?? DEFAULT_FOLDS),
      progress,
      ...(datasetId ? { heldOut: { datasetId, ...(datasetVersionId ? { datasetVersionId } : {}) } } : {}),
      shouldStop: () => stopped || ctx.signal.aborted,
      timeLeftMs: () => opts.timeoutMs - (ctx.now() - started),
    });
  } catch (e) {
    await inFlight;
    if (e instanceof Stopped) throw new Stopped('evaluation stopped: the job was cancelled or taken over');
    throw e;
  }
  await inFlight;
  if (stopped) throw new Stopped('the job was cancelled or taken over');
  await ctx.checkpoint();
  const metrics = classificationMetrics({
    scores: result.scores,
    labels: result.labels,
    n: result.n,
    k: result.k,
    mutuallyExclusive: result.mutuallyExclusive,
  });
  const seconds = ((ctx.now() - started) / 1000).toFixed(1);
  const held = result.heldOut;
  const details = held
    ? `Held-out evaluation on ${metrics.labelledRows} labelled inputs of dataset '${held.datasetId}'${held.datasetVersionId ? ` version '${held.datasetVersionId}'` : ''}, scored by the trained version, in ${seconds} s.`
    : evaluationMethodText(result, metrics, seconds);
  await ctx.commit('succeeded', '', async (tx) => {
    await tx.versions.updateTraining(pk, {
      metrics: { ...base, status: evalStatus(EVALUATION_EVENTS.succeeded, details), ...evaluationToApi(result, metrics, version) },
    });
  });
}
