// #19 — PostInputsSearches ranked by vector at 10k and 100k inputs, against GetModel in the same run
// (issue 19, Engineering: "search latency at 100k ≤ 50× a GetModel, and linear growth").
// Two apps of image inputs, each with a stored 1,280-d vector of general-image-embedding (what the
// default base workflow, Universal, indexes images with), seeded through the store's repos
// (inputs.create, claim, finish with the vector: no embedder runs) into a fresh SQLite data dir;
// then `serve --no-worker` on it. The query is `ranks: [{annotation: {input_id}}]`: the query vector is
// an input's stored one, so the timing is the exact cosine scan, the sort and the answer, not an
// embedding. Latency = 1 / requests/s with one connection (autocannon, one request in flight), for
// GetModel and for each app's search, in alternating rounds; each search side is warmed with one
// request first (the app's snapshot of inputs and vectors is read on the first search after a write
// or after 60 s, and is reported separately). Rows: the 100k search / GetModel latency ratio per
// round (target ≤ 50), and the growth exponent log(t_100k / t_10k) / log(10) per round (target ≤ 1.0,
// no worse than linear). Before the rounds, both apps' first pages are checked against a brute-force
// cosine over the same seeded vectors (regenerated here).
import path from 'node:path';
import { Visibility } from '../src/domain/entities.js';
import { newId } from '../src/domain/ids.js';
import { openStore } from '../src/storage/open-store.js';
import { GET_APP, GET_MODEL, GET_PATH } from './01-rest-get.js';
import { appPath, appWithModel, type Json } from './lib/fixtures.js';
import { autocannon, type LoadResult, loadNotes } from './lib/load.js';
import { type Bench, type BenchContext, fmtInt, fmtMs, median } from './lib/runner.js';
import { AUTH, BENCH_USER, type RunningServer, startModelkeep, tempDir } from './lib/servers.js';

const DIM = 1280;
const EMBEDDER = 'general-image-embedding';
const CLUSTERS = 16;
const PER_PAGE = 20;
// Inputs per seeding transaction (inputs.create and claim bind a few variables per input; SQLite caps them).
const SEED_BATCH = 1000;
const QUERY_INPUT = 'in-000007';
const appOf = (n: number): string => `search-${n}`;
const inputId = (i: number): string => `in-${String(i).padStart(6, '0')}`;

/** A small, fixed PRNG (mulberry32), so every vector can be regenerated from its index. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CENTERS = Array.from({ length: CLUSTERS }, (_, k) => {
  const r = rng(1000 + k);
  return Float32Array.from({ length: DIM }, () => r() * 2 - 1);
});

/** Input i's unit vector: its cluster's centre plus noise, normalised (dot = cosine, as search assumes). */
function vectorOf(i: number, out = new Float32Array(DIM)): Float32Array {
  const r = rng(i * 2654435761 + 17);
  const c = CENTERS[i % CLUSTERS]!;
  let norm = 0;
  for (let j = 0; j < DIM; j++) {
    const x = c[j]! + (r() * 2 - 1) * 1.5;
    out[j] = x;
    norm += x * x;
  }
  const s = 1 / Math.sqrt(norm);
  for (let j = 0; j < DIM; j++) out[j]! *= s;
  return out;
}

/** The top `k` input ids by cosine to input `q` over inputs 0..n-1, as the server must rank them. */
function bruteForceTop(n: number, q: number, k: number): string[] {
  const qv = vectorOf(q);
  const buf = new Float32Array(DIM);
  const top: { i: number; s: number }[] = [];
  for (let i = 0; i < n; i++) {
    const v = vectorOf(i, buf);
    let s = 0;
    for (let j = 0; j < DIM; j++) s += v[j]! * qv[j]!;
    if (top.length < k || s > top[top.length - 1]!.s) {
      top.push({ i, s });
      top.sort((a, b) => b.s - a.s);
      if (top.length > k) top.pop();
    }
  }
  return top.map((t) => inputId(t.i));
}

