import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NewInput } from '../domain/inputs.js';
import { type Embedder, type EmbedInput, EmbedInputError } from '../ml/embedders/embedder.js';
import { ByteBudget } from '../net/byte-budget.js';
import { fetchPolicy } from '../net/fetch-policy.js';
import { GuardedFetch } from '../net/guarded-fetch.js';
import type { KyselyStore } from '../storage/kysely-store.js';
import { openKyselyStore } from '../storage/open-store.js';
import { InputProcessor } from './input-processor.js';

/** The budget of the test under way: fakeText records what it holds while it embeds. */
let budgetSeen: { budget?: ByteBudget; used: number[] } = { used: [] };

/** A text embedder that refuses 'bad' (the input's fault) and throws on 'flaky' (ours). */
const fakeText: Embedder = {
  id: 'fake-text',
  dim: 2,
  kind: 'text',
  async embed(batch: EmbedInput[]) {
    if (budgetSeen.budget) budgetSeen.used.push(budgetSeen.budget.used);
    return batch.map((b, i) => {
      if (b.text === 'bad') throw new EmbedInputError('text is unusable', i);
      if (b.text === 'flaky') throw new Error('model failed to load');
      return new Float32Array([0.6, 0.8]);
    });
  },
};

describe('InputProcessor', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'modelkeep-processor-'));
  let store: KyselyStore;
  let now = 1_000;
  const clock = { now: () => now };
  const log = { warn: () => undefined, info: () => undefined };
  const processor = (opts = {}) =>
    new InputProcessor(store, new Map([[fakeText.id, fakeText]]), clock, log, new GuardedFetch(fetchPolicy('127.0.0.0/8')), {
      leaseMs: 100,
      maxAttempts: 3,
      pollMs: 60_000,
      ...opts,
    });
  let seq = 0;
  const add = async (text: string | null, textUrl: string | null = null, appId = 'a'): Promise<NewInput> => {
    const i: NewInput = {
      pk: `pk${++seq}`,
      userId: 'u',
      appId,
      id: `in${seq}`,
      kind: 'text',
      text,
      imageUrl: null,
      imageBytes: null,
      textUrl,
      metadata: {},
      concepts: [],
      datasetIds: [],
      createdAt: seq,
    };
    await store.inputs.create([i], [[]]);
    return i;
  };
  const status = async (i: NewInput) => (await store.inputs.getByPks([i.pk]))[0]!.status;

  before(async () => {
    store = await openKyselyStore(`sqlite:${path.join(dir, 'p.db')}`);
    await store.users.create({ id: 'u', createdAt: 1 });
    for (const id of ['a', 'b'])
      await store.apps.create({
        userId: 'u',
        id,
        name: id,
        description: '',
        defaultLanguage: 'en',
        defaultWorkflowId: '',
        visibility: 10,
        metadata: {},
        createdAt: 1,
        modifiedAt: 1,
      });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('processes pending inputs: 30000 with the vector, or 30002 with details naming the field', async () => {
    const [good, bad] = [await add('fine'), await add('bad')];
    assert.equal(await processor().runOnce(), 2);
    assert.deepEqual(await status(good), { code: 30000, details: '' });
    assert.deepEqual((await store.embeddings.getMany([good.pk], 'fake-text')).get(good.pk), new Float32Array([0.6, 0.8]));
    const s = await status(bad);
    assert.equal(s.code, 30002);
    assert.match(s.details, /data\.text\.raw could not be used: text is unusable/);
  });

  describe('with a download budget (MODELKEEP_FETCH_BUDGET_MB)', () => {
    const TEXT = Buffer.from('a fetched text '.repeat(20)); // 300 bytes
    let base = '';
    const server = createServer((_req, res) => res.writeHead(200, { 'content-length': TEXT.length }).end(TEXT));
    before(async () => {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => {
      budgetSeen = { used: [] };
      server.close();
    });

    it("a fetched input holds its bytes' share while it is embedded, and gives it back once finished", async () => {
      const budget = new ByteBudget(1000);
      budgetSeen = { budget, used: [] };
      const inputs = [await add(null, `${base}/t1`), await add(null, `${base}/t2`)];
      assert.equal(await processor({ fetchBudget: budget }).runOnce(), 2);
      for (const i of inputs) assert.equal((await status(i)).code, 30000);
      assert.ok(budgetSeen.used.length === 2 && budgetSeen.used.every((u) => u >= TEXT.length), `held while embedding: ${budgetSeen.used}`);
      assert.ok(budget.peak >= TEXT.length && budget.peak <= 1000);
      assert.equal(budget.used, 0);
    });

    it('no budget within the time limit is retried like our own faults, then fails naming the setting', async () => {
      const budget = new ByteBudget(1000);
      budgetSeen = { used: [] };
      const other = budget.hold();
      assert.equal(await other.reserve(900), 'ok'); // another download holds all but 100 bytes
      const i = await add(null, `${base}/t3`);
      const p = processor({ fetchBudget: budget, fetchTimeoutMs: 150 });
      for (let attempt = 1; attempt < 3; attempt++) {
        assert.equal(await p.runOnce(), 1);
        assert.equal((await status(i)).code, 30003, `attempt ${attempt} is retried, not failed: ${JSON.stringify(await status(i))}`);
        now += 101;
      }
      assert.equal(await p.runOnce(), 1);
      const s = await status(i);
      assert.equal(s.code, 30002);
      assert.match(
        s.details,
        /last error: data\.text\.url \S+ could not get its 300 bytes of the server's download budget \(MODELKEEP_FETCH_BUDGET_MB=0\.001\) within the 0\.2 s time limit/,
      );
      assert.match(s.details, /raise MODELKEEP_FETCH_BUDGET_MB/);
      assert.equal(budget.used, 900, "only the other hold's bytes are left");
      other.release();
    });
  });

  it("a crashed processor's claim is retaken once its lease expires", async () => {
    const i = await add('fine');
    assert.equal((await store.inputs.claim('dead', 10, now + 100, now)).length, 1);
    assert.equal(await processor().runOnce(), 0, 'lease still held by the dead processor');
    now += 101;
    assert.equal(await processor().runOnce(), 1);
    assert.equal((await status(i)).code, 30000);
  });

  it('our own failures are retried on lease expiry, then fail with the last error after maxAttempts', async () => {
    const i = await add('flaky');
    const p = processor();
    for (let attempt = 1; attempt < 3; attempt++) {
      assert.equal(await p.runOnce(), 1);
      assert.equal((await status(i)).code, 30003, `attempt ${attempt} keeps it in progress`);
      assert.equal(await p.runOnce(), 0);
      now += 101;
    }
    assert.equal(await p.runOnce(), 1);
    const s = await status(i);
    assert.equal(s.code, 30002);
    assert.match(s.details, /failed 3 times; last error: model failed to load/);
  });

  it('an input whose processors keep crashing fails instead of looping forever', async () => {
    const i = await add('fine');
    for (let k = 0; k < 3; k++) {
      assert.equal((await store.inputs.claim(`dead${k}`, 10, now + 100, now)).length, 1);
      now += 101;
    }
    await processor().runOnce();
    const s = await status(i);
    assert.equal(s.code, 30002);
    assert.match(s.details, /interrupted 3 times/);
  });

  it('start / notify / stop: a notified loop processes at once (the poll is a minute here)', async () => {
    const p = processor();
    p.start();
    const i = await add('fine');
    p.notify();
    const deadline = Date.now() + 5000;
    while ((await status(i)).code !== 30000) {
      assert.ok(Date.now() < deadline, 'processed after notify');
      await new Promise((r) => setTimeout(r, 10));
    }
    await p.stop();
  });

  describe('re-indexing after a base workflow change (decision 0037)', () => {
    /** App b's base workflow indexes text with `indexWith` (the lookup the composition root wires to the app's workflow). */
    let indexWith: string | undefined = 'fake-text';
    const other: Embedder = { ...fakeText, id: 'other-text', embed: async (batch) => batch.map(() => new Float32Array([1, 0])) };
    const reindexer = (opts = {}) =>
      new InputProcessor(
        store,
        new Map([
          [fakeText.id, fakeText],
          [other.id, other],
        ]),
        clock,
        log,
        new GuardedFetch(fetchPolicy()),
        { leaseMs: 100, maxAttempts: 3, pollMs: 60_000, embedderFor: async (_u: string, appId: string) => (appId === 'b' ? indexWith : 'fake-text'), ...opts },
      );
    const vec = async (i: NewInput, e: string) => (await store.embeddings.getMany([i.pk], e)).get(i.pk);

    it('new inputs get only the base workflow embedder; none when it indexes nothing', async () => {
      indexWith = 'fake-text';
      const i = await add('fine', null, 'b');
      await reindexer().runOnce();
      assert.equal((await status(i)).code, 30000);
      assert.ok(await vec(i, 'fake-text'));
      assert.equal(await vec(i, 'other-text'), undefined);
      indexWith = undefined;
      const j = await add('fine', null, 'b');
      await reindexer().runOnce();
      assert.equal((await status(j)).code, 30000);
      assert.equal(await vec(j, 'fake-text'), undefined);
    });

    it('markForReindex queues the processed inputs without the new vector (30501); the reindex lane writes it (30500), keeping the old one', async () => {
      indexWith = 'other-text';
      const queued = await store.inputs.markForReindex('u', 'b', 'text', 'other-text', now);
      assert.equal(queued, 2);
      const counts = await store.inputs.countByStatus('u', 'b');
      assert.equal(counts.get(30501), 2);
      assert.equal(await reindexer().runOnce(), 2);
      const after = await store.inputs.countByStatus('u', 'b');
      assert.deepEqual([after.get(30500), after.get(30501) ?? 0], [2, 0]);
      for (const i of await store.inputs.list({ userId: 'u', appId: 'b', page: { page: 1, perPage: 10 } })) {
        assert.deepEqual((await store.embeddings.getMany([i.pk], 'other-text')).get(i.pk), new Float32Array([1, 0]));
      }
      // Already indexed with it: a second change to the same embedder queues nothing.
      assert.equal(await store.inputs.markForReindex('u', 'b', 'text', 'other-text', now), 0);
    });

    it('fenced: a re-index held when the workflow changes again is taken back, and its late result is dropped', async () => {
      assert.equal(await store.inputs.markForReindex('u', 'b', 'text', 'third', now), 2);
      const claimed = await store.inputs.claimReindex('slow', 10, now + 100, now);
      assert.equal(claimed.length, 2);
      // The base workflow changes again while 'slow' works: its claims are taken back (30501, no lease)...
      assert.equal(await store.inputs.markForReindex('u', 'b', 'text', 'fourth', now), 2);
      // ...so what it computed under the old workflow does not land.
      const result = { ok: true as const, embeddings: [{ embedderId: 'third', vector: new Float32Array([0, 1]) }], imageInfo: null, fetchedBytes: null };
      assert.equal(await store.inputs.finishReindex(claimed[0]!.pk, 'slow', result, now), false);
      assert.equal((await store.embeddings.getMany([claimed[0]!.pk], 'third')).size, 0);
      assert.equal((await store.inputs.getByPks([claimed[0]!.pk]))[0]!.status.code, 30501);
    });

    it("durable: a crashed re-indexer's claim is retaken once its lease expires", async () => {
      const held = await store.inputs.claimReindex('dead', 10, now + 100, now);
      assert.equal(held.length, 2);
      assert.equal((await store.inputs.claimReindex('other', 10, now + 100, now)).length, 0, 'still leased');
      now += 101;
      indexWith = 'fake-text';
      assert.equal(await reindexer().runOnce(), 2);
      const counts = await store.inputs.countByStatus('u', 'b');
      assert.deepEqual([counts.get(30500), counts.get(30503) ?? 0], [2, 0]);
    });

    it('processing started under the old workflow cannot finish: markForReindex puts it back to 30001', async () => {
      const i = await add('fine', null, 'b');
      const [c] = await store.inputs.claim('old-worker', 1, now + 100, now);
      assert.equal(c?.pk, i.pk);
      await store.inputs.markForReindex('u', 'b', 'text', 'other-text', now);
      assert.equal((await status(i)).code, 30001);
      const landed = await store.inputs.finish(i.pk, 'old-worker', { ok: true, embeddings: [], imageInfo: null, fetchedBytes: null }, now);
      assert.equal(landed, false);
    });
  });
});
