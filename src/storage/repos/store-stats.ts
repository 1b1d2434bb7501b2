import type { Kysely } from 'kysely';
import type { StoreStats } from '../../ports/store.js';
import type { DB } from '../sql/schema.js';

/**
 * What /metrics reports about the whole database (every process's jobs and inputs, not only this
 * one's): two GROUP BY queries over small indexed columns, run once per scrape.
 */
export async function storeStats(db: Kysely<DB>): Promise<Omit<StoreStats, 'pool'>> {
  const [jobs, inputs] = await Promise.all([
    db
      .selectFrom('jobs')
      .select(['kind', 'state', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy(['kind', 'state'])
      .execute(),
    db
      .selectFrom('inputs')
      .select(['status_code', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('status_code')
      .execute(),
  ]);
  return {
    jobs: jobs.map((r) => ({ kind: r.kind, state: r.state, count: Number(r.n) })),
    inputs: inputs.map((r) => ({ statusCode: r.status_code, count: Number(r.n) })),
  };
}
