import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeChangeClock as FakeClock } from '../../../test/helpers/fake-change-clock.js';
import type { Model } from '../../domain/entities.js';
import type { ModelListQuery, ModelSortField } from '../../ports/store.js';
import { PageBoundaries } from './page-boundaries.js';

const row = (i: number): Model => ({ id: `m${i}`, name: `n${i}`, createdAt: 1000 + i, modifiedAt: 2000 + i }) as Model;
const query = (page: number, field: ModelSortField = 'modified_at', perPage = 2): ModelListQuery => ({
  userId: 'u',
  appId: 'a',
  sort: { field, ascending: false },
  page: { page, perPage },
});

/** A store that answers full pages of 2 and records each query it got. */
function recorder(rowsPerCall = 2) {
  const seen: ModelListQuery[] = [];
  let next = 0;
  return {
    seen,
    run: async (q: ModelListQuery) => {
      seen.push(q);
      return Array.from({ length: rowsPerCall }, () => row(next++));
    },
  };
}

describe('PageBoundaries', () => {
  it('the next page of the same query starts after the last row served, by key', async () => {
    const pages = new PageBoundaries(new FakeClock());
    const r = recorder();
    await pages.list(query(1), r.run);
    await pages.list(query(2), r.run);
    await pages.list(query(3), r.run);
    assert.equal(r.seen[0]!.after, undefined);
    assert.deepEqual(r.seen[1]!.after, { value: 2001, id: 'm1' });
    assert.deepEqual(r.seen[2]!.after, { value: 2003, id: 'm3' });
    for (const [field, value, id] of [
      ['name', 'n7', 'm7'],
      ['created_at', 1011, 'm11'],
    ] as const) {
      await pages.list(query(1, field), r.run);
      await pages.list(query(2, field), r.run);
      assert.deepEqual(r.seen[r.seen.length - 1]!.after, { value, id });
    }
  });

  it('falls back to OFFSET: after any change, for a page whose predecessor was not served, another shape, num_inputs, short pages', async () => {
    const clock = new FakeClock();
    const pages = new PageBoundaries(clock);
    const r = recorder();
    await pages.list(query(1), r.run);
    clock.value = 2; // a write
    await pages.list(query(2), r.run);
    assert.equal(r.seen[1]!.after, undefined, 'a boundary survived a change');
    await pages.list(query(4), r.run);
    assert.equal(r.seen[2]!.after, undefined, 'page 3 was never served');
    await pages.list(query(3, 'modified_at', 3), r.run);
    assert.equal(r.seen[3]!.after, undefined, 'another page size is another shape');
    await pages.list({ ...query(3), namePattern: 'x*' }, r.run);
    assert.equal(r.seen[4]!.after, undefined, 'another filter is another shape');
    await pages.list(query(1, 'num_inputs'), r.run);
    await pages.list(query(2, 'num_inputs'), r.run);
    assert.equal(r.seen[6]!.after, undefined, 'num_inputs is not on the model rows: no key');
    const short = recorder(1);
    await pages.list(query(1), short.run);
    await pages.list(query(2), short.run);
    assert.equal(short.seen[1]!.after, undefined, 'a short page is the last one: no boundary');
    clock.value = undefined;
    await pages.list(query(1), r.run);
    await pages.list(query(2), r.run);
    assert.equal(r.seen[r.seen.length - 1]!.after, undefined, 'no token, no reuse');
  });
});
