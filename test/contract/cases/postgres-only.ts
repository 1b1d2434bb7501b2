import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { RetryableStoreError } from '../../../src/domain/errors.js';
import { migrations } from '../../../src/storage/migrations/index.js';
import { migrate, openKyselyStore } from '../../../src/storage/open-store.js';
import { adminQuery, freshPostgres } from '../databases.js';
import { job, model, uniq, version } from '../fixtures.js';
import { type Harness, scene } from './harness.js';

async function until(cond: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * A call made right after a kill may still draw a dead idle connection before the pool has seen it
 * die; that call must fail retryably, and a retry must then succeed.
 */
async function recovers(call: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await call();
      return;
    } catch (e) {
      assert.ok(e instanceof RetryableStoreError, `not retryable: ${String(e)}`);
      assert.ok(attempt < 3, 'still failing after 3 retries');
      await sleep(50);
    }
  }
}

export function postgresCases(h: Harness & { url: string }): void {
  it('postgres: two processes migrating an empty schema at once both succeed, once', async () => {
    const db = freshPostgres();
    try {
      const [x, y] = await Promise.all([migrate(db.url), migrate(db.url)]);
      // One of them applies every migration, the other finds nothing left to do.
      assert.deepEqual(
        [x!, y!].sort((p, q) => q.length - p.length),
        [Object.keys(migrations), []],
      );
    } finally {
      await db.drop();
    }
  });

  it('postgres: migrating succeeds while other clients create and drop schemas (the migrator introspects them all)', async () => {
    let stop = false;
    const churn = (async () => {
      while (!stop) {
        const s = `mk_churn_${randomBytes(4).toString('hex')}`;
        await adminQuery(`create schema ${s}; create table ${s}.t (a int); create table ${s}.u (a int)`);
        await adminQuery(`drop schema ${s} cascade`);
      }
    })();
    const dbs = Array.from({ length: 6 }, () => freshPostgres());
    try {
      for (const db of dbs) assert.deepEqual(await migrate(db.url), Object.keys(migrations));
    } finally {
      stop = true;
      await churn;
      for (const db of dbs) await db.drop();
    }
  });

  it('postgres: killed connections give RetryableStoreError in flight, then the pool reconnects', async () => {
    const appName = `mk_kill_${randomBytes(4).toString('hex')}`;
    const u = new URL(h.url);
    u.searchParams.set('application_name', appName);
    const errors: Error[] = [];
    const store = await openKyselyStore(u.toString(), { poolSize: 2, onConnectionError: (e) => errors.push(e) });
    const kill = () => adminQuery(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [appName]);
    try {
      // In flight: the query's connection dies under it.
      // assert.rejects subscribes at once, so the rejection is never briefly unhandled.
      const slow = assert.rejects(sql`select pg_sleep(30)`.execute(store.db), (e) => e instanceof RetryableStoreError);
      await until(
        async () =>
          (await adminQuery(`select 1 from pg_stat_activity where application_name = $1 and query like '%pg_sleep%' and state = 'active'`, [appName])).length >
          0,
        'the slow query to start',
      );
      await kill();
      await slow;
      await recovers(() => store.users.count());
      // Idle: the pool notices, drops the connection and a later call gets a fresh one.
      const seen = errors.length;
      await kill();
      await until(async () => errors.length > seen, 'the pool to report the dead idle connection');
      await recovers(() => store.users.count());
    } finally {
      await store.close();
    }
  });

  it('postgres: a worker writing its result and a delete of the same app / model / version never deadlock', async () => {
    for (const what of ['app', 'model', 'version'] as const) {
      const s = h.store;
      const { a } = await scene(s);
      const m = model(a);
      await s.models.create(m);
      const v = version(m);
      await s.versions.create(v);
      const kind = uniq('train');
      const j = job(v, { kind });
      await s.jobs.enqueue(j);
      assert.equal((await s.jobs.claim('w1', [kind], Date.now() + 60_000, Date.now()))?.id, j.id);
      let holding!: () => void;
      const held = new Promise<void>((r) => (holding = r));
      let go!: () => void;
      const gate = new Promise<void>((r) => (go = r));
      // The worker's guarded result write: lock the job, (work), write the version, end the job.
      const worker = s.transaction(async (tx) => {
        assert.ok(await tx.jobs.lockRunning(j.id, 'w1'));
        holding();
        await gate;
        await tx.versions.updateTraining(v.pk, { status: { code: 21100, details: '', percentCompleted: 100 }, modifiedAt: 5 });
        return tx.jobs.finish(j.id, 'w1', 'succeeded', '', 5);
      });
      await held;
      const deleting =
        what === 'app'
          ? s.apps.delete(a.userId, a.id)
          : what === 'model'
            ? s.transaction(async (tx) => {
                await tx.models.getForUpdate(a.userId, a.id, m.id);
                return tx.models.delete([m.pk]);
              })
            : s.transaction(async (tx) => {
                await tx.jobs.cancelForVersion(v.pk, 6);
                return tx.versions.delete(v.pk);
              });
      await sleep(300); // the delete is now waiting for a lock the worker holds
      go();
      // Before the model-first lock order one of the two failed with 40P01 (deadlock_detected).
      const [finished, deleted] = await Promise.all([worker, deleting]);
      assert.equal(finished, true, `${what}: the worker, first in line, finished its job`);
      assert.ok(deleted, `${what}: the delete went through after it`);
      assert.equal(await s.versions.getByPk(v.pk), undefined, `${what}: the version is gone`);
      assert.deepEqual(await s.jobs.getForVersion(v.pk), []);
    }
  });
}

