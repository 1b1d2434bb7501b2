import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeChangeClock as FakeClock } from '../../../test/helpers/fake-change-clock.js';
import { AnswerCache } from './answer-cache.js';
import { sealedMemo } from './sealed.js';

function counting(body: () => Record<string, unknown> = () => ({ model: { id: 'm' } })) {
  let loads = 0;
  return {
    load: async () => {
      loads++;
      return body();
    },
    get loads() {
      return loads;
    },
  };
}

describe('AnswerCache', () => {
  it('reuses an answer while the token holds (synchronously); a new token reloads', async () => {
    const clock = new FakeClock();
    const cache = new AnswerCache(clock);
    const c = counting();
    const a = await cache.get('k', 0, c.load);
    const hit = cache.get('k', 1, c.load);
    assert.ok(!(hit instanceof Promise), 'a hit must not cost a promise');
    assert.equal(hit, a);
    assert.equal(c.loads, 1);
    clock.value = 2;
    const b = await cache.get('k', 2, c.load);
    assert.equal(c.loads, 2);
    assert.notEqual(b, a);
  });

  it('reuses nothing while the token is undefined (changes cannot be seen)', async () => {
    const clock = new FakeClock();
    clock.value = undefined;
    const cache = new AnswerCache(clock);
    const c = counting();
    await cache.get('k', 0, c.load);
    await cache.get('k', 0, c.load);
    assert.equal(c.loads, 2);
  });

  it('an answer loaded under an old token is never served under the new one', async () => {
    const clock = new FakeClock();
    const cache = new AnswerCache(clock);
    let release!: () => void;
    const slow = cache.get('k', 0, () => new Promise((r) => (release = () => r({ v: 'old' }))));
    clock.value = 2; // a write lands while the slow read is in flight
    const fresh = counting(() => ({ v: 'new' }));
    assert.deepEqual(await cache.get('k', 0, fresh.load), { v: 'new' });
    release();
    assert.deepEqual(await slow, { v: 'old' });
    assert.deepEqual(await cache.get('k', 0, fresh.load), { v: 'new' });
    assert.equal(fresh.loads, 1, 'the late old answer replaced the current one');
  });

  it('errors are not cached', async () => {
    const cache = new AnswerCache(new FakeClock());
    let n = 0;
    const failing = async () => {
      n++;
      throw new Error('not found');
    };
    await assert.rejects(async () => cache.get('k', 0, failing));
    await assert.rejects(async () => cache.get('k', 0, failing));
    assert.equal(n, 2);
  });

  it('ages entries out after maxAgeMs and keeps at most maxEntries', async () => {
    const cache = new AnswerCache(new FakeClock(), { maxEntries: 2, maxAgeMs: 100 });
    const c = counting();
    await cache.get('a', 0, c.load);
    await cache.get('a', 99, c.load);
    assert.equal(c.loads, 1);
    await cache.get('a', 100, c.load);
    assert.equal(c.loads, 2);
    await cache.get('b', 100, c.load);
    await cache.get('c', 100, c.load); // evicts the oldest ('a')
    await cache.get('a', 100, c.load);
    assert.equal(c.loads, 5);
  });

  it('answers are sealed: frozen deeply, and their encodings are remembered', async () => {
    const cache = new AnswerCache(new FakeClock());
    const body = await cache.get('k', 0, async () => ({ model: { id: 'm', tags: ['a'] } }));
    assert.throws(() => {
      (body.model as { tags: string[] }).tags.push('b');
    }, TypeError);
    let encodes = 0;
    const enc = sealedMemo((b) => {
      encodes++;
      return JSON.stringify(b);
    });
    assert.equal(enc(body), enc(body));
    assert.equal(encodes, 1);
    enc({ fresh: true });
    enc({ fresh: true });
    assert.equal(encodes, 3, 'an unsealed body must be encoded every time');
  });
});
