// #3 — ListModels page 1 and page 50 (20 a page) in an app of 100k models, against the same query
// in an app of 1k models (both apps in one database, one server). Target: cost at 100k ≤ 1.3× the
// cost at 1k — paging must not scan. Cost = 1 / requests/s at a fixed concurrency.
// By key: Clarifai pages by number, but modelkeep serves the page after one it has just served by
// key (src/service/reuse/page-boundaries.ts); the "3 key" row measures the last page of each app right
// after its previous page was served once. A deep OFFSET page (no previous page served) is measured
// for information.
import path from 'node:path';
import { appPath, type Json, seedStore } from './lib/fixtures.js';
import { autocannon, type LoadResult, loadNotes, showLoad } from './lib/load.js';
import { profileSubject, profileText } from './lib/profile.js';
import { alternate, type Bench, type BenchContext, fmtInt, fmtMs, median, type Row, verdict } from './lib/runner.js';
import { AUTH, type RunningServer, startModelkeep, tempDir } from './lib/servers.js';

export const LIST_CONNECTIONS = 16;
export const PER_PAGE = 20;
export const SMALL_APP = 'list-1k';
export const BIG_APP = 'list-big';

export const bigCount = (ctx: BenchContext): number => (ctx.smoke ? 3_000 : 100_000);
/** List queries are slower than GetModel (≈1k/s here): 3 s rounds still hold thousands of requests, and keep the whole run under 10 minutes. */
export const listSeconds = (ctx: BenchContext): number => (ctx.smoke ? ctx.roundSeconds : 3);

export const listPath = (appId: string, page: number): string => `${appPath(appId)}/models?per_page=${PER_PAGE}&page=${page}`;

export function listLoad(server: RunningServer, appId: string, page: number, seconds: number): Promise<LoadResult> {
  return autocannon({
    url: server.base + listPath(appId, page),
    connections: LIST_CONNECTIONS,
    seconds,
    headers: { authorization: AUTH },
    serverPid: server.pid,
  });
}

export interface ListSubject {
  server: RunningServer;
  dataDir: string;
  seedSeconds: number;
}

/** Seeds both apps (1k and the big one) through the store's repos; returns the seconds it took. */
export async function seedListApps(ctx: BenchContext, databaseUrl: string, name = 'SQLite'): Promise<number> {
  const n = bigCount(ctx);
  const t0 = performance.now();
  let last = 0;
  await seedStore(
    databaseUrl,
    [
      { id: SMALL_APP, models: 1000 },
      { id: BIG_APP, models: n },
    ],
    {
      onProgress: (done, total) => {
        if (done - last >= 25_000 || done === total) {
          last = done;
          ctx.progress(`seeding ${name}: ${fmtInt(done)}/${fmtInt(total)} models (store repos, transactions of 5,000)`);
        }
      },
    },
  );
  return (performance.now() - t0) / 1000;
}

/** Checks the answers once: right count, right order (newest modified first), on both apps and both pages. */
export async function checkListAnswers(ctx: BenchContext, server: RunningServer): Promise<void> {
  for (const [appId, count] of [
    [SMALL_APP, 1000],
    [BIG_APP, bigCount(ctx)],
  ] as const) {
    for (const page of [1, 50]) {
      const res = await fetch(server.base + listPath(appId, page), { headers: { authorization: AUTH } });
      const body = (await res.json()) as Json;
      const ids = ((body.models ?? []) as Json[]).map((m) => m.id as string);
      const first = count - 1 - (page - 1) * PER_PAGE;
      const want = Array.from({ length: PER_PAGE }, (_, i) => `m${String(first - i).padStart(6, '0')}`);
      if (res.status !== 200 || ids.join() !== want.join())
        throw new Error(`ListModels ${appId} page ${page}: HTTP ${res.status}, got ${ids.slice(0, 3).join(',')}… want ${want.slice(0, 3).join(',')}…`);
    }
  }
}

