import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChangeClock } from '../../../src/ports/changes.js';
import { openKyselyStore } from '../../../src/storage/open-store.js';
import { model, version } from '../fixtures.js';
import { type Harness, scene } from './harness.js';

/** The token once it is defined (PostgreSQL's listener connects on first use). */
async function settled(c: ChangeClock, ms = 5000): Promise<number> {
  const end = Date.now() + ms;
  for (;;) {
    const t = c.token();
    if (t !== undefined) return t;
    if (Date.now() > end) throw new Error('the change token stayed undefined');
    await sleep(10);
  }
}

async function movesWithin(c: ChangeClock, from: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    const t = c.token();
    if (t !== undefined && t !== from) return true;
    if (Date.now() > end) return false;
    await sleep(5);
  }
}

/** The ChangeClock: what answer caches rely on to stay exact. */
export function changeCases(h: Harness & { url: string }): void {
  it('changes: reads leave the token alone; a write, a transaction and a failed write move it', async () => {
    const s = h.store;
    const { a } = await scene(s);
    const m = model(a);
    await s.models.create(m);
    const t0 = await settled(s.changes);
    await s.models.get(a.userId, a.id, m.id);
    await s.versions.latestOf([m.pk]);
    await s.models.list({ userId: a.userId, appId: a.id, sort: { field: 'created_at', ascending: false }, page: { page: 1, perPage: 10 } });
    assert.equal(s.changes.token(), t0, 'a read moved the token');

    await s.models.update({ ...m, description: 'changed' });
    const t1 = s.changes.token();
    assert.notEqual(t1, t0, 'an update did not move the token');

    await s.transaction(async (tx) => tx.versions.create(version(m)));
    const t2 = s.changes.token();
    assert.notEqual(t2, t1, 'a committed transaction did not move the token');

    await assert.rejects(s.models.create(m)); // duplicate key
    assert.notEqual(s.changes.token(), t2, 'a failed write left the token (it may have been applied)');
  });

  it("changes: another process's commit moves the token (SQLite at once, PostgreSQL by notification)", async () => {
    const s = h.store;
    const { a } = await scene(s);
    const other = await openKyselyStore(h.url);
    try {
      const t0 = await settled(s.changes);
      await sleep(50);
      assert.equal(s.changes.token(), t0, 'the token moved with nothing written');
      await other.models.create(model(a));
      assert.ok(await movesWithin(s.changes, t0, 3000), "another connection's commit did not move the token within 3 s");
    } finally {
      await other.close();
    }
  });
}