/** PostgreSQL's side of the ChangeClock: triggers on every table, and a listener that never trusts a gap. */
export function postgresChangeCases(h: Harness & { url: string }): void {
  it('postgres: every table notifies changes (a migration that adds a table must call notifyOnChange)', async () => {
    const schema = new URL(h.url).searchParams.get('schema')!;
    const rows = await adminQuery<{ table_name: string; notifies: boolean }>(
      `select t.table_name, exists (
         select 1 from pg_trigger g join pg_class c on c.oid = g.tgrelid join pg_namespace n on n.oid = c.relnamespace
         join pg_proc p on p.oid = g.tgfoid
         where n.nspname = t.table_schema and c.relname = t.table_name and p.proname = 'modelkeep_notify_change') as notifies
       from information_schema.tables t where t.table_schema = $1 and t.table_name not like 'kysely_%'`,
      [schema],
    );
    assert.ok(rows.length >= 17, `only ${rows.length} tables found`);
    assert.deepEqual(
      rows.filter((r) => !r.notifies).map((r) => r.table_name),
      [],
    );
  });

  it("postgres: a write's published() resolves when its marker comes back through the listener (not at the 1 s give-up)", async () => {
    const { a } = await scene(h.store);
    await until(async () => h.store.changes.token() !== undefined, 'the listener to listen');
    for (let i = 0; i < 5; i++) {
      await h.store.models.create(model(a));
      const fence = h.store.changes.published();
      assert.ok(fence, 'a write must leave something to publish');
      const t0 = performance.now();
      await fence;
      assert.ok(performance.now() - t0 < 500, `the marker took ${Math.round(performance.now() - t0)} ms: it did not come back`);
      assert.equal(h.store.changes.published(), undefined, 'nothing new to publish');
    }
  });

  it('postgres: a killed listener makes the token undefined (nothing reused), then it reconnects with a new token', async () => {
    const appName = `mk_listen_${randomBytes(4).toString('hex')}`;
    const u = new URL(h.url);
    u.searchParams.set('application_name', appName);
    const store = await openKyselyStore(u.toString(), { onConnectionError: () => undefined });
    try {
      let t0: number | undefined;
      await until(async () => (t0 = store.changes.token()) !== undefined, 'the listener to listen');
      await adminQuery(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [`${appName} changes`]);
      await until(async () => store.changes.token() === undefined, 'the token to become undefined after the kill', 3000);
      let t1: number | undefined;
      await until(async () => (t1 = store.changes.token()) !== undefined, 'the listener to reconnect');
      assert.notEqual(t1, t0, 'after a gap the token must differ: changes may have been missed');
    } finally {
      await store.close();
    }
  });
}