/** Seeds both apps into a fresh SQLite data dir, then starts `serve --no-worker` on it. */
export async function startListSubject(ctx: BenchContext): Promise<ListSubject> {
  const dataDir = tempDir('list');
  const seedSeconds = await seedListApps(ctx, `sqlite:${path.join(dataDir, 'modelkeep.db')}`);
  const server = await startModelkeep({ dataDir, worker: false });
  await checkListAnswers(ctx, server);
  return { server, dataDir, seedSeconds };
}

/** Rounds alternating the 1k app (baseline) and the big app (subject) for one page; ratio = cost at big / cost at 1k. */
export async function listRows(ctx: BenchContext, s: ListSubject, label: string, idPrefix: string): Promise<Row[]> {
  const rows: Row[] = [];
  const n = bigCount(ctx);
  for (const page of [1, 50]) {
    const r = await alternate(ctx, `${label} page ${page}`, {
      baseline: () => listLoad(s.server, SMALL_APP, page, listSeconds(ctx)),
      subject: () => listLoad(s.server, BIG_APP, page, listSeconds(ctx)),
      // cost ratio: (1/rps_big) / (1/rps_1k)
      value: (m) => 1 / m.rps,
      show: (m) => showLoad(m),
    });
    rows.push({
      id: `${idPrefix}3 p${page}`,
      what: `ListModels page ${page} (${PER_PAGE}/page) at ${fmtInt(n)} vs 1k models${label ? ` — ${label}` : ''}`,
      baseline: `${fmtInt(median(r.baseline.map((m) => m.rps)))} req/s, p50 ${fmtMs(median(r.baseline.map((m) => m.p50Ms)))}`,
      subject: `${fmtInt(median(r.subject.map((m) => m.rps)))} req/s, p50 ${fmtMs(median(r.subject.map((m) => m.p50Ms)))}`,
      ratio: r.median,
      spread: r.spread,
      target: '≤ 1.3 (cost)',
      verdict: verdict(r.median, '<=', 1.3),
      notes: [...loadNotes('1k app', r.baseline), ...loadNotes(`${fmtInt(n)} app`, r.subject)],
      data: { baseline: r.baseline, subject: r.subject, ratios: r.ratios },
    });
  }
  return rows;
}

export const listModelsBench: Bench = {
  id: 'list',
  rows: '#3',
  title: 'ListModels paging at 1k vs 100k models',
  async run(ctx) {
    const s = await startListSubject(ctx);
    try {
      const n = bigCount(ctx);
      ctx.progress(
        `seeded 1,000 + ${fmtInt(n)} models in ${s.seedSeconds.toFixed(1)} s; autocannon ${LIST_CONNECTIONS} connections, ${listSeconds(ctx)} s rounds`,
      );
      const rows = await listRows(ctx, s, '', '');
      rows[0]!.notes.push(`seeding ${fmtInt(1000 + n)} models through the store's repos took ${s.seedSeconds.toFixed(1)} s`);
      // What a deep OFFSET page costs compared with page 1 (its previous page was never served, so no key).
      const deepPage = Math.floor((n - PER_PAGE) / PER_PAGE);
      // Informational (no target): shorter rounds.
      const deepSeconds = Math.max(1, Math.round(ctx.roundSeconds / 2));
      const deep = await alternate(ctx, `deep page ${deepPage}`, {
        baseline: () => listLoad(s.server, BIG_APP, 1, deepSeconds),
        subject: () => listLoad(s.server, BIG_APP, deepPage, deepSeconds),
        value: (m) => 1 / m.rps,
        show: (m) => showLoad(m),
      });
      rows.push({
        id: '3 deep',
        what: `ListModels page ${fmtInt(deepPage)} (offset ${fmtInt((deepPage - 1) * PER_PAGE)}) vs page 1, both at ${fmtInt(n)}`,
        baseline: `${fmtInt(median(deep.baseline.map((m) => m.rps)))} req/s`,
        subject: `${fmtInt(median(deep.subject.map((m) => m.rps)))} req/s`,
        ratio: deep.median,
        spread: deep.spread,
        target: '– (no target: offset paging)',
        verdict: 'info',
        notes: ['cost of a deep offset page relative to page 1: offset paging walks the skipped index entries'],
        data: { baseline: deep.baseline, subject: deep.subject, ratios: deep.ratios },
      });
      rows.push(await byKeyRow(ctx, s, n));
      if (ctx.profile) {
        const frames = await profileSubject(
          path.join(ctx.tmp, 'prof-list'),
          (nodeArgs) => startModelkeep({ dataDir: s.dataDir, worker: false, nodeArgs, name: 'modelkeep --cpu-prof' }),
          (srv) => listLoad(srv, BIG_APP, 50, ctx.roundSeconds * 3),
        );
        rows[1]!.notes.push(`cpu profile of modelkeep serving page 50 at ${fmtInt(n)} (self time):`, ...profileText(frames));
      }
      return rows;
    } finally {
      await s.server.stop();
    }
  },
};