/** Creates the user and one app per size, with `n` image inputs each holding its vector (processed, 30000). */
async function seed(ctx: BenchContext, databaseUrl: string, sizes: number[]): Promise<number> {
  const t0 = Date.UTC(2025, 0, 1);
  const started = performance.now();
  const store = await openStore(databaseUrl);
  try {
    if (!(await store.users.get(BENCH_USER))) await store.users.create({ id: BENCH_USER, createdAt: t0 });
    for (const n of sizes) {
      const appId = appOf(n);
      await store.apps.create({
        userId: BENCH_USER,
        id: appId,
        name: appId,
        description: '',
        defaultLanguage: 'en',
        defaultWorkflowId: '',
        visibility: Visibility.PRIVATE,
        metadata: {},
        createdAt: t0,
        modifiedAt: t0,
      });
      for (let from = 0; from < n; from += SEED_BATCH) {
        const to = Math.min(n, from + SEED_BATCH);
        await store.transaction(async (tx) => {
          const inputs = Array.from({ length: to - from }, (_, k) => {
            const i = from + k;
            return {
              pk: newId(),
              userId: BENCH_USER,
              appId,
              id: inputId(i),
              kind: 'image' as const,
              text: null,
              imageUrl: `https://example.invalid/${appId}/${i}.jpg`,
              imageBytes: null,
              metadata: { n: i },
              concepts: [],
              datasetIds: [],
              createdAt: t0 + i,
            };
          });
          await tx.inputs.create(
            inputs,
            inputs.map(() => []),
          );
          const index = new Map(inputs.map((inp, k) => [inp.pk, from + k]));
          const claimed = await tx.inputs.claim('bench-seed', to - from, t0 + 1e9, t0);
          if (claimed.length !== to - from) throw new Error(`seeding ${appId}: claimed ${claimed.length} of ${to - from} inputs`);
          for (const c of claimed) {
            const ok = await tx.inputs.finish(
              c.pk,
              'bench-seed',
              { ok: true, embeddings: [{ embedderId: EMBEDDER, vector: vectorOf(index.get(c.pk)!) }], imageInfo: null, fetchedBytes: null },
              t0,
            );
            if (!ok) throw new Error(`seeding ${appId}: input ${c.id} could not be finished`);
          }
        });
        if (to === n || to % 25_000 === 0)
          ctx.progress(`seeding ${appId}: ${fmtInt(to)}/${fmtInt(n)} inputs with ${DIM}-d vectors (store repos, transactions of ${fmtInt(SEED_BATCH)})`);
      }
    }
  } finally {
    await store.close();
  }
  return (performance.now() - started) / 1000;
}

const searchBody = JSON.stringify({
  searches: [{ query: { ranks: [{ annotation: { input_id: QUERY_INPUT } }] } }],
  pagination: { page: 1, per_page: PER_PAGE },
});
const searchUrl = (server: RunningServer, n: number): string => `${server.base}${appPath(appOf(n))}/inputs/searches`;

async function searchOnce(server: RunningServer, n: number): Promise<{ ms: number; ids: string[]; scores: number[] }> {
  const t = performance.now();
  const res = await fetch(searchUrl(server, n), {
    method: 'POST',
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: searchBody,
    signal: AbortSignal.timeout(300_000),
  });
  const body = (await res.json()) as Json;
  const ms = performance.now() - t;
  if (res.status !== 200 || body.status?.code !== 10000)
    throw new Error(`PostInputsSearches in ${appOf(n)}: HTTP ${res.status} ${JSON.stringify(body.status)}`);
  const hits = (body.hits ?? []) as Json[];
  return { ms, ids: hits.map((h) => h.input.id as string), scores: hits.map((h) => h.score as number) };
}

/** GetModel with one connection (autocannon, one request in flight): a sub-millisecond call needs a light client. */
const getLoad = (server: RunningServer, url: string, seconds: number): Promise<LoadResult> =>
  autocannon({ url, connections: 1, seconds, headers: { authorization: AUTH }, serverPid: server.pid });

interface Timed {
  /** Per-call wall milliseconds, in order. */
  ms: number[];
  medianMs: number;
}

/**
 * Searches one after another until `seconds` have passed and at least `minCalls` were made: a call
 * can take longer than a round, where a fixed-duration load would count one or none. The median
 * per-call time is robust to the odd call that re-reads the app's snapshot.
 */
async function searchLoop(server: RunningServer, n: number, seconds: number, minCalls: number): Promise<Timed> {
  const ms: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (ms.length < minCalls || performance.now() < until) ms.push((await searchOnce(server, n)).ms);
  return { ms, medianMs: median(ms) };
}

const latencyMs = (r: LoadResult): number => 1000 / r.rps;

