// #19 — PostInputsSearches ranked by vector at 10k and 100k inputs, against GetModel in the same run
// (issue 19, Engineering: "search latency at 100k ≤ 50× a GetModel, and linear growth"; decision 0042).
// Two apps of image inputs, each with a stored 1,280-d vector of general-image-embedding (what the
// default base workflow, Universal, indexes images with), seeded through the store's repos
// (inputs.create, claim, finish with the vector: no embedder runs) into a fresh SQLite data dir;
// then `serve --no-worker` on it with the default MODELKEEP_SEARCH_INDEX=auto, so both apps (≥ 10,000
// vectors) get an HNSW graph, built in the background while searches are answered exactly. The query is
// `ranks: [{annotation: {input_id}}]`: the query vector is an input's stored one, so the timing is the
// scan, the ranking and the answer, not an embedding. Steps: the first search of each app (reads its
// inputs and vectors; exact) is checked against a brute-force cosine over the same seeded vectors;
// searches are then polled until the graphs answer (latency under a fifth of the exact one); recall@10
// of 20 queries per app against brute force; then alternating rounds of GetModel (1 / requests/s with
// one connection, autocannon) and each app's search (median of sequential calls). Rows: the 100k search /
// GetModel ratio (target ≤ 50), the growth exponent log(t_100k / t_10k) / log(10) (target ≤ 1.0),
// recall@10 (target ≥ 0.98), and, from a second server with MODELKEEP_SEARCH_INDEX=exact on the same
// data, the exact scan's ratio and growth (information).
import path from 'node:path';
import { Visibility } from '../src/domain/entities.js';
import { newId } from '../src/domain/ids.js';
import { openStore } from '../src/storage/open-store.js';
import { GET_APP, GET_MODEL, GET_PATH } from './01-rest-get.js';
import { appPath, appWithModel, type Json } from './lib/fixtures.js';
import { autocannon, type LoadResult, loadNotes } from './lib/load.js';
import { type Bench, type BenchContext, fmtInt, fmtMs, median } from './lib/runner.js';
import { bruteForceTops, DIM, vectorOf } from './lib/search-vectors.js';
import { AUTH, BENCH_USER, type RunningServer, startModelkeep, tempDir } from './lib/servers.js';

const EMBEDDER = 'general-image-embedding';
const PER_PAGE = 20;
// Inputs per seeding transaction (inputs.create and claim bind a few variables per input; SQLite caps them).
const SEED_BATCH = 1000;
const QUERY_INPUT = 'in-000007';
const RECALL_QUERIES = 20;
const appOf = (n: number): string => `search-${n}`;
const inputId = (i: number): string => `in-${String(i).padStart(6, '0')}`;

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

const searchBody = (query: string, perPage: number): string =>
  JSON.stringify({ searches: [{ query: { ranks: [{ annotation: { input_id: query } }] } }], pagination: { page: 1, per_page: perPage } });
const searchUrl = (server: RunningServer, n: number): string => `${server.base}${appPath(appOf(n))}/inputs/searches`;

async function searchOnce(server: RunningServer, n: number, query = QUERY_INPUT, perPage = PER_PAGE): Promise<{ ms: number; ids: string[]; scores: number[] }> {
  const t = performance.now();
  const call = () =>
    fetch(searchUrl(server, n), {
      method: 'POST',
      headers: { authorization: AUTH, 'content-type': 'application/json' },
      body: searchBody(query, perPage),
      signal: AbortSignal.timeout(300_000),
    });
  // Once more on a network error (an idle keep-alive connection closed under us); a dead server fails again.
  const res = await call().catch(call);
  const body = (await res.json()) as Json;
  const ms = performance.now() - t;
  if (res.status !== 200 || body.status?.code !== 10000)
    throw new Error(`PostInputsSearches in ${appOf(n)}: HTTP ${res.status} ${JSON.stringify(body.status)}`);
  const hits = (body.hits ?? []) as Json[];
  return { ms, ids: hits.map((h) => h.input.id as string), scores: hits.map((h) => h.score as number) };
}

