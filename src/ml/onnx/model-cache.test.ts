import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelCache } from './model-cache.js';

const loader = (log: string[], bytes: number) => (key: string) => async () => {
  log.push(key);
  return { value: `model ${key}`, bytes };
};

test('one load per key, shared by concurrent callers', async () => {
  const log: string[] = [];
  const c = new ModelCache<string>(100);
  const load = loader(log, 10);
  const [a, b] = await Promise.all([c.get('v1', load('v1')), c.get('v1', load('v1'))]);
  assert.equal(a, 'model v1');
  assert.equal(b, 'model v1');
  assert.deepEqual(log, ['v1']);
});

test('past the budget the least recently used goes; a recent get keeps an entry', async () => {
  const log: string[] = [];
  const c = new ModelCache<string>(25);
  const load = loader(log, 10);
  await c.get('a', load('a'));
  await c.get('b', load('b'));
  await c.get('a', load('a')); // a is now the most recent
  await c.get('c', load('c')); // 30 bytes > 25: b goes
  assert.equal(c.size, 2);
  assert.equal(c.bytes, 20);
  await c.get('a', load('a'));
  await c.get('b', load('b'));
  assert.deepEqual(log, ['a', 'b', 'c', 'b']);
});

test('a model larger than the budget is served, then evicted by the next', async () => {
  const log: string[] = [];
  const c = new ModelCache<string>(5);
  await c.get('big', loader(log, 50)('big'));
  assert.equal(c.size, 1);
  await c.get('next', loader(log, 1)('next'));
  assert.equal(c.size, 1);
  assert.equal(c.bytes, 1);
});

test('a failed load is forgotten: the next get loads again', async () => {
  const c = new ModelCache<string>(100);
  let calls = 0;
  const failing = async () => {
    calls++;
    throw new Error('corrupt');
  };
  await assert.rejects(c.get('v', failing), /corrupt/);
  await assert.rejects(c.get('v', failing), /corrupt/);
  assert.equal(calls, 2);
  assert.equal(c.size, 0);
});

test('delete forgets a key and its bytes', async () => {
  const c = new ModelCache<string>(100);
  await c.get('v', loader([], 10)('v'));
  c.delete('v');
  assert.equal(c.size, 0);
  assert.equal(c.bytes, 0);
});
