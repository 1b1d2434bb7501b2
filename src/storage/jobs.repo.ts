import { DuplicateKeyError } from '../domain/errors.js';
import type { Job } from '../domain/entities.js';
import type { JobRepo } from '../ports/store.js';
import { count, type Ctx } from './context.js';
import { jobFromRow, jobToRow } from './rows.js';

/**
 * The durable job table. Enqueue writes through the caller's handle, so inside transaction() the job
 * commits or rolls back with its version. (A PostgreSQL engine such as pg-boss can sit behind this
 * interface later, as long as it can enqueue on the same connection.)
 */
export function jobRepo(ctx: Ctx): JobRepo {
  const { db } = ctx;
  return {
    async enqueue(job: Job) {
      const res = await db.insertInto('jobs').values(jobToRow(job)).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      if (count(res.numInsertedOrUpdatedRows) === 0) throw new DuplicateKeyError('job', job.id);
    },

    async getForVersion(versionPk) {
      const rows = await db
        .selectFrom('jobs')
        .selectAll()
        .where('version_pk', '=', versionPk)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map(jobFromRow);
    },

    /**
     * Workers must write results with `... where id = ? and state = 'running' and lease_owner = ?`,
     * so once this has run, no result of the cancelled job can land.
     */
    async cancelForVersion(versionPk, now) {
      const res = await db
        .updateTable('jobs')
        .set({ state: 'cancelled', updated_at: now })
        .where('version_pk', '=', versionPk)
        .where('state', 'in', ['queued', 'running'])
        .executeTakeFirst();
      return count(res.numUpdatedRows);
    },
  };
}
