import type { Job } from '../domain/entities.js';
import { describe } from '../domain/status-codes.js';
import { TrainLog } from '../domain/train-log.js';
import type { Repos } from '../ports/store.js';

/**
 * A job's terminal failure on its version (JobHandler.recordFailure of training and of an upload's
 * check): the status with its details, and a "failed: …" line in the version's log.
 */
export async function recordVersionFailure(tx: Repos, job: Job, code: number, details: string, now: number): Promise<void> {
  const v = await tx.versions.getByPk(job.versionPk);
  if (!v) return;
  const log = new TrainLog(v.trainLog, () => now);
  log.add(`failed: ${code} ${describe(code)} ${details}`);
  await tx.versions.updateTraining(v.pk, { status: { code, details, percentCompleted: 0 }, trainLog: log.text(), modifiedAt: now });
}
