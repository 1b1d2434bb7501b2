import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'node:test';
import { sql } from 'kysely';
import { RetryableStoreError } from '../../../src/domain/errors.js';
import { migrations } from '../../../src/storage/migrations/index.js';
import { migrate, openKyselyStore } from '../../../src/storage/open-store.js';
import { adminQuery, freshPostgres } from '../databases.js';
import type { Harness } from './harness.js';

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
      assert.deepEqual([x!, y!].sort((p, q) => q.length - p.length), [Object.keys(migrations), []]);
    } finally {
      await db.drop();
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
        async () => (await adminQuery(`select 1 from pg_stat_activity where application_name = $1 and query like '%pg_sleep%' and state = 'active'`, [appName])).length > 0,
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
}
