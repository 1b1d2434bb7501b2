// Search over inputs (decision 0032), in-process: `node --import tsx bench/search-scan.ts [count]`.
// Seeds `count` text inputs (default 10,000) with their stored text embeddings into a fresh SQLite
// store, then times runSearch — filter-only and ranked by text — against one GetInput-like read
// (inputs.get) on the same store: the first call (which reads the app's inputs and vectors) and the
// median of 5 more (no write in between: the snapshot is reused). Wall milliseconds on a shared machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newId } from '../src/domain/ids.js';
import { defaultModelTypes, ModelTypeRegistry } from '../src/domain/model-types/catalog.js';
import { parseSearches } from '../src/domain/search-query.js';
import { HashingTextEmbedder, TEXT_EMBEDDER_ID } from '../src/ml/embedders/text-hashing.js';
import type { CallContext } from '../src/service/core/context.js';
import { runSearch } from '../src/service/search/run-search.js';
import { SearchIndex } from '../src/service/search/search-index.js';
import { openStore } from '../src/storage/open-store.js';
import { topicTexts } from './07-predict.js';
import { appRow } from './lib/fixtures.js';

const count = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(path.join(tmpdir(), 'search-scan-'));
const store = await openStore(`sqlite:${path.join(dir, 'modelkeep.db')}`);
const t0 = Date.UTC(2025, 0, 1);
const app = appRow('bench', 'search', t0);
await store.users.create({ id: 'bench', createdAt: t0 });
await store.apps.create(app);
const embedder = new HashingTextEmbedder();
const texts = topicTexts(count, 11);
const seedStart = performance.now();
for (let from = 0; from < count; from += 1000) {
  const chunk = texts.slice(from, from + 1000);
  const inputs = chunk.map((t, i) => ({
    pk: newId(),
    userId: 'bench',
    appId: 'search',
    id: `in-${from + i}`,
    kind: 'text' as const,
    text: t.text,
    imageUrl: null,
    imageBytes: null,
    metadata: { n: from + i },
    concepts: [{ id: t.concept, value: 1 }],
    datasetIds: [],
    createdAt: t0 + from + i,
  }));
  const vectors = await embedder.embed(chunk.map((t) => ({ text: t.text })));
  await store.transaction(async (tx) => {
    await tx.concepts.ensure('bench', 'search', [...new Set(chunk.map((t) => t.concept))], t0);
    await tx.inputs.create(
      inputs,
      inputs.map(() => []),
    );
    const claimed = await tx.inputs.claim('bench', 1000, t0 + 1e9, t0, 'local');
    const byId = new Map(inputs.map((inp, i) => [inp.pk, vectors[i]!]));
    for (const c of claimed)
      await tx.inputs.finish(
        c.pk,
        'bench',
        { ok: true, embeddings: [{ embedderId: TEXT_EMBEDDER_ID, vector: byId.get(c.pk)! }], imageInfo: null, fetchedBytes: null },
        t0,
      );
  });
}
console.log(`seeded ${count} text inputs with embeddings in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

const ctx = {
  reqId: 'r',
  now: t0,
  userId: 'bench',
  app,
  caller: { userId: 'bench', keyId: 'k', keyKind: 'pat', scopes: [], appIds: [] },
} as unknown as CallContext;
const deps = {
  store,
  embedders: new Map([[TEXT_EMBEDDER_ID, embedder]]),
  types: new ModelTypeRegistry(defaultModelTypes()),
  fetchUrl: async () => new Uint8Array(),
  index: new SearchIndex(store),
};
const page = { page: 1, perPage: 20 };
const median = async (label: string, fn: () => Promise<unknown>): Promise<number> => {
  const c = performance.now();
  await fn();
  const cold = performance.now() - c;
  const t: number[] = [];
  for (let r = 0; r < 5; r++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  const m = t.sort((a, b) => a - b)[2]!;
  console.log(`${label}: first call ${cold.toFixed(1)} ms (reads the store), then median ${m.toFixed(2)} ms (no write since: the cached snapshot)`);
  return m;
};
const get = await median('inputs.get (one input, the cheap read)', () => store.inputs.get('bench', 'search', 'in-5'));
const filt = await median('filter-only search (concept = food)', () =>
  runSearch(deps, ctx, parseSearches([{ query: { filters: [{ annotation: { data: { concepts: [{ id: 'food', value: 1 }] } } }] } }]), page, 'r'),
);
const rank = await median('text-ranked search (all inputs)', () =>
  runSearch(deps, ctx, parseSearches([{ query: { ranks: [{ annotation: { data: { text: { raw: 'pasta sauce recipe' } } } }] } }]), page, 'r'),
);
console.log(`ratios to inputs.get: filter ${(filt / get).toFixed(0)}x, ranked ${(rank / get).toFixed(0)}x`);
await store.close();
rmSync(dir, { recursive: true, force: true });
