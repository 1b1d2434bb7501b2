import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DuplicateKeyError } from '../../../src/domain/errors.js';
import { app, model } from '../fixtures.js';
import { type Harness, scene } from './harness.js';

export function modelCases(h: Harness): void {
  it('models: every field round-trips; get by (user, app, id); getForUpdate', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const full = model(a, {
      name: 'Full',
      description: 'd',
      notes: 'n'.repeat(1000),
      metadata: { a: { b: [1, 2.5, 'x', null, true] } },
      toolkits: ['HF'],
      useCases: ['classification'],
      languages: ['en', 'fr'],
      checkConsents: ['face'],
      presets: [{ k: 1 }],
      defaultEvalInfo: { params: { split: 0.2 } },
      workflowRecommended: true,
      visibility: 50,
    });
    const falsy = model(a, { workflowRecommended: false, presets: 'text preset' });
    const nulls = model(a);
    for (const m of [full, falsy, nulls]) await s.models.create(m);
    for (const m of [full, falsy, nulls]) assert.deepEqual(await s.models.get(a.userId, a.id, m.id), m);
    assert.equal(await s.models.get(a.userId, a.id, 'missing'), undefined);
    assert.equal(await s.models.get(a.userId, 'other-app', full.id), undefined);
    assert.deepEqual(await s.transaction((tx) => tx.models.getForUpdate(a.userId, a.id, full.id)), full);
    assert.deepEqual((await s.models.listPks(a.userId, a.id)).sort(), [full.pk, falsy.pk, nulls.pk].sort());
  });

  it('models: duplicate id in an app -> DuplicateKeyError; same id in another app is fine', async () => {
    const s = h.store;
    const { u, a } = await scene(s);
    const m = model(a, { id: 'dup-me' });
    await s.models.create(m);
    const dup = (e: unknown) => e instanceof DuplicateKeyError && e.entity === 'model' && e.key === 'dup-me';
    await assert.rejects(s.models.create(model(a, { id: 'dup-me' })), dup);
    await assert.rejects(s.models.create({ ...m, id: 'fresh-id' }), (e) => e instanceof DuplicateKeyError); // same pk
    const b = app(u.id);
    await s.apps.create(b);
    await s.models.create(model(b, { id: 'dup-me' }));
  });

  it('models: update writes every field, renames, and refuses a taken id leaving the row as it was', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const m = model(a, { id: 'before' });
    const other = model(a, { id: 'taken' });
    await s.models.create(m);
    await s.models.create(other);
    const changed = {
      ...m,
      id: 'after',
      name: 'N',
      notes: 'new notes',
      metadata: { x: 1 },
      presets: null,
      workflowRecommended: false,
      modifiedAt: m.modifiedAt + 5,
    };
    await s.models.update(changed);
    assert.equal(await s.models.get(a.userId, a.id, 'before'), undefined);
    assert.deepEqual(await s.models.get(a.userId, a.id, 'after'), changed);
    await assert.rejects(
      s.models.update({ ...changed, id: 'taken', name: 'lost' }),
      (e) => e instanceof DuplicateKeyError && e.entity === 'model' && e.key === 'taken',
    );
    assert.deepEqual(await s.models.get(a.userId, a.id, 'after'), changed);
    assert.deepEqual(await s.models.get(a.userId, a.id, 'taken'), other);
  });

  it('models: a DuplicateKeyError inside a transaction leaves it usable (same on both dialects)', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const m1 = model(a, { id: 'one' });
    const m2 = model(a, { id: 'two' });
    await s.transaction(async (tx) => {
      await tx.models.create(m1);
      await assert.rejects(tx.models.create(model(a, { id: 'one' })), DuplicateKeyError);
      await tx.models.create(m2);
      await assert.rejects(tx.models.update({ ...m2, id: 'one' }), DuplicateKeyError);
      await tx.models.update({ ...m2, name: 'renamed' });
    });
    assert.deepEqual(await s.models.get(a.userId, a.id, 'one'), m1);
    assert.equal((await s.models.get(a.userId, a.id, 'two'))?.name, 'renamed');
  });

  it('models: delete returns how many went; [] and unknown pks are no-ops', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const ms = [model(a), model(a), model(a)];
    for (const m of ms) await s.models.create(m);
    assert.equal(await s.models.delete([]), 0);
    assert.equal(await s.models.delete([ms[0]!.pk, ms[1]!.pk, 'no-such-pk']), 2);
    assert.deepEqual(await s.models.listPks(a.userId, a.id), [ms[2]!.pk]);
  });
}
