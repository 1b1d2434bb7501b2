// #10 — #1, #3 and #4 on PostgreSQL, each against the SQLite figure of the same run. Every run gets
// a fresh schema (`?schema=bench_…`, created by the store's migration, dropped at the end).
// Target: ≥ 0.5 of SQLite for #1; the others are reported (#3 also against its own 1.3 target).
import pg from 'pg';
import { type GetModelSubject, getModelLoad } from './01-rest-get.js';
import { bigCount, checkListAnswers, listRows, seedListApps } from './03-list-models.js';
import { postVersionsLoad, startVersionsSubject, THRESHOLDER_MODEL, verifyVersions } from './04-post-versions.js';
import { loadNotes, showLoad } from './lib/load.js';
import { alternate, type Bench, type BenchContext, fmtInt, type Row, verdict } from './lib/runner.js';

/** Undefined when PostgreSQL answers `select 1` at `url`, else why not. */
export async function pgReachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (e) {
    return (e as Error).message || String(e);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}

async function dropSchemas(url: string, schemas: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const s of schemas) await client.query(`drop schema if exists "${s}" cascade`);
  } finally {
    await client.end();
  }
}

export const postgresBench: Bench = {
  id: 'postgres',
  rows: '#10',
  title: 'PostgreSQL variants of #1, #3, #4 vs SQLite',
  async run(ctx: BenchContext) {
    const pgUrl = ctx.pgUrl!;
    const schema = `bench_${process.pid}_${Date.now().toString(36)}`;
    const pgSchemaUrl = withSchema(pgUrl, schema);
    const rows: Row[] = [];
    let sqlite: GetModelSubject | undefined;
    let pgs: GetModelSubject | undefined;
    try {
      // One server per database (the #4 setup holds #1's model too), both up; rounds alternate between them.
      sqlite = await startVersionsSubject(ctx, { name: 'modelkeep (SQLite)' });
      pgs = await startVersionsSubject(ctx, { databaseUrl: pgSchemaUrl, name: 'modelkeep (PostgreSQL)' });
      const [a, b] = [sqlite, pgs];
      ctx.progress(`fresh PostgreSQL schema ${schema}; #1 then #4, SQLite (baseline) and PostgreSQL (subject) alternating`);
      const r1 = await alternate(ctx, 'pg #1', {
        baseline: () => getModelLoad(a.server, ctx.roundSeconds),
        subject: () => getModelLoad(b.server, ctx.roundSeconds),
        value: (m) => m.rps,
        show: (m) => showLoad(m),
      });
      rows.push({
        id: '10 #1',
        what: 'REST GetModel req/s, PostgreSQL vs SQLite (64 conns)',
        baseline: `${fmtInt(r1.baselineMedian)} req/s (SQLite)`,
        subject: `${fmtInt(r1.subjectMedian)} req/s`,
        ratio: r1.median,
        spread: r1.spread,
        target: '≥ 0.5',
        verdict: verdict(r1.median, '>=', 0.5),
        notes: [...loadNotes('SQLite', r1.baseline), ...loadNotes('PostgreSQL', r1.subject)],
        data: r1,
      });

      const r4 = await alternate(ctx, 'pg #4', {
        baseline: () => postVersionsLoad(a.server, THRESHOLDER_MODEL, ctx.roundSeconds),
        subject: () => postVersionsLoad(b.server, THRESHOLDER_MODEL, ctx.roundSeconds),
        value: (m) => m.rps,
        show: (m) => showLoad(m, 'versions/s'),
      });
      const check = await verifyVersions(b.server, THRESHOLDER_MODEL, r4.subject, 21100);
      rows.push({
        id: '10 #4',
        what: 'PostModelVersions (non-trainable) versions/s, PostgreSQL vs SQLite',
        baseline: `${fmtInt(r4.baselineMedian)} versions/s (SQLite)`,
        subject: `${fmtInt(r4.subjectMedian)} versions/s`,
        ratio: r4.median,
        spread: r4.spread,
        target: '– (reported)',
        verdict: check.problems.length ? 'error' : 'info',
        notes: [
          ...loadNotes('SQLite', r4.baseline),
          ...loadNotes('PostgreSQL', r4.subject),
          `PostgreSQL: ${fmtInt(check.acknowledged)} acknowledged, ${fmtInt(check.listed)} listed${check.problems.length ? `; PROBLEMS: ${check.problems.join('; ')}` : '; none lost'}`,
        ],
        data: { ...r4, check: { ...check, versions: undefined } },
      });
      await a.server.stop();
      sqlite = undefined;

      // #3 on PostgreSQL: the two list apps seeded into the same schema (through the store's repos, while
      // the server runs), against the same server; its own 100k-vs-1k ratio, same target as #3.
      const seedSeconds = await seedListApps(ctx, pgSchemaUrl, 'PostgreSQL');
      await checkListAnswers(ctx, b.server);
      ctx.progress(`seeded ${fmtInt(1000 + bigCount(ctx))} models into PostgreSQL in ${seedSeconds.toFixed(1)} s`);
      const listed = await listRows(ctx, { server: b.server, dataDir: b.dataDir, seedSeconds }, 'PostgreSQL', '10 #');
      for (const row of listed)
        row.notes.push(`seeding PostgreSQL through the store's repos (4 transactions of 5,000 at a time) took ${seedSeconds.toFixed(1)} s`);
      rows.push(...listed);
      return rows;
    } finally {
      await Promise.all([sqlite?.server.stop(), pgs?.server.stop()]);
      await dropSchemas(pgUrl, [schema]).catch((e: unknown) => ctx.progress(`could not drop schema ${schema}: ${(e as Error).message}`));
    }
  },
};