/** GETs one list page and checks its ids (models are m000000… newest-modified first). */
async function checkPage(server: RunningServer, appId: string, count: number, page: number): Promise<void> {
  const res = await fetch(server.base + listPath(appId, page), { headers: { authorization: AUTH } });
  const ids = ((((await res.json()) as Json).models as Json[] | undefined) ?? []).map((m) => m.id as string);
  const first = count - 1 - (page - 1) * PER_PAGE;
  const want = Array.from({ length: Math.min(PER_PAGE, first + 1) }, (_, i) => `m${String(first - i).padStart(6, '0')}`);
  if (res.status !== 200 || ids.join() !== want.join())
    throw new Error(`ListModels ${appId} page ${page}: HTTP ${res.status}, got ${ids.slice(0, 3).join(',')}… want ${want.slice(0, 3).join(',')}…`);
}

/** The last page of each app, by key: its previous page is served once first, so the server knows where it ended. */
async function byKeyRow(ctx: BenchContext, s: ListSubject, n: number): Promise<Row> {
  const lastSmall = Math.ceil(1000 / PER_PAGE);
  const lastBig = Math.ceil(n / PER_PAGE);
  for (const [appId, count, last] of [
    [SMALL_APP, 1000, lastSmall],
    [BIG_APP, n, lastBig],
  ] as const) {
    await checkPage(s.server, appId, count, last - 1);
    await checkPage(s.server, appId, count, last);
  }
  const r = await alternate(ctx, 'by key', {
    baseline: () => listLoad(s.server, SMALL_APP, lastSmall, listSeconds(ctx)),
    subject: () => listLoad(s.server, BIG_APP, lastBig, listSeconds(ctx)),
    value: (m) => 1 / m.rps,
    show: (m) => showLoad(m),
  });
  return {
    id: '3 key',
    what: `ListModels by-key next page: page ${fmtInt(lastBig)} at ${fmtInt(n)} vs page ${lastSmall} at 1k (each after its previous page)`,
    baseline: `${fmtInt(median(r.baseline.map((m) => m.rps)))} req/s, p50 ${fmtMs(median(r.baseline.map((m) => m.p50Ms)))}`,
    subject: `${fmtInt(median(r.subject.map((m) => m.rps)))} req/s, p50 ${fmtMs(median(r.subject.map((m) => m.p50Ms)))}`,
    ratio: r.median,
    spread: r.spread,
    target: '≤ 1.3 (cost)',
    verdict: verdict(r.median, '<=', 1.3),
    notes: [
      `the previous page of each was served once before the rounds; the server then starts the next page after its last row (sort value + id) instead of OFFSET ${fmtInt((lastBig - 1) * PER_PAGE)}; both answers checked by id`,
      ...loadNotes('1k app', r.baseline),
      ...loadNotes(`${fmtInt(n)} app`, r.subject),
    ],
    data: { baseline: r.baseline, subject: r.subject, ratios: r.ratios },
  };
}
