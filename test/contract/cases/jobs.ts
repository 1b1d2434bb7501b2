import assert from 'node:assert/strict';
import { it } from 'node:test';
import { job, model, uniq, version } from '../fixtures.js';
import { type Harness, scene } from './harness.js';

/** Each test claims only its own kinds: claim() looks at every job in the database. */
export function jobCases(h: Harness): void {
  const setup = async () => {
    const s = h.store;
    const { a } = await scene(s);
    const m = model(a);
    await s.models.create(m);
    const v = version(m);
    await s.versions.create(v);
    return { s, m, v };
  };

  it('jobs.claim: oldest first, only the given kinds, sets lease and bumps attempts', async () => {
    const { s, v } = await setup();
    const [kA, kB] = [uniq('train'), uniq('eval')];
    const j1 = job(v, { kind: kA, createdAt: 1 });
    const j2 = job(v, { kind: kB, createdAt: 2 });
    const j3 = job(v, { kind: kA, createdAt: 3 });
    for (const j of [j3, j2, j1]) await s.jobs.enqueue(j);
    const c1 = await s.jobs.claim('w1', [kA], 1000, 10);
    assert.deepEqual(c1, { ...j1, state: 'running', attempts: 1, leaseOwner: 'w1', leaseExpiresAt: 1000, updatedAt: 10 });
    assert.equal((await s.jobs.claim('w2', [kA], 1000, 10))?.id, j3.id);
    assert.equal(await s.jobs.claim('w3', [kA], 1000, 10), undefined);
    assert.equal((await s.jobs.claim('w3', [kA, kB], 1000, 10))?.id, j2.id);
    assert.equal(await s.jobs.claim('w3', [], 1000, 10), undefined);
  });

  it('stats: jobs counted by kind and state, inputs by status code (what /metrics reports)', async () => {
    const { s, v } = await setup();
    const k = uniq('stats');
    const before = await s.stats!();
    await s.jobs.enqueue(job(v, { kind: k }));
    await s.jobs.enqueue(job(v, { kind: k }));
    await s.jobs.enqueue(job(v, { kind: k }));
    const claimed = await s.jobs.claim('w1', [k], 1000, 10);
    await s.jobs.finish(claimed!.id, 'w1', 'failed', 'boom', 20);
    await s.jobs.claim('w1', [k], 1000, 10);
    const after = await s.stats!();
    const mine = after.jobs.filter((j) => j.kind === k).sort((x, y) => x.state.localeCompare(y.state));
    assert.deepEqual(mine, [
      { kind: k, state: 'failed', count: 1 },
      { kind: k, state: 'queued', count: 1 },
      { kind: k, state: 'running', count: 1 },
    ]);
    assert.ok(after.inputs.every((i) => Number.isInteger(i.statusCode) && i.count > 0));
    assert.equal(
      before.jobs.some((j) => j.kind === k),
      false,
    );
    if (s.dialect === 'postgres') assert.ok(after.pool && after.pool.total >= 1 && after.pool.waiting >= 0);
    else assert.equal(after.pool, undefined);
  });

  it('jobs: an expired lease is retaken; the old worker then loses heartbeat, lock and finish', async () => {
    const { s, v } = await setup();
    const k = uniq('train');
    const j = job(v, { kind: k });
    await s.jobs.enqueue(j);
    await s.jobs.claim('w1', [k], 1000, 10);
    assert.equal(await s.jobs.heartbeat(j.id, 'w1', 1500, 900), 'ok');
    assert.equal(await s.jobs.claim('w2', [k], 3000, 1400), undefined); // lease still valid
    const retaken = await s.jobs.claim('w2', [k], 3000, 1501);
    assert.equal(retaken?.attempts, 2);
    assert.equal(retaken?.leaseOwner, 'w2');
    assert.equal(retaken?.lastError, 'lease expired: w1', 'the claim records whose lease it took over');
    assert.equal(await s.jobs.heartbeat(j.id, 'w1', 5000, 1600), 'lost');
    assert.equal(await s.jobs.lockRunning(j.id, 'w1'), undefined);
    assert.equal(await s.jobs.finish(j.id, 'w1', 'succeeded', '', 1600), false);
    assert.equal((await s.jobs.lockRunning(j.id, 'w2'))?.id, j.id);
  });

  it('jobs: finish ends a held job once; re-queueing hands it back for another claim', async () => {
    const { s, v } = await setup();
    const k = uniq('train');
    const j = job(v, { kind: k });
    await s.jobs.enqueue(j);
    await s.jobs.claim('w1', [k], 1000, 10);
    assert.equal(await s.jobs.finish(j.id, 'w1', 'queued', 'transient', 20), true);
    const [requeued] = await s.jobs.getForVersion(v.pk);
    assert.deepEqual([requeued?.state, requeued?.leaseOwner, requeued?.leaseExpiresAt, requeued?.lastError], ['queued', null, null, 'transient']);
    const again = await s.jobs.claim('w2', [k], 2000, 30);
    assert.equal(again?.attempts, 2);
    assert.equal(await s.jobs.finish(j.id, 'w2', 'succeeded', '', 40), true);
    assert.equal(await s.jobs.finish(j.id, 'w2', 'failed', 'late', 50), false);
    const [done] = await s.jobs.getForVersion(v.pk);
    assert.deepEqual([done?.state, done?.leaseOwner, done?.leaseExpiresAt, done?.updatedAt], ['succeeded', 'w2', null, 40]);
    assert.equal(await s.jobs.claim('w3', [k], 2000, 60), undefined);
  });

  it('jobs: cancelled or deleted jobs tell the worker to stop and refuse its result', async () => {
    const { s, m, v } = await setup();
    const k = uniq('train');
    const j = job(v, { kind: k });
    await s.jobs.enqueue(j);
    await s.jobs.claim('w1', [k], 1000, 10);
    assert.equal(await s.jobs.cancelForVersion(v.pk, 20), 1);
    assert.equal(await s.jobs.heartbeat(j.id, 'w1', 2000, 30), 'cancelled');
    assert.equal(await s.jobs.lockRunning(j.id, 'w1'), undefined);
    assert.equal(await s.jobs.finish(j.id, 'w1', 'succeeded', '', 30), false);
    assert.equal(await s.jobs.claim('w2', [k], 2000, 5000), undefined); // cancelled is never retaken

    const v2 = version(m);
    await s.versions.create(v2);
    const j2 = job(v2, { kind: k });
    await s.jobs.enqueue(j2);
    await s.jobs.claim('w1', [k], 1000, 10);
    await s.versions.delete(v2.pk);
    assert.equal(await s.jobs.heartbeat(j2.id, 'w1', 2000, 30), 'cancelled');
  });

  it('jobs: lockRunning + finish commit with the result write, or not at all', async () => {
    const { s, v } = await setup();
    const k = uniq('train');
    const j = job(v, { kind: k });
    await s.jobs.enqueue(j);
    await s.jobs.claim('w1', [k], 1000, 10);
    await assert.rejects(
      s.transaction(async (tx) => {
        assert.ok(await tx.jobs.lockRunning(j.id, 'w1'));
        await tx.versions.update({ ...v, status: { code: 21100, details: '', percentCompleted: 100 } });
        assert.equal(await tx.jobs.finish(j.id, 'w1', 'succeeded', '', 20), true);
        throw new Error('crash before commit');
      }),
      /crash/,
    );
    assert.equal((await s.jobs.getForVersion(v.pk))[0]?.state, 'running');
    assert.equal((await s.versions.getByPk(v.pk))?.status.code, v.status.code);
  });

  it('jobs: concurrent claims never hand out the same job twice', async () => {
    const { s, v } = await setup();
    const k = uniq('train');
    for (let i = 0; i < 5; i++) await s.jobs.enqueue(job(v, { kind: k, createdAt: i }));
    const got = await Promise.all(Array.from({ length: 10 }, (_, i) => s.jobs.claim(`w${i}`, [k], 1000, 10)));
    const ids = got.filter((j) => j !== undefined).map((j) => j.id);
    assert.equal(ids.length, 5);
    assert.equal(new Set(ids).size, 5);
  });
}