/** The first search of each app (reads its inputs and vectors, answered exactly) must equal brute force. */
async function firstSearches(server: RunningServer, sizes: number[]): Promise<Record<number, number>> {
  const first: Record<number, number> = {};
  for (const n of sizes) {
    const got = await searchOnce(server, n);
    first[n] = got.ms;
    const want = bruteForceTops(n, [Number(QUERY_INPUT.slice(3))], PER_PAGE)[0]!.map(inputId);
    if (got.ids.join() !== want.join())
      throw new Error(`PostInputsSearches in ${appOf(n)}: hits ${got.ids.slice(0, 5).join(',')}… differ from brute force ${want.slice(0, 5).join(',')}…`);
    if (Math.abs(got.scores[0]! - 1) > 1e-4) throw new Error(`the query input scores ${got.scores[0]}, not 1`);
  }
  return first;
}

/**
 * Polls an app's search until the approximate index answers: two calls in a row under a fifth of the
 * exact scan's time (`exactMs`, measured by exactLatency before any graph could answer). Returns the
 * seconds waited since `started` and the exact scan's latency.
 */
async function awaitGraph(
  ctx: BenchContext,
  server: RunningServer,
  n: number,
  exactMs: number,
  started: number,
  timeoutS: number,
): Promise<{ seconds: number; exactMs: number }> {
  let fast = 0;
  while (fast < 2) {
    if (performance.now() - started > timeoutS * 1000) throw new Error(`${appOf(n)}: the approximate index was not answering after ${timeoutS} s`);
    await new Promise((r) => setTimeout(r, 2000));
    const ms = (await searchOnce(server, n)).ms;
    // A smoke run checks completion only: at its 200 / 2,000 inputs the exact scan is already as fast
    // as the HTTP round trip, so "a fifth of the exact time" would never come (and the run would wait
    // out the timeout); the graphs of so few vectors are built within the first poll.
    fast = ctx.smoke || ms < exactMs / 5 ? fast + 1 : 0;
  }
  const seconds = (performance.now() - started) / 1000;
  ctx.progress(`${appOf(n)}: approximate index answering after ${seconds.toFixed(0)} s (exact scan ${fmtMs(exactMs)})`);
  return { seconds, exactMs };
}

/**
 * The exact scan's latency of an app's search, measured for every app before waiting on any graph:
 * both graphs build in one process, and the small one answers only once the big one is nearly done
 * (its searches wait behind the build's slices), so measured after the small wait, the big app's
 * "exact" time could already be its graph's and the wait would never end.
 */
async function exactLatency(server: RunningServer, n: number): Promise<number> {
  return median([(await searchOnce(server, n)).ms, (await searchOnce(server, n)).ms, (await searchOnce(server, n)).ms]);
}

const recallQueries = (n: number): number[] => Array.from({ length: RECALL_QUERIES }, (_, k) => (7 + k * Math.floor(n / RECALL_QUERIES)) % n);

/** Mean recall@10 over `RECALL_QUERIES` query inputs spread over the app, against brute force (`want`, computed before). */
async function recallAt10(server: RunningServer, n: number, want: number[][]): Promise<number> {
  const queries = recallQueries(n);
  let sum = 0;
  for (const [k, q] of queries.entries()) {
    const got = new Set((await searchOnce(server, n, inputId(q), 10)).ids);
    sum += want[k]!.filter((i) => got.has(inputId(i))).length / 10;
  }
  return sum / queries.length;
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

interface Rounds {
  gets: LoadResult[];
  smalls: Timed[];
  bigs: Timed[];
  /** Per round: the big search / GetModel, the small one / GetModel, the growth exponent. */
  ratio: number[];
  ratioSmall: number[];
  growth: number[];
}

/** Alternating rounds of GetModel, the small app's search and the big app's search. */
async function measureRounds(ctx: BenchContext, server: RunningServer, label: string, small: number, big: number): Promise<Rounds> {
  const getUrl = server.base + GET_PATH;
  const r: Rounds = { gets: [], smalls: [], bigs: [], ratio: [], ratioSmall: [], growth: [] };
  const minCalls = ctx.smoke ? 3 : 5;
  for (let round = 0; round < ctx.rounds; round++) {
    const g = await getLoad(server, getUrl, ctx.roundSeconds);
    if (g.bad > 0 || g.total === 0) throw new Error(`GetModel: ${g.bad} bad answers of ${g.total}`);
    await searchOnce(server, small); // warm: the app's inputs may have aged out (60 s) and be re-read
    const sm = await searchLoop(server, small, ctx.roundSeconds, minCalls);
    await searchOnce(server, big);
    const b = await searchLoop(server, big, ctx.roundSeconds, minCalls);
    r.gets.push(g);
    r.smalls.push(sm);
    r.bigs.push(b);
    r.ratio.push(b.medianMs / latencyMs(g));
    r.ratioSmall.push(sm.medianMs / latencyMs(g));
    r.growth.push(Math.log(b.medianMs / sm.medianMs) / Math.log(big / small));
    ctx.progress(
      `${label} round ${round + 1}/${ctx.rounds}: GetModel ${fmtMs(latencyMs(g))} (${fmtInt(g.total)} calls), search ${fmtInt(small)} ${fmtMs(sm.medianMs)} (${sm.ms.length} calls), search ${fmtInt(big)} ${fmtMs(b.medianMs)} (${b.ms.length} calls): ${r.ratio[round]!.toFixed(1)}× GetModel, exponent ${r.growth[round]!.toFixed(2)}`,
    );
  }
  return r;
}

const lat = (rs: LoadResult[]): number => median(rs.map(latencyMs));
const med = (ts: Timed[]): number => median(ts.map((t) => t.medianMs));
const spread = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];

