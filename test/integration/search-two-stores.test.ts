// Two stores on one database stand for two server processes (decision 0042): each keeps its own
// vectors and HNSW graph, follows the other's writes through its ChangeClock (PostgreSQL LISTEN /
// NOTIFY, SQLite's WAL index), and both answer the same hits. Runs on SQLite, and on PostgreSQL when
// MODELKEEP_TEST_DATABASE_URL is set.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { newId } from '../../src/domain/ids.js';
import { defaultModelTypes, ModelTypeRegistry } from '../../src/domain/model-types/catalog.js';
import { parseSearches } from '../../src/domain/search-query.js';
import type { Store } from '../../src/ports/store.js';
import type { CallContext } from '../../src/service/core/context.js';
import { runSearch } from '../../src/service/search/run-search.js';
import { SearchIndex } from '../../src/service/search/search-index.js';
import { openStore } from '../../src/storage/open-store.js';
import { freshPostgres, freshSqlite, PG_SKIP, type TestDatabase } from '../contract/databases.js';
import { app as fixtureApp } from '../contract/fixtures.js';

const DIM = 24;
const EMBEDDER = 'general-image-embedding';
const t0 = Date.UTC(2025, 0, 1);
const app = fixtureApp('u', { id: 'a', name: 'a', description: '', defaultWorkflowId: '', metadata: {}, createdAt: t0, modifiedAt: t0 });
const ctx = { reqId: 'r', now: t0, userId: 'u', app, caller: { userId: 'u', keyId: 'k', keyKind: 'pat', scopes: [], appIds: [] } } as unknown as CallContext;

function vec(i: number): Float32Array {
  const v = Float32Array.from({ length: DIM }, (_, j) => Math.sin((i + 1) * (j + 1) * 0.37) + (j === i % DIM ? 1 : 0));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

async function addInputs(store: Store, from: number, count: number): Promise<void> {
  await store.transaction(async (tx) => {
    const inputs = Array.from({ length: count }, (_, k) => ({
      pk: newId(),
      userId: 'u',
      appId: 'a',
      id: `in-${from + k}`,
      kind: 'image' as const,
      text: null,
      imageUrl: `https://example.invalid/${from + k}.jpg`,
      imageBytes: null,
      metadata: {},
      concepts: [],
      datasetIds: [],
      createdAt: t0 + from + k,
    }));
    await tx.inputs.create(
      inputs,
      inputs.map(() => []),
    );
    const index = new Map(inputs.map((x, k) => [x.pk, from + k]));
    for (const c of await tx.inputs.claim('t', count, t0 + 1e9, t0))
      await tx.inputs.finish(
        c.pk,
        't',
        { ok: true, embeddings: [{ embedderId: EMBEDDER, vector: vec(index.get(c.pk)!) }], imageInfo: null, fetchedBytes: null },
        t0,
      );
  });
}

function searcher(store: Store) {
  const deps = {
    store,
    embedders: new Map([[EMBEDDER, { id: EMBEDDER, dim: DIM, kind: 'image' as const, embed: async () => [] }]]),
    types: new ModelTypeRegistry(defaultModelTypes()),
    fetchUrl: async () => new Uint8Array(),
    index: new SearchIndex(store, 'hnsw'),
  };
  return async (query: string): Promise<string[]> => {
    const plan = parseSearches([{ query: { ranks: [{ annotation: { input_id: query } }] } }]);
    return (await runSearch(deps as never, { ...ctx, now: Date.now() }, plan, { page: 1, perPage: 10 }, 'r')).hits.map((h) => h.input.id);
  };
}

/** Polls until `fn` answers `want` (the other store's write reaches this one's ChangeClock). */
async function eventually(fn: () => Promise<string[]>, want: string[]): Promise<void> {
  const until = Date.now() + 10_000;
  let got = await fn();
  while (got.join() !== want.join() && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    got = await fn();
  }
  assert.deepEqual(got, want);
}

for (const [name, make, skip] of [
  ['SQLite', freshSqlite, false],
  ['PostgreSQL', freshPostgres, PG_SKIP],
] as const) {
  describe(`search over two stores on one ${name} database (two processes)`, { skip }, () => {
    let db: TestDatabase | undefined;
    const stores: Store[] = [];
    after(async () => {
      for (const s of stores) await s.close();
      await db?.drop();
    });

    it('both answer the same hits, before and after the other one deletes and adds inputs', async () => {
      db = make();
      const a = await openStore(db.url);
      stores.push(a);
      await a.users.create({ id: 'u', createdAt: t0 });
      await a.apps.create(app);
      await addInputs(a, 0, 60);
      const b = await openStore(db.url);
      stores.push(b);
      const [searchA, searchB] = [searcher(a), searcher(b)];
      const first = await searchA('in-5');
      assert.equal(first[0], 'in-5');
      assert.deepEqual(await searchB('in-5'), first);
      // A deletes the second hit and adds an input with the query's own vector (in-65 = vec(65)).
      const [second] = await a.inputs.getMany('u', 'a', [first[1]!]);
      await a.inputs.delete([second!.pk]);
      await addInputs(a, 60, 6);
      const want = (await searchA('in-5')).filter((id) => id !== first[1]);
      assert.ok(!want.includes(first[1]!), 'the deleted input is no hit on the store that deleted it');
      await eventually(() => searchB('in-5'), want);
      await eventually(() => searchB('in-65'), await searchA('in-65'));
      assert.equal((await searchB('in-65'))[0], 'in-65', 'the new input is found from the other store');
    });
  });
}
