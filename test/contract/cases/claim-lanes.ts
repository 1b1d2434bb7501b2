import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CompiledQuery } from 'kysely';
import type { ClaimLane } from '../../../src/ports/inputs-store.js';
import { claimStatement } from '../../../src/storage/repos/input-claim.js';
import type { Harness } from './harness.js';
import { inputScene } from './input-scene.js';

const QUEUED = 300;

/**
 * An empty lane costs one index probe, whatever the other lane holds (decision 0034, addendum on lane
 * indexes): the claim of each lane walks that lane's own partial index, so it never passes the other
 * lane's queued rows. Observed as the plan on SQLite (which index each walk searches) and, on PostgreSQL,
 * as the executed plan's row counts: the pending walk reads next to nothing and filters none of the other lane out.
 */
export function claimLaneCases(h: Harness): void {
  const setup = inputScene(h);

  for (const [empty, busy] of [
    ['fetch', 'local'],
    ['local', 'fetch'],
  ] as const) {
    it(`inputs.claim: an empty '${empty}' lane returns nothing without reading the ${QUEUED} queued '${busy}' inputs`, async () => {
      const { s, mk } = await setup();
      while ((await s.inputs.claim('drain', 100, Number.MAX_SAFE_INTEGER, 0)).length > 0);
      const queued = Array.from({ length: QUEUED }, (_, n) =>
        busy === 'fetch' ? mk({ kind: 'image', text: null, imageUrl: `http://x/${n}.png`, createdAt: n }) : mk({ createdAt: n }),
      );
      for (let n = 0; n < QUEUED; n += 100)
        await s.inputs.create(
          queued.slice(n, n + 100),
          queued.slice(n, n + 100).map(() => []),
        );
      assert.deepEqual(await s.inputs.claim('w', 8, 1000, 10, empty), []);

      const plan = await claimPlan(h, empty);
      const own = `inputs_${empty}_claim_idx`;
      if (s.dialect === 'sqlite') {
        // Both walks (pending, expired leases) search the lane's index; nothing scans the table or the shared index.
        assert.equal(plan.match(new RegExp(`SEARCH inputs USING (COVERING )?INDEX ${own} \\(status_code=\\?\\)`, 'g'))?.length, 2, plan);
        assert.doesNotMatch(plan, /inputs_status_turn_idx|SCAN inputs\b/, plan);
      } else {
        // The pending walk probes the lane's index: whatever it reads there (index entries, rows kept or filtered
        // out; a few dead entries of earlier cases' fetch inputs at most) is nowhere near the other lane's queue.
        const scans = indexScans(JSON.parse(plan));
        const pending = scans.filter((n) => String(n['Index Cond']).includes('30001'));
        assert.deepEqual(
          pending.map((n) => n['Index Name']),
          [own],
          plan,
        );
        const read = pending.reduce((t, n) => t + Number(n['Actual Rows'] ?? 0) + Number(n['Rows Removed by Filter'] ?? 0), 0);
        assert.ok(read < QUEUED / 10, `the pending walk read ${read} rows:\n${plan}`);
        assert.ok(
          scans.every((n) => n['Index Name'] === own || n['Index Name'] === 'inputs_pkey'),
          plan,
        );
      }
      // The busy lane is still served in queue order.
      assert.deepEqual(
        (await s.inputs.claim('w', 3, 1000, 10, busy)).map((c) => c.id),
        queued.slice(0, 3).map((i) => i.id),
      );
    });
  }
}

/** The plan of claimStatement as the repo builds it; on PostgreSQL executed (EXPLAIN ANALYZE) and rolled back. */
async function claimPlan(h: Harness, lane: ClaimLane): Promise<string> {
  const s = h.store;
  const q = claimStatement(s.db, s.dialect, { workerId: 'plan', limit: 8, leaseUntil: 1000, now: 10, lane }).compile();
  if (s.dialect === 'sqlite') {
    const r = await s.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]));
    return r.rows.map((x) => x.detail).join('\n');
  }
  let plan = '';
  const rollback = new Error('rollback');
  await s.db
    .transaction()
    .execute(async (trx) => {
      const r = await trx.executeQuery<{ 'QUERY PLAN': unknown }>(CompiledQuery.raw(`explain (analyze, format json) ${q.sql}`, [...q.parameters]));
      const out = r.rows[0]?.['QUERY PLAN'];
      plan = typeof out === 'string' ? out : JSON.stringify(out, null, 1);
      throw rollback;
    })
    .catch((e: unknown) => {
      if (e !== rollback) throw e;
    });
  return plan;
}

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };

function indexScans(root: unknown): PlanNode[] {
  const out: PlanNode[] = [];
  const walk = (n: PlanNode) => {
    if (/Index (Only )?Scan/.test(String(n['Node Type']))) out.push(n);
    for (const c of n.Plans ?? []) walk(c);
  };
  for (const top of root as { Plan: PlanNode }[]) walk(top.Plan);
  return out;
}
