import { BUILD_JOB } from '../domain/job-kinds.js';
import { Outcome, Stopped } from '../domain/outcome.js';
import { Code } from '../domain/status-codes.js';
import { TrainLog } from '../domain/train-log.js';
import type { PackageRuntime } from '../ports/plugins.js';
import type { JobHandler, JobRunContext, JobSummary } from './types.js';
import { recordVersionFailure } from './version-failure.js';

/**
 * `build-model-version`: an uploaded version's package is checked where every worker can reach it
 * (the artifacts), outside the request that uploaded it: 21107 MODEL_BUILDING → 21100 MODEL_TRAINED
 * with completed_at, or 21108 MODEL_BUILDING_FAILED with details naming what does not match
 * ("config says 512 outputs per input, the graph gives 1000"). Its lines go to the version's log.
 */
export function buildModelVersionHandler(packages: PackageRuntime): JobHandler {
  return {
    kind: BUILD_JOB,
    genericFailure: { code: Code.MODEL_BUILDING_FAILED, what: 'Checking the uploaded model', retry: 'Upload the package again to retry.' },
    run: (ctx) => runBuild(packages, ctx),
    recordFailure: recordVersionFailure,
  };
}

async function runBuild(packages: PackageRuntime, ctx: JobRunContext): Promise<JobSummary> {
  const version = await ctx.store.versions.getByPk(ctx.job.versionPk);
  if (!version) throw new Stopped('the version was deleted');
  const model = await ctx.store.models.get(version.userId, version.appId, String(ctx.job.payload.model_id ?? ''));
  if (!model) throw new Stopped('the model was deleted');
  const log = new TrainLog(version.trainLog, ctx.now);
  log.add(`attempt ${ctx.job.attempts}: checking the uploaded package on ${ctx.workerId}`);
  let summary: string;
  try {
    summary = await packages.check(version, model);
  } catch (e) {
    if (e instanceof Outcome) await ctx.update((tx) => tx.versions.updateTraining(version.pk, { trainLog: log.text() }).then(() => undefined));
    throw e;
  }
  await ctx.checkpoint();
  const now = ctx.now();
  log.add(summary);
  await ctx.commit('succeeded', '', async (tx) => {
    await tx.versions.updateTraining(version.pk, {
      status: { code: Code.MODEL_TRAINED, details: summary, percentCompleted: 0 },
      completedAt: now,
      trainLog: log.text(),
      modifiedAt: now,
    });
  });
  return { runtime: 'onnx', concepts: version.concepts.length };
}
