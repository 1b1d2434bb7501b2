import type { NewInput } from '../../../src/domain/inputs.js';
import type { Store } from '../../../src/ports/store.js';
import { uniq } from '../fixtures.js';
import { type Harness, scene } from './harness.js';

export const PAGE = { page: 1, perPage: 100 };

export const newInput = (userId: string, appId: string, over: Partial<NewInput> = {}): NewInput => ({
  pk: uniq('ipk'),
  userId,
  appId,
  id: uniq('in'),
  kind: 'text',
  text: 'hello',
  imageUrl: null,
  imageBytes: null,
  metadata: { a: 1 },
  concepts: [],
  datasetIds: [],
  createdAt: 1_700_000_000_000,
  ...over,
});

/** Rows of a training-data table for one input, read around the repos (to check cascades). */
export async function rowsFor(h: Harness, table: 'input_labels' | 'input_blobs' | 'input_embeddings' | 'dataset_inputs', inputPk: string): Promise<number> {
  const r = await h.store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('input_pk', '=', inputPk)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A user and app of their own, and a maker of new inputs in it. */
export function inputScene(h: Harness) {
  return async (s: Store = h.store) => {
    const { u, a } = await scene(s);
    return { s, u, a, mk: (over: Partial<NewInput> = {}) => newInput(u.id, a.id, over) };
  };
}
