import type { Store } from '../../../src/ports/store.js';
import type { KyselyStore } from '../../../src/storage/kysely-store.js';
import { app, user } from '../fixtures.js';

/** Filled in by the suite's `before`; cases read it inside their tests. */
export interface Harness {
  store: KyselyStore;
}

/** A fresh user with one app: the parent rows almost every case needs. */
export async function scene(s: Store) {
  const u = user();
  await s.users.create(u);
  const a = app(u.id);
  await s.apps.create(a);
  return { u, a };
}

/** Rows of a table matching one column, read around the repos (to check cascades). */
export async function countWhere(
  h: Harness,
  table: 'models' | 'model_versions' | 'model_version_concepts' | 'jobs' | 'api_keys',
  column: string,
  value: string,
): Promise<number> {
  const r = await h.store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column as never, '=', value as never)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
