import type { ModelVersion } from '../domain/entities.js';
import { TRAIN_JOB } from '../domain/job-kinds.js';
import { isJsonObject } from '../domain/json.js';
import type { ModelTypeRegistry } from '../domain/model-types/registry.js';
import { Outcome, Stopped } from '../domain/outcome.js';
import { Code } from '../domain/status-codes.js';
import { TrainLog } from '../domain/train-log.js';
import { TRAINING_EVENTS } from '../domain/version-lifecycle.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { TrainResult } from '../ports/plugins.js';
import { percentOf, progressStep } from './progress.js';
import type { JobHandler, JobRunContext, JobSummary } from './types.js';
import { recordVersionFailure } from './version-failure.js';

export interface TrainHandlerOptions {
  plugins: PluginRegistry;
  types: ModelTypeRegistry;
  /** Limit when the version sets no output_config.training_timeout. */
  defaultTimeoutMs: number;
  /** Least time between two progress writes (percent_completed, log). */
  progressEveryMs?: number;
}

/** A version whose worker stopped mid-training: what its 21103 says. */
export const HANDED_BACK_DETAILS = 'Training was interrupted because its worker shut down; it restarts from the beginning when a worker takes the job.';

export const DEFAULT_TRAINING_TIMEOUT_MS = 60 * 60 * 1000;

function timeoutMs(v: ModelVersion, fallback: number): number {
  const oc = v.outputInfo.output_config;
  const s = isJsonObject(oc) && typeof oc.training_timeout === 'number' ? oc.training_timeout : 0;
  return s > 0 ? s * 1000 : fallback;
}

/**
 * `train-model-version`: 21103 → 21101 (percent_completed moving, log growing) → 21100 with the
 * artifact, completed_at and total_input_count, all in one guarded transaction; or a failure code
 * with actionable details. Every write goes through ctx.update / ctx.commit, so a job that was
 * cancelled (its version deleted) or lost its lease writes nothing.
 */
export function trainModelVersionHandler(opts: TrainHandlerOptions): JobHandler {
  return {
    kind: TRAIN_JOB,
    run: (ctx) => runTraining(opts, ctx),
    recordFailure: recordVersionFailure,
    async recordHandBack(tx, job, now) {
      const v = await tx.versions.getByPk(job.versionPk);
      if (!v) return;
      const log = new TrainLog(v.trainLog, () => now);
      log.add(`attempt ${job.attempts}: stopped because its worker shut down; back in the queue`);
      await tx.versions.updateTraining(v.pk, {
        status: { code: Code.MODEL_QUEUED_FOR_TRAINING, details: HANDED_BACK_DETAILS, percentCompleted: 0 },
        trainLog: log.text(),
        modifiedAt: now,
      });
    },
  };
}

async function runTraining(opts: TrainHandlerOptions, ctx: JobRunContext): Promise<JobSummary> {
  const { job } = ctx;
  const version = await ctx.store.versions.getByPk(job.versionPk);
  if (!version) throw new Stopped('the version was deleted');
  const typeId = String(job.payload.model_type_id ?? '');
  const plugin = opts.plugins.get(typeId);
  const type = opts.types.get(typeId);
  if (!plugin?.train || !type) throw new Outcome(Code.MODEL_TRAINING_FAILED, `model type '${typeId}' cannot be trained by this server.`);

  const pk = version.pk;
  const log = new TrainLog(version.trainLog, ctx.now);
  const limitMs = timeoutMs(version, opts.defaultTimeoutMs);
  const started = ctx.now();
  const status = (details: string, percentCompleted: number) => ({ code: TRAINING_EVENTS.progress, details, percentCompleted });
  log.add(`attempt ${job.attempts}: training started by ${ctx.workerId}`);
  await ctx.update(async (tx) => {
    await tx.versions.updateTraining(pk, {
      status: { code: TRAINING_EVENTS.started, details: 'Training started.', percentCompleted: 1 },
      trainLog: log.text(),
      modifiedAt: ctx.now(),
    });
  });

  // Progress arrives synchronously from the trainer; writes are throttled, one at a time, and a
  // write that finds the job gone makes the trainer stop at its next step.
  let stopped = false;
  let inFlight: Promise<void> | undefined;
  let lastWrite = started;
  // A log line every 10% (not throttled by time like the writes: a fast training still shows its steps).
  let loggedTenth = 0;
  const progress = (fraction: number, loss?: number): void => {
    const tenth = progressStep(loggedTenth, fraction);
    if (tenth !== undefined) {
      loggedTenth = tenth;
      ctx.log?.info({ percent: tenth * 10, ...(loss !== undefined ? { loss: Number(loss.toFixed(4)) } : {}) }, 'job progress');
    }
    const now = ctx.now();
    if (inFlight || now - lastWrite < (opts.progressEveryMs ?? 1000)) return;
    lastWrite = now;
    const details = `Training: ${Math.round(fraction * 100)}% done${loss !== undefined ? `, loss ${loss.toFixed(4)}` : ''}.`;
    inFlight = ctx
      .update((tx) => tx.versions.updateTraining(pk, { status: status(details, percentOf(fraction)), trainLog: log.text() }).then(() => undefined))
      .catch((e: unknown) => {
        if (e instanceof Stopped) stopped = true;
      })
      .finally(() => (inFlight = undefined));
  };

  let result: TrainResult;
  try {
    result = await plugin.train({
      version,
      type,
      progress,
      log: (line) => log.add(line),
      shouldStop: () => stopped || ctx.signal.aborted,
      timeLeftMs: () => limitMs - (ctx.now() - started),
    });
  } catch (e) {
    await inFlight;
    if (e instanceof Stopped) throw new Stopped('training stopped: the job was cancelled or taken over');
    if (e instanceof Outcome) {
      // Keep what the log says so far (e.g. how much data was found); the failure line follows.
      await ctx.update((tx) => tx.versions.updateTraining(pk, { trainLog: log.text() }).then(() => undefined));
    }
    throw e;
  }
  await inFlight;
  if (stopped) throw new Stopped('the job was cancelled or taken over');
  await ctx.checkpoint();
  const now = ctx.now();
  log.add(`trained on ${result.totalInputCount} inputs in ${((now - started) / 1000).toFixed(1)} s`);
  await ctx.commit('succeeded', '', async (tx) => {
    await tx.artifacts.put(pk, result.artifact);
    if (result.inputIds) await tx.inputs.recordTrainedOn(pk, version.userId, version.appId, result.inputIds);
    await tx.versions.updateTraining(pk, {
      status: { code: TRAINING_EVENTS.succeeded, details: result.details ?? '', percentCompleted: 0 },
      totalInputCount: result.totalInputCount,
      completedAt: now,
      trainLog: log.text(),
      modifiedAt: now,
      ...(result.inputInfo ? { inputInfo: result.inputInfo } : {}),
    });
  });
  return { inputs: result.totalInputCount, concepts: version.concepts.length };
}
