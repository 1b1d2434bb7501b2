import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { app, job, model, pat, user, version } from '../fixtures.js';
import { countWhere, type Harness, scene } from './harness.js';

export function transactionCases(h: Harness): void {
  it('transaction: a throw rolls back every write of every repo', async () => {
    const s = h.store;
    const u = user();
    const a = app(u.id);
    const m = model(a);
    const v = version(m, { concepts: [{ id: 'c', name: 'C', value: 1 }] });
    const k = pat(u.id);
    const j = job(v);
    await assert.rejects(
      s.transaction(async (tx) => {
        await tx.users.create(u);
        await tx.apps.create(a);
        await tx.keys.create(k);
        await tx.models.create(m);
        await tx.versions.create(v);
        await tx.jobs.enqueue(j);
        assert.deepEqual(await tx.versions.getByPk(v.pk), v); // visible inside
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await s.users.get(u.id), undefined);
    assert.equal(await s.apps.get(u.id, a.id), undefined);
    assert.equal(await s.keys.findByTokenHash(k.tokenHash), undefined);
    assert.equal(await s.models.get(u.id, a.id, m.id), undefined);
    assert.equal(await s.versions.getByPk(v.pk), undefined);
    assert.equal(await countWhere(h, 'model_version_concepts', 'version_pk', v.pk), 0);
    assert.deepEqual(await s.jobs.getForVersion(v.pk), []);
  });

  it('transaction: commits and returns the value of fn', async () => {
    const s = h.store;
    const u = user();
    const out = await s.transaction(async (tx) => {
      await tx.users.create(u);
      return 42;
    });
    assert.equal(out, 42);
    assert.deepEqual(await s.users.get(u.id), u);
  });

  it('transaction: concurrent read-modify-write transactions never interleave (no lost update)', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const m = model(a, { metadata: { n: 0 } });
    await s.models.create(m);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        s.transaction(async (tx) => {
          const cur = await tx.models.getForUpdate(a.userId, a.id, m.id);
          assert.ok(cur);
          await sleep(i % 3); // yield so the others get a chance to run in between
          await tx.models.update({ ...cur, metadata: { ...cur.metadata, n: (cur.metadata.n as number) + 1, [`k${i}`]: i } });
        }),
      ),
    );
    const final = await s.models.get(a.userId, a.id, m.id);
    assert.equal(final?.metadata.n, 20);
    assert.equal(Object.keys(final?.metadata ?? {}).length, 21);
  });

  it('transaction: using the root store or nesting inside fn fails fast instead of deadlocking', async () => {
    const s = h.store;
    const { a } = await scene(s);
    await s.transaction(async (tx) => {
      await assert.rejects(s.models.get(a.userId, a.id, 'x'), /store misuse/);
      await assert.rejects(
        s.transaction(async () => 1),
        /store misuse/,
      );
      assert.equal(await tx.models.get(a.userId, a.id, 'x'), undefined);
    });
    // Work left running after fn returned is not mistaken for misuse.
    let later: Promise<unknown> = Promise.resolve();
    await s.transaction(async () => {
      later = sleep(5).then(() => s.apps.get(a.userId, a.id));
    });
    assert.ok(await later);
  });

  it('cascade: deleting a model removes its versions, concepts and jobs only', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const [m, keep] = [model(a), model(a)];
    await s.models.create(m);
    await s.models.create(keep);
    const vs = [version(m, { concepts: [{ id: 'c', name: 'C', value: 1 }] }), version(m)];
    const kept = version(keep, { concepts: [{ id: 'c', name: 'C', value: 1 }] });
    for (const v of [...vs, kept]) {
      await s.versions.create(v);
      await s.jobs.enqueue(job(v));
    }
    assert.equal(await s.models.delete([m.pk]), 1);
    for (const v of vs) {
      assert.equal(await s.versions.getByPk(v.pk), undefined);
      assert.equal(await countWhere(h, 'model_version_concepts', 'version_pk', v.pk), 0);
      assert.equal(await countWhere(h, 'jobs', 'version_pk', v.pk), 0);
    }
    assert.ok(await s.versions.getByPk(kept.pk));
    assert.equal(await countWhere(h, 'model_version_concepts', 'version_pk', kept.pk), 1);
    assert.equal((await s.jobs.getForVersion(kept.pk)).length, 1);
  });

  it('cascade: deleting an app removes its models, versions, concepts, jobs and app keys; PATs and other apps stay', async () => {
    const s = h.store;
    const { u, a } = await scene(s);
    const b = app(u.id);
    await s.apps.create(b);
    const [ma, mb] = [model(a), model(b)];
    await s.models.create(ma);
    await s.models.create(mb);
    const [va, vb] = [version(ma, { concepts: [{ id: 'c', name: 'C', value: 1 }] }), version(mb)];
    await s.versions.create(va);
    await s.versions.create(vb);
    await s.jobs.enqueue(job(va));
    await s.jobs.enqueue(job(vb));
    const keyA = pat(u.id, { kind: 'app', appIds: [a.id] });
    const keyB = pat(u.id, { kind: 'app', appIds: [b.id] });
    const userPat = pat(u.id, { appIds: [a.id] });
    for (const k of [keyA, keyB, userPat]) await s.keys.create(k);

    assert.equal(await s.apps.delete(u.id, a.id), true);
    assert.equal(await s.models.get(u.id, a.id, ma.id), undefined);
    assert.equal(await s.versions.getByPk(va.pk), undefined);
    assert.equal(await countWhere(h, 'model_version_concepts', 'version_pk', va.pk), 0);
    assert.equal(await countWhere(h, 'jobs', 'version_pk', va.pk), 0);
    assert.equal(await s.keys.findByTokenHash(keyA.tokenHash), undefined);
    assert.ok(await s.keys.findByTokenHash(keyB.tokenHash));
    assert.ok(await s.keys.findByTokenHash(userPat.tokenHash));
    assert.ok(await s.models.get(u.id, b.id, mb.id));
    assert.ok(await s.versions.getByPk(vb.pk));
    assert.equal((await s.jobs.getForVersion(vb.pk)).length, 1);
  });
}
