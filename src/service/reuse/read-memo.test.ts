import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeChangeClock } from '../../../test/helpers/fake-change-clock.js';
import { ReadMemo } from './read-memo.js';

describe('ReadMemo', () => {
  it('reuses a read while the token holds, reads again once it moves', async () => {
    const c = new FakeChangeClock();
    const memo = new ReadMemo<number>(c);
    let reads = 0;
    const load = async () => ++reads;
    assert.equal(await memo.get('k', 0, load), 1);
    assert.equal(await memo.get('k', 1, load), 1);
    c.value = 2;
    assert.equal(await memo.get('k', 2, load), 2);
    assert.equal(await memo.get('k', 3, load), 2);
    assert.equal(await memo.get('other', 3, load), 3);
  });

  it('reuses nothing while changes cannot be seen (token undefined)', async () => {
    const c = new FakeChangeClock();
    c.value = undefined;
    const memo = new ReadMemo<number>(c);
    let reads = 0;
    const load = async () => ++reads;
    await memo.get('k', 0, load);
    await memo.get('k', 0, load);
    assert.equal(reads, 2);
  });

  it('does not keep failed reads', async () => {
    const memo = new ReadMemo<number>(new FakeChangeClock());
    let reads = 0;
    await assert.rejects(async () =>
      memo.get('k', 0, async () => {
        reads++;
        throw new Error('missing');
      }),
    );
    assert.equal(await memo.get('k', 0, async () => ++reads), 2);
  });

  it('does not keep a read that began before a newer token was seen', async () => {
    const c = new FakeChangeClock();
    const memo = new ReadMemo<string>(c);
    let release!: () => void;
    const slow = memo.get('k', 0, () => new Promise<string>((r) => (release = () => r('old'))));
    c.value = 2;
    assert.equal(await memo.get('k', 0, async () => 'new'), 'new');
    release();
    assert.equal(await slow, 'old');
    assert.equal(await memo.get('k', 0, async () => 'unused'), 'new');
  });

  it('ages entries out and bounds their number', async () => {
    const memo = new ReadMemo<number>(new FakeChangeClock(), { maxEntries: 2, maxAgeMs: 100 });
    let reads = 0;
    const load = async () => ++reads;
    await memo.get('a', 0, load);
    assert.equal(await memo.get('a', 150, load), 2);
    await memo.get('b', 150, load);
    await memo.get('c', 150, load); // evicts the oldest, 'a'
    assert.equal(await memo.get('a', 150, load), 5);
  });
});
