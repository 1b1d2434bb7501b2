import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InferencePool } from './inference-pool.js';

// The bound and the stopping answers need no thread: `work` here never calls `run`.
const pool = () => new InferencePool<unknown, unknown>({ file: new URL('./no-such-worker.js', import.meta.url), threads: 1, maxWaiting: 10 });
const code = (c: number) => (e: Error & { code?: number }) => e.code === c;

test('work past the bound is refused before it runs, with 10030 and the caller’s reason; what it held is given back', async () => {
  const p = pool();
  let release!: () => void;
  const held = p.admit(8, String, () => new Promise<void>((r) => (release = r)));
  assert.equal(p.waiting, 8);
  let ran = false;
  await assert.rejects(
    p.admit(
      3,
      (waiting) => `busy: ${waiting} waiting`,
      async () => void (ran = true),
    ),
    (e: Error & { code?: number }) => e.code === 10030 && e.message === 'busy: 8 waiting',
  );
  assert.equal(ran, false);
  assert.equal(p.waiting, 8, 'a refused call holds nothing');
  await p.admit(2, String, async () => undefined);
  release();
  await held;
  assert.equal(p.waiting, 0);
});

test('a failing work gives back what it held and fails with its own error', async () => {
  const p = pool();
  await assert.rejects(
    p.admit(5, String, async () => Promise.reject(new Error('bad input'))),
    /bad input/,
  );
  assert.equal(p.waiting, 0);
});

test('after close every call, and a failure of work that was running, answers 10030 (the server is stopping)', async () => {
  const p = pool();
  let fail!: (e: Error) => void;
  const running = p.admit(1, String, () => new Promise<void>((_, reject) => (fail = reject)));
  await p.close();
  fail(new Error('Terminating worker thread'));
  await assert.rejects(running, code(10030));
  await assert.rejects(
    p.admit(1, String, async () => undefined),
    code(10030),
  );
  await assert.rejects(
    p.admit(0, String, (run) => run({})),
    code(10030),
  );
});
