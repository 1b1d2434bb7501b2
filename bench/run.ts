// `npm run bench` — every benchmark of issue 6 on this machine, a progress line per step, a table at
// the end, and bench/results/<date>-<commit>.json.
//   npm run bench -- --only rest,list    a subset (ids below)
//   npm run bench -- --smoke             each for about a second: checks that it completes, no timing verdicts
//   npm run bench -- --profile           also profile modelkeep (node --cpu-prof) where a bench supports it
//   npm run bench -- --no-build          use dist/ as it is (default: npm run build when a src/ file is newer than dist/)
//   npm run bench -- --pg URL            PostgreSQL for #10 (default $MODELKEEP_BENCH_DATABASE_URL, else
//                                        postgres://postgres@127.0.0.1:5432/test when it answers)
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { restGetBench } from './01-rest-get.js';
import { grpcGetBench } from './02-grpc-get.js';
import { listModelsBench } from './03-list-models.js';
import { postVersionsBench } from './04-post-versions.js';
import { postTrainableBench } from './05-post-versions-trainable.js';
import { trainBench } from './06-train-classifier.js';
import { predictBench } from './07-predict.js';
import { startupBench } from './08-startup.js';
import { memoryBench } from './09-memory.js';
import { pgReachable, postgresBench } from './10-postgres.js';
import { textQualityBench } from './11-text-quality.js';
import { observeBench } from './12-observe.js';
import { scalingBench } from './15-training-scaling.js';
import { onnxPredictBench } from './16-onnx-predict.js';
import { embedThreadsBench } from './17-embed-threads.js';
import { predictStallBench } from './17-predict-stall.js';
import { searchBench } from './19-search.js';
import { calibrationBench } from './calibration.js';
import { healthzStallBench } from './healthz-stall.js';
import { REPO_ROOT, run } from './lib/proc.js';
import { type Bench, type BenchContext, gitDirty, gitShortCommit, machine, type Row, table, writeResults } from './lib/runner.js';
import { removeTempDirs } from './lib/servers.js';
import { urlRssBench } from './url-predict-rss.js';

const BENCHES: Bench[] = [
  restGetBench,
  grpcGetBench,
  listModelsBench,
  postVersionsBench,
  postTrainableBench,
  trainBench,
  textQualityBench,
  calibrationBench,
  scalingBench,
  predictBench,
  onnxPredictBench,
  startupBench,
  memoryBench,
  urlRssBench,
  postgresBench,
  observeBench,
  searchBench,
  predictStallBench,
  embedThreadsBench,
  healthzStallBench,
];

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test';