/** Starts a server on the seeded data, checks the first searches, runs `body`, stops it. */
async function withServer<T>(
  dataDir: string,
  mode: string,
  sizes: number[],
  body: (s: RunningServer, first: Record<number, number>) => Promise<T>,
): Promise<T> {
  const server = await startModelkeep({ dataDir, worker: false, args: ['--search-index', mode] });
  try {
    await appWithModel(server.base, GET_APP, GET_MODEL).catch(() => undefined); // made by the first server already
    const check = await fetch(server.base + GET_PATH, { headers: { authorization: AUTH } });
    if (check.status !== 200) throw new Error(`GetModel answered ${check.status}`);
    await check.text();
    return await body(server, await firstSearches(server, sizes));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- server stderr ---\n${server.child.err().slice(-3000)}`);
  } finally {
    await server.stop();
  }
}

export const searchBench: Bench = {
  id: 'search',
  rows: '#19',
  title: 'PostInputsSearches by vector at 10k and 100k inputs vs GetModel',
  async run(ctx) {
    const [small, big] = ctx.smoke ? [200, 2_000] : [10_000, 100_000];
    const dataDir = tempDir('search');
    const seedSeconds = await seed(ctx, `sqlite:${path.join(dataDir, 'modelkeep.db')}`, [small, big]);
    // The brute-force neighbours for recall, before any server runs (so it competes with no graph build).
    const truth = { small: bruteForceTops(small, recallQueries(small), 10), big: bruteForceTops(big, recallQueries(big), 10) };
    // The default (auto) builds graphs from 10,000 vectors; the smoke run's small apps ask for them (hnsw).
    const approx = await withServer(dataDir, ctx.smoke ? 'hnsw' : 'auto', [small, big], async (server, first) => {
      ctx.progress(
        `seeded ${fmtInt(small)} + ${fmtInt(big)} inputs in ${seedSeconds.toFixed(1)} s; first searches (reading inputs and vectors; exact) ${fmtMs(first[small]!)} / ${fmtMs(first[big]!)}; top ${PER_PAGE} = brute force on both`,
      );
      const started = performance.now();
      const exactMs = { small: await exactLatency(server, small), big: await exactLatency(server, big) };
      const graphs = {
        small: await awaitGraph(ctx, server, small, exactMs.small, started, 1800),
        big: await awaitGraph(ctx, server, big, exactMs.big, started, 1800),
      };
      const recall = { small: await recallAt10(server, small, truth.small), big: await recallAt10(server, big, truth.big) };
      ctx.progress(
        `recall@10 against brute force (${RECALL_QUERIES} queries each): ${recall.small.toFixed(3)} at ${fmtInt(small)}, ${recall.big.toFixed(3)} at ${fmtInt(big)}`,
      );
      return { first, graphs, recall, rounds: await measureRounds(ctx, server, 'approximate', small, big) };
    });
    const exact = await withServer(dataDir, 'exact', [small, big], async (server) => measureRounds(ctx, server, 'exact', small, big));
    const r = approx.rounds;
    const common = [
      `GetModel latency = 1 / requests/s with one connection (autocannon, ${ctx.roundSeconds} s a round); search latency = median of sequential calls (fetch, ≥ ${ctx.roundSeconds} s a round); ${ctx.rounds} round(s); ranks by annotation.input_id (the stored ${DIM}-d ${EMBEDDER} vector of ${QUERY_INPUT}), ${PER_PAGE} hits a page`,
      `seeding ${fmtInt(small + big)} inputs with vectors through the store's repos took ${seedSeconds.toFixed(1)} s; the first search of each app (reading its inputs and vectors) took ${fmtMs(approx.first[small]!)} / ${fmtMs(approx.first[big]!)}; the graphs answered ${approx.graphs.small.seconds.toFixed(0)} s / ${approx.graphs.big.seconds.toFixed(0)} s after (built in the background, searches exact meanwhile)`,
    ];
    const medRatio = median(r.ratio);
    const medGrowth = median(r.growth);
    const minRecall = Math.min(approx.recall.small, approx.recall.big);
    return [
      {
        id: '19',
        what: `PostInputsSearches by vector at ${fmtInt(big)} inputs vs GetModel (latency, 1 connection; MODELKEEP_SEARCH_INDEX=auto: HNSW)`,
        baseline: `GetModel ${fmtMs(lat(r.gets))}`,
        subject: `${fmtMs(med(r.bigs))} (${fmtMs(med(r.smalls))} at ${fmtInt(small)}: ${median(r.ratioSmall).toFixed(1)}×)`,
        ratio: medRatio,
        spread: spread(r.ratio),
        target: '≤ 50',
        verdict: medRatio <= 50 ? 'pass' : 'MISS',
        notes: [...common, ...loadNotes('GetModel', r.gets)],
        data: { sizes: [small, big], first: approx.first, graphs: approx.graphs, ...r },
      },
      {
        id: '19 growth',
        what: `search latency growth ${fmtInt(small)} → ${fmtInt(big)} inputs (exponent of log t on log n; HNSW)`,
        baseline: `${fmtMs(med(r.smalls))} at ${fmtInt(small)}`,
        subject: `${fmtMs(med(r.bigs))} at ${fmtInt(big)}`,
        ratio: medGrowth,
        spread: spread(r.growth),
        target: '≤ 1.0 (linear)',
        verdict: medGrowth <= 1.0 ? 'pass' : 'MISS',
        notes: [`per round: ${r.growth.map((g) => g.toFixed(2)).join(', ')}`],
        data: { growth: r.growth },
      },
      {
        id: '19 recall',
        what: `recall@10 of the HNSW answers against a brute-force cosine (${RECALL_QUERIES} query inputs per app)`,
        baseline: 'brute force (1.0)',
        subject: `${approx.recall.small.toFixed(3)} at ${fmtInt(small)}, ${approx.recall.big.toFixed(3)} at ${fmtInt(big)}`,
        ratio: minRecall,
        spread: [minRecall, Math.max(approx.recall.small, approx.recall.big)],
        target: '≥ 0.98',
        verdict: minRecall >= 0.98 ? 'pass' : 'MISS',
        notes: ['the lower of the two apps is the figure'],
        data: approx.recall,
      },
      {
        id: '19 exact',
        what: `the same search with MODELKEEP_SEARCH_INDEX=exact at ${fmtInt(big)} inputs vs GetModel (a second server on the same data)`,
        baseline: `GetModel ${fmtMs(lat(exact.gets))}`,
        subject: `${fmtMs(med(exact.bigs))} (${fmtMs(med(exact.smalls))} at ${fmtInt(small)}; growth exponent ${median(exact.growth).toFixed(2)})`,
        ratio: median(exact.ratio),
        spread: spread(exact.ratio),
        target: 'information',
        verdict: 'info',
        notes: [`exact growth per round: ${exact.growth.map((g) => g.toFixed(2)).join(', ')}`, ...loadNotes('GetModel', exact.gets)],
        data: exact,
      },
    ];
  },
};
