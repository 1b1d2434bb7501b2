import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DuplicateKeyError } from '../../../src/domain/errors.js';
import type { Workflow } from '../../../src/domain/workflows.js';
import { uniq } from '../fixtures.js';
import { type Harness, scene } from './harness.js';

const PAGE = { page: 1, perPage: 100 };

/** WorkflowRepo (migration 008, decision 0033): the graph round-trips whole; duplicates, paging, deletes, app cascade. */
export function workflowCases(h: Harness): void {
  const wf = (userId: string, appId: string, over: Partial<Workflow> = {}): Workflow => ({
    userId,
    appId,
    id: uniq('wf'),
    description: 'd',
    metadata: { k: [1, 'x'] },
    createdAt: 1_700_000_000_000,
    modifiedAt: 1_700_000_000_000,
    nodes: [
      { id: 'embed', modelId: 'm1', versionId: 'v1', inputs: [], suppressOutput: true },
      { id: 'classify', modelId: 'm2', versionId: '', inputs: ['embed'], suppressOutput: false },
    ],
    ...over,
  });

  it('workflows: create, get (graph whole), duplicate id refused, update, list oldest first, delete by ids and all, app delete cascades', async () => {
    const s = h.store;
    const { u, a } = await scene(s);
    const w1 = wf(u.id, a.id, { id: 'b-first', createdAt: 1 });
    const w2 = wf(u.id, a.id, { id: 'a-second', createdAt: 2 });
    await s.workflows.create(w1);
    await s.workflows.create(w2);
    assert.deepEqual(await s.workflows.get(u.id, a.id, w1.id), w1);
    await assert.rejects(s.workflows.create({ ...w1, description: 'other' }), (e: unknown) => e instanceof DuplicateKeyError && e.key === w1.id);
    assert.equal(await s.workflows.get(u.id, a.id, 'missing'), undefined);

    const changed = { ...w1, description: 'new', nodes: [w1.nodes[0]!], modifiedAt: 9 };
    assert.equal(await s.workflows.update(changed), true);
    assert.deepEqual(await s.workflows.get(u.id, a.id, w1.id), changed);
    assert.equal(await s.workflows.update({ ...changed, id: 'missing' }), false);

    assert.deepEqual(
      (await s.workflows.list(u.id, a.id, PAGE)).map((w) => w.id),
      ['b-first', 'a-second'],
    );
    assert.deepEqual(
      (await s.workflows.list(u.id, a.id, { page: 2, perPage: 1 })).map((w) => w.id),
      ['a-second'],
    );
    assert.deepEqual(
      (await s.workflows.all(u.id, a.id)).map((w) => w.id),
      ['a-second', 'b-first'],
    );

    assert.equal(await s.workflows.delete(u.id, a.id, ['b-first', 'missing']), 1);
    assert.equal(await s.workflows.delete(u.id, a.id, []), 0);
    await s.workflows.create(wf(u.id, a.id));
    assert.equal(await s.workflows.delete(u.id, a.id), 2);
    assert.deepEqual(await s.workflows.all(u.id, a.id), []);

    await s.workflows.create(wf(u.id, a.id));
    await s.apps.delete(u.id, a.id);
    assert.deepEqual(await s.workflows.all(u.id, a.id), []);
  });

  it('workflows: a write inside a failed transaction is not kept', async () => {
    const s = h.store;
    const { u, a } = await scene(s);
    const w = wf(u.id, a.id);
    await assert.rejects(
      s.transaction(async (tx) => {
        await tx.workflows.create(w);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await s.workflows.get(u.id, a.id, w.id), undefined);
  });

  it('workflows: namingModel finds the workflows of any app naming a model (not a same-id model of another app, not a longer id); update keepNodes', async () => {
    const s = h.store;
    const { u, a } = await scene(s);
    const { a: b } = await scene(s);
    const mine = wf(u.id, a.id, { nodes: [{ id: 'n', modelId: 'm_x', versionId: 'v', inputs: [], suppressOutput: false }] });
    const longer = wf(u.id, a.id, { nodes: [{ id: 'n', modelId: 'm_x-2', versionId: '', inputs: [], suppressOutput: false }] });
    const elsewhere = wf(u.id, a.id, {
      nodes: [{ id: 'n', modelId: 'm_x', versionId: '', inputs: [], suppressOutput: false, modelApp: { userId: b.userId, appId: b.id } }],
    });
    const across = wf(b.userId, b.id, {
      nodes: [{ id: 'n', modelId: 'm_x', versionId: '', inputs: [], suppressOutput: false, modelApp: { userId: u.id, appId: a.id } }],
    });
    for (const w of [mine, longer, elsewhere, across]) await s.workflows.create(w);
    const found = await s.transaction((tx) => tx.workflows.namingModel(u.id, a.id, 'm_x'));
    assert.deepEqual(found.map((w) => w.id).sort(), [mine.id, across.id].sort());
    assert.deepEqual(
      found.find((w) => w.id === mine.id),
      mine,
    );
    assert.deepEqual(
      (await s.workflows.namingModel(b.userId, b.id, 'm_x')).map((w) => w.id),
      [elsewhere.id],
    );
    assert.deepEqual(await s.workflows.namingModel(u.id, a.id, 'm'), []);

    // keepNodes writes the other fields and leaves the stored graph alone.
    assert.equal(await s.workflows.update({ ...mine, description: 'kept', nodes: [], modifiedAt: 5 }, { keepNodes: true }), true);
    assert.deepEqual(await s.workflows.get(u.id, a.id, mine.id), { ...mine, description: 'kept', modifiedAt: 5 });
  });
}
