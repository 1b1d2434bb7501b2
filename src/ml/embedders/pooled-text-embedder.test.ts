import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { RetryLater } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import { dot, EmbedInputError, embedSettled } from './embedder.js';
import { PooledTextEmbedder, slices } from './pooled-text-embedder.js';
import { serverEmbedders, TEXT_EMBEDDER_ID } from './registry.js';
import { HashingTextEmbedder } from './text-hashing.js';

// Decision 0044: big text batches are embedded on worker threads with the very vectors of the
// in-process embedder; small ones stay on the calling thread.

const WORDS = 'match goal recipe oven server cache flight hotel café naïve 東京 don’t 42 🙂 the of'.split(' ');
function texts(n: number, words: number): string[] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: words }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' '));
}

describe('slices', () => {
  const table: [string[], number, [number, number][]][] = [
    [
      ['a', 'b', 'c', 'd'],
      2,
      [
        [0, 2],
        [2, 4],
      ],
    ],
    [
      ['aaaaaa', 'b', 'c', 'd'],
      2,
      [
        [0, 1],
        [1, 4],
      ],
    ],
    [
      ['a', 'b', 'c'],
      4,
      [
        [0, 1],
        [1, 2],
        [2, 3],
      ],
    ],
    [['a'], 3, [[0, 1]]],
    [['a', 'b', 'c', 'd'], 1, [[0, 4]]],
  ];
  for (const [t, n, want] of table) {
    it(`${JSON.stringify(t)} in ${n}`, () =>
      assert.deepEqual(
        slices(t, n).map((s) => [s.from, s.to]),
        want,
      ));
  }
});

describe('PooledTextEmbedder', () => {
  const inProcess = new HashingTextEmbedder();
  const pooled = new PooledTextEmbedder({ threads: 2, minPooledChars: 1000 });
  after(() => pooled.close());

  it('gives the in-process vectors, to 1e-5, in input order, over two threads', async () => {
    const batch = texts(130, 12).map((text) => ({ text }));
    assert.ok(batch.reduce((s, b) => s + b.text.length, 0) >= 1000, 'the batch goes to the threads');
    const [want, got] = await Promise.all([inProcess.embed(batch), pooled.embed(batch)]);
    assert.equal(got.length, batch.length);
    for (let i = 0; i < batch.length; i++) {
      assert.equal(got[i]!.length, inProcess.dim);
      let worst = 0;
      for (let j = 0; j < want[i]!.length; j++) worst = Math.max(worst, Math.abs(want[i]![j]! - got[i]![j]!));
      assert.ok(worst < 1e-5, `text ${i}: max difference ${worst}`);
    }
    assert.ok(dot(got[0]!, got[1]!) < 0.999, 'different texts, different vectors');
    assert.equal(pooled.queuedChars, 0);
  });

  it('keeps small batches on the calling thread', async () => {
    const small = new PooledTextEmbedder({ threads: 1 });
    const [v] = await small.embed([{ text: 'a short text' }]);
    assert.deepEqual(v, (await inProcess.embed([{ text: 'a short text' }]))[0]);
    await small.close();
    // Closed: small batches still run in-process; only the threads are gone.
    assert.equal((await small.embed([{ text: 'still fine' }])).length, 1);
  });

  it('reports an input without words at its index in the batch, as in-process', async () => {
    const t = texts(100, 12);
    t[77] = '  ... !!! ';
    const batch = t.map((text) => ({ text }));
    const err = await pooled.embed(batch).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof EmbedInputError);
    assert.equal(err.index, 77);
    const want = await inProcess.embed(batch).catch((e: EmbedInputError) => e);
    assert.equal(err.message, (want as EmbedInputError).message);
    // embedSettled gives that input its own failure and the others their vectors.
    const settled = await embedSettled(pooled, batch);
    assert.deepEqual(
      settled.map((s) => s.ok),
      batch.map((_, i) => i !== 77),
    );
  });

  it('refuses an input without text with the in-process message', async () => {
    const batch: { text?: string }[] = texts(100, 12).map((text) => ({ text }));
    batch[5] = {};
    const got = await pooled.embed(batch).catch((e: unknown) => e);
    const want = await inProcess.embed(batch).catch((e: unknown) => e);
    assert.ok(got instanceof EmbedInputError);
    assert.equal(got.message, (want as Error).message);
  });

  it('refuses a batch over the queue bound with 10030, before any work', async () => {
    const tight = new PooledTextEmbedder({ threads: 1, minPooledChars: 10, maxQueuedChars: 50 });
    const err = await tight.embed(texts(10, 5).map((text) => ({ text }))).catch((e: unknown) => e);
    assert.ok(err instanceof RetryLater);
    assert.equal(err.code, Code.TRY_AGAIN);
    assert.match(err.details, /characters are waiting/);
    await tight.close();
  });

  it('answers 10030 for a big batch once closed', async () => {
    const closing = new PooledTextEmbedder({ threads: 1, minPooledChars: 10 });
    await closing.embed([{ text: 'warm the thread up now' }]);
    await closing.close();
    const err = await closing.embed([{ text: 'after the close, a big batch' }]).catch((e: unknown) => e);
    assert.ok(err instanceof RetryLater);
    assert.equal(err.code, Code.TRY_AGAIN);
  });

  it('is the server text embedder with inference threads, and not with 0', async () => {
    const on = serverEmbedders(1);
    const off = serverEmbedders(0);
    assert.ok(on.embedders.get(TEXT_EMBEDDER_ID) instanceof PooledTextEmbedder);
    assert.ok(off.embedders.get(TEXT_EMBEDDER_ID) instanceof HashingTextEmbedder);
    await on.close();
    await off.close();
  });
});
