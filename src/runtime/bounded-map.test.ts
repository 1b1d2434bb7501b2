import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  it('drops the oldest entry when a new key comes in full', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1).set('b', 2).set('c', 3);
    assert.deepEqual(
      [...m],
      [
        ['b', 2],
        ['c', 3],
      ],
    );
  });
  it('setting a present key replaces it without dropping another', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1).set('b', 2).set('a', 9);
    assert.deepEqual(
      [...m],
      [
        ['b', 2],
        ['a', 9],
      ],
    );
  });
  it('without lru a read does not save an entry', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1).set('b', 2);
    assert.equal(m.get('a'), 1);
    m.set('c', 3);
    assert.equal(m.get('a'), undefined);
  });
  it('with lru a read keeps the entry, the least recently used goes', () => {
    const m = new BoundedMap<string, number>(2, true);
    m.set('a', 1).set('b', 2);
    m.get('a');
    m.set('c', 3);
    assert.deepEqual(
      [...m].map(([k]) => k),
      ['a', 'c'],
    );
  });
  it('delete, clear and size', () => {
    const m = new BoundedMap<string, number>(3);
    m.set('a', 1).set('b', 2);
    assert.equal(m.delete('a'), true);
    assert.equal(m.size, 1);
    m.clear();
    assert.equal(m.size, 0);
  });
});