export const searchBench: Bench = {
  id: 'search',
  rows: '#19',
  title: 'PostInputsSearches by vector at 10k and 100k inputs vs GetModel',
  async run(ctx) {
    const [small, big] = ctx.smoke ? [200, 2_000] : [10_000, 100_000];
    const dataDir = tempDir('search');
    const seedSeconds = await seed(ctx, `sqlite:${path.join(dataDir, 'modelkeep.db')}`, [small, big]);
    const server = await startModelkeep({ dataDir, worker: false });
    try {
      await appWithModel(server.base, GET_APP, GET_MODEL);
      const getUrl = server.base + GET_PATH;
      const check = await fetch(getUrl, { headers: { authorization: AUTH } });
      if (check.status !== 200) throw new Error(`GetModel answered ${check.status}`);
      await check.text();

      // Exact results: the first page equals a brute-force cosine over the same vectors; the query input scores 1.
      const first: Record<number, number> = {};
      for (const n of [small, big]) {
        const got = await searchOnce(server, n);
        first[n] = got.ms;
        const want = bruteForceTop(n, Number(QUERY_INPUT.slice(3)), PER_PAGE);
        if (got.ids.join() !== want.join())
          throw new Error(`PostInputsSearches in ${appOf(n)}: hits ${got.ids.slice(0, 5).join(',')}… differ from brute force ${want.slice(0, 5).join(',')}…`);
        if (Math.abs(got.scores[0]! - 1) > 1e-4) throw new Error(`the query input scores ${got.scores[0]}, not 1`);
      }
      ctx.progress(
        `seeded ${fmtInt(small)} + ${fmtInt(big)} inputs in ${seedSeconds.toFixed(1)} s; first searches (reading the snapshot) ${fmtMs(first[small]!)} / ${fmtMs(first[big]!)}; top ${PER_PAGE} = brute force on both`,
      );

      const gets: LoadResult[] = [];
      const smalls: Timed[] = [];
      const bigs: Timed[] = [];
      const ratio: number[] = [];
      const ratioSmall: number[] = [];
      const growth: number[] = [];
      const minCalls = ctx.smoke ? 3 : 5;
      for (let round = 0; round < ctx.rounds; round++) {
        const g = await getLoad(server, getUrl, ctx.roundSeconds);
        if (g.bad > 0 || g.total === 0) throw new Error(`GetModel: ${g.bad} bad answers of ${g.total}`);
        await searchOnce(server, small); // warm: the app's snapshot may have aged out (60 s)
        const s = await searchLoop(server, small, ctx.roundSeconds, minCalls);
        await searchOnce(server, big);
        const b = await searchLoop(server, big, ctx.roundSeconds, minCalls);
        gets.push(g);
        smalls.push(s);
        bigs.push(b);
        ratio.push(b.medianMs / latencyMs(g));
        ratioSmall.push(s.medianMs / latencyMs(g));
        growth.push(Math.log(b.medianMs / s.medianMs) / Math.log(big / small));
        ctx.progress(
          `round ${round + 1}/${ctx.rounds}: GetModel ${fmtMs(latencyMs(g))} (${fmtInt(g.total)} calls), search ${fmtInt(small)} ${fmtMs(s.medianMs)} (${s.ms.length} calls), search ${fmtInt(big)} ${fmtMs(b.medianMs)} (${b.ms.length} calls${b.ms.length <= 10 ? `: ${b.ms.map((x) => x.toFixed(0)).join(' ')} ms` : ''}): ${ratio[round]!.toFixed(1)}× GetModel, exponent ${growth[round]!.toFixed(2)}`,
        );
      }
      const lat = (rs: LoadResult[]): number => median(rs.map(latencyMs));
      const med = (ts: Timed[]): number => median(ts.map((t) => t.medianMs));
      const spread = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];
      const common = [
        `GetModel latency = 1 / requests/s with one connection (autocannon, ${ctx.roundSeconds} s a round); search latency = median of sequential calls (fetch, ≥ ${ctx.roundSeconds} s and ≥ ${minCalls} calls a round); ${ctx.rounds} round(s); ranks by annotation.input_id (the stored ${DIM}-d ${EMBEDDER} vector of ${QUERY_INPUT}), ${PER_PAGE} hits a page`,
        `seeding ${fmtInt(small + big)} inputs with vectors through the store's repos took ${seedSeconds.toFixed(1)} s; the first search of each app (reading its inputs and vectors into the snapshot) took ${fmtMs(first[small]!)} / ${fmtMs(first[big]!)}`,
      ];
      const medRatio = median(ratio);
      const medGrowth = median(growth);
      return [
        {
          id: '19',
          what: `PostInputsSearches by vector at ${fmtInt(big)} inputs vs GetModel (latency, 1 connection)`,
          baseline: `GetModel ${fmtMs(lat(gets))}`,
          subject: `${fmtMs(med(bigs))} (${fmtMs(med(smalls))} at ${fmtInt(small)}: ${median(ratioSmall).toFixed(1)}×)`,
          ratio: medRatio,
          spread: spread(ratio),
          target: '≤ 50',
          verdict: medRatio <= 50 ? 'pass' : 'MISS',
          notes: [...common, ...loadNotes('GetModel', gets)],
          data: { sizes: [small, big], first, gets, smalls, bigs, ratios: ratio, ratiosSmall: ratioSmall },
        },
        {
          id: '19 growth',
          what: `search latency growth ${fmtInt(small)} → ${fmtInt(big)} inputs (exponent of log t on log n)`,
          baseline: `${fmtMs(med(smalls))} at ${fmtInt(small)}`,
          subject: `${fmtMs(med(bigs))} at ${fmtInt(big)}`,
          ratio: medGrowth,
          spread: spread(growth),
          target: '≤ 1.0 (linear)',
          verdict: medGrowth <= 1.0 ? 'pass' : 'MISS',
          notes: [
            `per round: ${growth.map((g) => g.toFixed(2)).join(', ')}; 1.0 = linear in the inputs scanned (includes each call's fixed cost, which pulls it below 1)`,
          ],
          data: { growth },
        },
      ];
    } finally {
      await server.stop();
    }
  },
};
