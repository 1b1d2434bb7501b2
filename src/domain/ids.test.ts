import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdPool, newId, newIds } from './ids.js';

describe('newIds', () => {
  it('makes distinct 32-hex-digit ids shaped like newId() (UUID v4 digits)', () => {
    const ids = newIds(256);
    assert.equal(ids.length, 256);
    assert.equal(new Set(ids).size, 256);
    for (const id of [...ids, newId()]) assert.match(id, /^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
  });

  it('IdPool draws new batches as needed and never repeats', () => {
    const pool = new IdPool(3);
    const ids = Array.from({ length: 10 }, () => pool.next());
    assert.equal(new Set(ids).size, 10);
  });
});