/** Why dist/ needs a build (a source file newer than the last build), or undefined when it is current. */
function distStale(): string | undefined {
  const built = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(built)) return 'no dist/ yet';
  const builtAt = statSync(built).mtimeMs;
  const newer = (dir: string): string | undefined => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        const f = newer(p);
        if (f) return f;
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && statSync(p).mtimeMs > builtAt) return p;
    }
    return undefined;
  };
  const f = newer(path.join(REPO_ROOT, 'src'));
  return f ? `${path.relative(REPO_ROOT, f)} changed since the last build` : undefined;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      pg: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`usage: npm run bench -- [--only ${BENCHES.map((b) => b.id).join(',')}] [--smoke] [--profile] [--no-build] [--pg URL]\n`);
    return 0;
  }
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only?.filter((id) => !BENCHES.some((b) => b.id === id)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.id).join(', ')}\n`);
    return 2;
  }
  const selected = BENCHES.filter((b) => !only || only.includes(b.id));
  const smoke = values.smoke ?? false;
  const started = performance.now();
  const loadAtStart = os.loadavg();
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s`;
  let current = 'bench';
  const progress = (msg: string): void => {
    process.stdout.write(`[${elapsed()}] ${current.padEnd(9)} ${msg}\n`);
  };

  mkdirSync(path.join(REPO_ROOT, '.tmp'), { recursive: true });
  const tmp = path.join(tmpdir(), `modelkeep-bench-${process.pid}`);
  mkdirSync(tmp, { recursive: true });

  if (!values['no-build']) {
    const stale = distStale();
    if (stale) {
      progress(`npm run build (servers run from dist/, as \`modelkeep serve\`; ${stale})`);
      await run('npm', ['run', 'build', '--silent'], { timeoutMs: 300_000 });
    } else progress('dist/ is newer than every file in src/: no build needed');
  }

  let pgUrl: string | undefined = values.pg ?? process.env.MODELKEEP_BENCH_DATABASE_URL ?? DEFAULT_PG;
  let pgNote: string | undefined;
  if (selected.some((b) => b.id === 'postgres')) {
    const why = await pgReachable(pgUrl);
    if (why) {
      pgNote = `PostgreSQL at ${pgUrl.replace(/\/\/[^@/]*@/, '//***@')} is not usable (${why}); set MODELKEEP_BENCH_DATABASE_URL or --pg`;
      pgUrl = undefined;
    }
  }

  const ctx: BenchContext = {
    smoke,
    rounds: smoke ? 1 : 3,
    roundSeconds: smoke ? 1 : 4,
    profile: values.profile ?? false,
    pgUrl,
    tmp,
    progress,
    shared: new Map(),
  };
  if (loadAtStart[0]! > os.cpus().length)
    progress(
      `note: load average ${loadAtStart.map((x) => x.toFixed(1)).join(' / ')} on ${os.cpus().length} cores — other work is running; the ratios (alternating rounds) hold up better than the absolute figures`,
    );
  progress(
    `${selected.length} benchmark(s): ${selected.map((b) => `${b.id} (${b.rows})`).join(', ')}; ${smoke ? 'smoke mode: 1 round of ~1 s each, no verdicts' : `${ctx.rounds} alternating rounds of ${ctx.roundSeconds} s`}`,
  );

  const rows: Row[] = [];
  const errors: string[] = [];
  for (const b of selected) {
    current = b.id;
    const t0 = performance.now();
    progress(`start: ${b.title} (${b.rows})`);
    try {
      if (b.id === 'postgres' && !ctx.pgUrl) {
        rows.push({
          id: '10',
          what: 'PostgreSQL variants of #1, #3, #4',
          baseline: '–',
          subject: '–',
          target: '≥ 0.5 for #1',
          verdict: 'skipped',
          notes: [pgNote ?? 'no PostgreSQL'],
        });
        progress(`skipped: ${pgNote}`);
        continue;
      }
      const got = await b.run(ctx);
      if (smoke) for (const r of got) if (r.verdict === 'pass' || r.verdict === 'MISS') r.verdict = 'info';
      rows.push(...got);
      progress(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${got.map((r) => `#${r.id} ${r.verdict}`).join(', ')}`);
    } catch (e) {
      const msg = (e as Error).stack ?? String(e);
      errors.push(`${b.id}: ${msg}`);
      rows.push({
        id: b.rows.replace(/#/g, ''),
        what: b.title,
        baseline: '–',
        subject: '–',
        target: '–',
        verdict: 'error',
        notes: [msg.split('\n').slice(0, 6).join(' | ')],
      });
      progress(`FAILED: ${msg}`);
    }
  }
  current = 'bench';
  rmSync(tmp, { recursive: true, force: true });
  removeTempDirs();

  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`\n${table(rows)}\n\n`);
  for (const r of rows) for (const n of r.notes) process.stdout.write(`  #${r.id}: ${n}\n`);
  const file = writeResults(
    {
      date: new Date().toISOString(),
      commit: gitShortCommit(),
      dirty: gitDirty(),
      smoke,
      only: only ?? null,
      seconds,
      rounds: ctx.rounds,
      roundSeconds: ctx.roundSeconds,
      machine: { ...machine(), loadavgAtStart: loadAtStart },
      rows,
      errors,
    },
    smoke,
  );
  process.stdout.write(`\n${rows.length} rows in ${seconds.toFixed(0)} s; results in ${path.relative(REPO_ROOT, file)}\n`);
  if (errors.length > 0) process.stdout.write(`${errors.length} benchmark(s) failed to complete: ${errors.map((e) => e.split(':')[0]).join(', ')}\n`);
  return errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
