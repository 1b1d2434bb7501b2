import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import type { ModelSortField } from '../../../src/ports/store.js';
import { modelListQuery } from '../../../src/storage/repos/model-list.js';
import { type Harness, scene } from './harness.js';

const FIELDS: ModelSortField[] = ['modified_at', 'created_at', 'name', 'num_inputs'];

/**
 * Paging cost must not grow with the table (benchmark #3): every ListModels sort within an app
 * must be read in order from its index, never sorted. SQLite: no "TEMP B-TREE" in the plan.
 * PostgreSQL: with sorting priced out (enable_sort=off) the plan must still have no Sort node,
 * which holds only when an index yields the order.
 */
export function planCases(h: Harness): void {
  it('ListModels: every sort, both directions, is an ordered index scan (EXPLAIN)', async () => {
    const s = h.store;
    const { a } = await scene(s);
    for (const field of FIELDS) {
      for (const ascending of [false, true]) {
        for (const extra of [{}, { trainedOnly: true, modelTypeIds: ['t'] }]) {
          const q = modelListQuery(s.db, { userId: a.userId, appId: a.id, sort: { field, ascending }, page: { page: 50, perPage: 128 }, ...extra }).compile();
          const plan = await explain(h, q);
          const what = `${field} ${ascending ? 'asc' : 'desc'} ${JSON.stringify(extra)}:\n${plan}`;
          assert.match(plan, new RegExp(`models_${field}_idx`), what);
          assert.doesNotMatch(plan, s.dialect === 'sqlite' ? /TEMP B-TREE/ : /\bSort\b/, what);
        }
      }
    }
  });

  it('migrations: running them again applies nothing', async () => {
    assert.deepEqual(await h.store.migrate(), []);
  });
}

async function explain(h: Harness, q: CompiledQuery): Promise<string> {
  const s = h.store;
  if (s.dialect === 'sqlite') {
    const r = await s.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]));
    return r.rows.map((x) => x.detail).join('\n');
  }
  return s.db.transaction().execute(async (trx) => {
    await sql`set local enable_sort = off`.execute(trx);
    const r = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${q.sql}`, [...q.parameters]));
    return r.rows.map((x) => x['QUERY PLAN']).join('\n');
  });
}
