// The search path in-process at `n` inputs (default 100,000) of 1,280-d vectors, for profiling
// (`node --cpu-prof --import tsx bench/search-profile.ts [n] [dataDir] [exact|auto|hnsw]`). Seeds once
// into dataDir (kept, so a second run reuses it), then times the first search (reads the inputs and
// vectors), warm exact searches, one search after a write (the incremental update), and with a
// graph (auto / hnsw) the build and warm approximate searches. Wall ms on a shared machine.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { newId } from '../src/domain/ids.js';
import { parseSearches } from '../src/domain/search-query.js';
import { openStore } from '../src/storage/open-store.js';
import { appRow } from './lib/fixtures.js';

const n = Number(process.argv[2] ?? 100_000);
const dir = process.argv[3] ?? '/tmp/s19';
const mode = (process.argv[4] ?? 'exact') as 'exact' | 'auto' | 'hnsw';
const file = path.join(dir, `p${n}.db`);
const DIM = 1280;
const fresh = !existsSync(file);
const store = await openStore(`sqlite:${file}`);
const t0 = Date.UTC(2025, 0, 1);
const app = appRow('bench', 'search', t0);
function vec(i: number): Float32Array {
  let a = (i * 2654435761 + 17) >>> 0;
  const v = new Float32Array(DIM);
  let norm = 0;
  for (let j = 0; j < DIM; j++) {
    a = (a * 1664525 + 1013904223) >>> 0;
    const x = Math.sin(j * (1 + (i % 16))) + (a / 4294967296 - 0.5) * 3;
    v[j] = x;
    norm += x * x;
  }
  for (let j = 0; j < DIM; j++) v[j]! /= Math.sqrt(norm);
  return v;
}
if (fresh) {
  await store.users.create({ id: 'bench', createdAt: t0 });
  await store.apps.create(app);
  for (let from = 0; from < n; from += 1000) {
    await store.transaction(async (tx) => {
      const inputs = Array.from({ length: Math.min(1000, n - from) }, (_, k) => ({
        pk: newId(),
        userId: 'bench',
        appId: 'search',
        id: `in-${from + k}`,
        kind: 'image' as const,
        text: null,
        imageUrl: `https://example.invalid/${from + k}.jpg`,
        imageBytes: null,
        metadata: { n: from + k },
        concepts: [],
        datasetIds: [],
        createdAt: t0 + from + k,
      }));
      await tx.inputs.create(
        inputs,
        inputs.map(() => []),
      );
      const idx = new Map(inputs.map((x, k) => [x.pk, from + k]));
      for (const c of await tx.inputs.claim('seed', 1000, t0 + 1e9, t0))
        await tx.inputs.finish(
          c.pk,
          'seed',
          { ok: true, embeddings: [{ embedderId: 'general-image-embedding', vector: vec(idx.get(c.pk)!) }], imageInfo: null, fetchedBytes: null },
          t0,
        );
    });
  }
  console.log(`seeded ${n}`);
}
const { runSearch } = await import('../src/service/search/run-search.js');
const { SearchIndex } = await import('../src/service/search/search-index.js');
const { defaultModelTypes, ModelTypeRegistry } = await import('../src/domain/model-types/catalog.js');
const ctx = { reqId: 'r', now: Date.now(), userId: 'bench', app, caller: { userId: 'bench', keyId: 'k', keyKind: 'pat', scopes: [], appIds: [] } } as never;
const fakeEmbedder = { id: 'general-image-embedding', dim: DIM, kind: 'image', embed: async () => [] } as never;
const deps = {
  store,
  embedders: new Map([['general-image-embedding', fakeEmbedder]]),
  types: new ModelTypeRegistry(defaultModelTypes()),
  fetchUrl: async () => new Uint8Array(),
  index: new SearchIndex(store, mode),
};
const plan = parseSearches([{ query: { ranks: [{ annotation: { input_id: 'in-7' } }] } }]);
const time = async (label: string, fn: () => Promise<unknown>) => {
  const s = performance.now();
  const r = await fn();
  console.log(`${label}: ${(performance.now() - s).toFixed(1)} ms`);
  return r;
};
await time('get one input', () => store.inputs.get('bench', 'search', 'in-5'));
await time('get one input', () => store.inputs.get('bench', 'search', 'in-5'));
const run = () => runSearch(deps as never, ctx, plan, { page: 1, perPage: 20 }, 'r');
await time('first search (loads the snapshot)', () => run());
for (let r = 0; r < 5; r++) await time('warm search (exact while no graph is ready)', () => run());
// One write: a new input with its vector; the next search re-reads the inputs and only that vector.
const pk = newId();
await store.transaction(async (tx) => {
  await tx.inputs.create(
    [
      {
        pk,
        userId: 'bench',
        appId: 'search',
        id: `new-${pk}`,
        kind: 'image',
        text: null,
        imageUrl: 'https://example.invalid/new.jpg',
        imageBytes: null,
        metadata: {},
        concepts: [],
        datasetIds: [],
        createdAt: Date.now(),
      },
    ],
    [[]],
  );
  for (const c of await tx.inputs.claim('seed', 10, Date.now() + 1e9, Date.now()))
    await tx.inputs.finish(
      c.pk,
      'seed',
      { ok: true, embeddings: [{ embedderId: 'general-image-embedding', vector: vec(n + 1) }], imageInfo: null, fetchedBytes: null },
      Date.now(),
    );
});
await time('search after one write (inputs re-read, one vector read)', () => run());
if (mode !== 'exact') {
  await time('approximate index build (rest of it)', () => deps.index.built());
  for (let r = 0; r < 5; r++) await time('warm search (approximate)', () => run());
}
await store.close();
