import { sql } from 'kysely';
import type { Job } from '../../domain/entities.js';
import { DuplicateKeyError } from '../../domain/errors.js';
import { LEASE_EXPIRED } from '../../domain/job-kinds.js';
import type { JobRepo } from '../../ports/store.js';
import { type Ctx, count, inList } from '../sql/context.js';
import { jobFromRow, jobToRow } from '../sql/rows.js';

/**
 * The durable job table. Enqueue writes through the caller's handle, so inside transaction() the job
 * commits or rolls back with its version. (A PostgreSQL engine such as pg-boss can sit behind this
 * interface later, as long as it can enqueue on the same connection.)
 * Every write a worker makes is conditional on `state = 'running' and lease_owner = <worker>`, so
 * once a job is cancelled, deleted or taken over, nothing its old worker sends can land.
 *
 * Lock order on PostgreSQL: model row, then job row, then version row. Deleting an app or a model
 * locks the model rows first and reaches jobs through the cascade; every version write locks its
 * model first too. So the two job operations that take the job row inside a longer transaction
 * (lockRunning before a result write, cancelForVersion before a version delete) take the model row
 * first — otherwise a worker writing a result and a concurrent DeleteApp / DeleteModel wait on
 * each other in a cycle (found by the integration suite on PostgreSQL: 40P01).
 */
export function jobRepo(ctx: Ctx): JobRepo {
  const { db, dialect } = ctx;
  const held = (jobId: string, workerId: string) =>
    db.selectFrom('jobs').selectAll().where('id', '=', jobId).where('state', '=', 'running').where('lease_owner', '=', workerId);
  /** PostgreSQL: locks the model row the job's version belongs to (FOR NO KEY UPDATE, like every version write). */
  const lockModelOf = async (where: { jobId: string } | { versionPk: string }): Promise<void> => {
    if (dialect !== 'postgres') return;
    let q = db.selectFrom('models').innerJoin('model_versions as v', 'v.model_pk', 'models.pk').select('models.pk');
    q = 'jobId' in where ? q.innerJoin('jobs as j', 'j.version_pk', 'v.pk').where('j.id', '=', where.jobId) : q.where('v.pk', '=', where.versionPk);
    await q.forNoKeyUpdate('models').execute();
  };

  return {
    async enqueue(job: Job) {
      const res = await db
        .insertInto('jobs')
        .values(jobToRow(job))
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (count(res.numInsertedOrUpdatedRows) === 0) throw new DuplicateKeyError('job', job.id);
    },

    async getForVersion(versionPk) {
      const rows = await db.selectFrom('jobs').selectAll().where('version_pk', '=', versionPk).orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
      return rows.map(jobFromRow);
    },

    async cancelForVersion(versionPk, now) {
      await lockModelOf({ versionPk });
      const res = await db
        .updateTable('jobs')
        .set({ state: 'cancelled', updated_at: now })
        .where('version_pk', '=', versionPk)
        .where('state', 'in', ['queued', 'running'])
        .executeTakeFirst();
      return count(res.numUpdatedRows);
    },

    /**
     * One statement on both dialects. PostgreSQL: the candidate is locked FOR UPDATE SKIP LOCKED, so
     * concurrent workers each skip to a different job instead of queueing behind one row. SQLite:
     * the statement runs under the single write lock.
     */
    async claim(workerId, kinds, leaseUntil, now) {
      if (kinds.length === 0) return undefined;
      let next = db
        .selectFrom('jobs')
        .select('id')
        .where(inList(dialect, 'kind', kinds))
        .where((eb) => eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'running'), eb('lease_expires_at', '<', now)])]))
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .limit(1);
      if (dialect === 'postgres') next = next.forUpdate().skipLocked();
      const r = await db
        .updateTable('jobs')
        .set({
          state: 'running',
          lease_owner: workerId,
          lease_expires_at: leaseUntil,
          attempts: sql`attempts + 1`,
          updated_at: now,
          // SET sees the row as it was: a job still 'running' here is one whose worker's lease expired.
          last_error: sql<string>`case when state = 'running' then ${LEASE_EXPIRED} || coalesce(lease_owner, '') else last_error end`,
        })
        .where('id', '=', next)
        .returningAll()
        .executeTakeFirst();
      return r && jobFromRow(r);
    },

    async heartbeat(jobId, workerId, leaseUntil, now) {
      const res = await db
        .updateTable('jobs')
        .set({ lease_expires_at: leaseUntil, updated_at: now })
        .where('id', '=', jobId)
        .where('state', '=', 'running')
        .where('lease_owner', '=', workerId)
        .executeTakeFirst();
      if (count(res.numUpdatedRows) > 0) return 'ok';
      // A missing row was deleted with its version / model / app: the work is no longer wanted either.
      const cur = await db.selectFrom('jobs').select('state').where('id', '=', jobId).executeTakeFirst();
      return !cur || cur.state === 'cancelled' ? 'cancelled' : 'lost';
    },

    /** Re-queueing hands the job back (lease cleared); a terminal state keeps lease_owner as a record of who ran it. */
    async finish(jobId, workerId, state, lastError, now) {
      const res = await db
        .updateTable('jobs')
        .set({
          state,
          last_error: lastError,
          updated_at: now,
          lease_expires_at: null,
          ...(state === 'queued' ? { lease_owner: null } : {}),
        })
        .where('id', '=', jobId)
        .where('state', '=', 'running')
        .where('lease_owner', '=', workerId)
        .executeTakeFirst();
      return count(res.numUpdatedRows) > 0;
    },

    /**
     * PostgreSQL: FOR UPDATE, so a concurrent cancel waits for this transaction and then finds the job
     * finished; the model row is locked first (see the lock order above).
     */
    async lockRunning(jobId, workerId) {
      await lockModelOf({ jobId });
      const q = held(jobId, workerId);
      const r = await (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
      return r && jobFromRow(r);
    },
  };
}
