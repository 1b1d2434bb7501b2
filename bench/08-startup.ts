// #8 — start-up: process start to `/healthz` 200 of `modelkeep serve` on an existing data directory
// with 1k models, against a bare process that loads the same protos and listens on both ports
// (bench/baselines/bare-server.mjs). Target: ≤ 1.5×.
import path from 'node:path';
import { seedStore } from './lib/fixtures.js';
import { profileSubject, profileText } from './lib/profile.js';
import { alternate, type Bench, type BenchContext, fmtMs, type Row, verdict } from './lib/runner.js';
import { type RunningServer, startBare, startModelkeep, tempDir } from './lib/servers.js';

/** A data dir with the bench user, one app of 1k models, and one completed start behind it (PAT, system app). */
export async function existingDataDir(ctx: BenchContext): Promise<string> {
  const dataDir = tempDir('startup');
  await seedStore(`sqlite:${path.join(dataDir, 'modelkeep.db')}`, [{ id: 'startup-app', models: 1000 }]);
  const first = await startModelkeep({ dataDir });
  await first.stop();
  ctx.progress(`data dir with 1,000 models ready (first start ${fmtMs(first.startMs)})`);
  return dataDir;
}

async function timedStart(start: () => Promise<RunningServer>): Promise<number> {
  const s = await start();
  await s.stop();
  return s.startMs;
}

export const startupBench: Bench = {
  id: 'startup',
  rows: '#8',
  title: 'start-up to /healthz 200 vs bare process',
  async run(ctx) {
    const dataDir = await existingDataDir(ctx);
    // Starts are short: take more rounds than the load benchmarks.
    const rounds = ctx.smoke ? 1 : Math.max(5, ctx.rounds);
    const r = await alternate({ ...ctx, rounds }, 'startup', {
      baseline: () => timedStart(() => startBare()),
      subject: () => timedStart(() => startModelkeep({ dataDir })),
      value: (ms) => ms,
      show: (ms) => `${fmtMs(ms)} to /healthz 200`,
    });
    const row: Row = {
      id: '8',
      what: 'start-up to /healthz 200, existing data dir with 1k models',
      baseline: `${fmtMs(r.baselineMedian)} (bare)`,
      subject: fmtMs(r.subjectMedian),
      ratio: r.median,
      spread: r.spread,
      target: '≤ 1.5',
      verdict: verdict(r.median, '<=', 1.5),
      notes: [`${rounds} rounds; both polled on /healthz every 5 ms from spawn; modelkeep as \`node dist/cli/main.js serve\` (worker on, the default)`],
      data: { baseline: r.baseline, subject: r.subject, ratios: r.ratios },
    };
    if (ctx.profile) {
      // Start to /healthz 200, then stop at once: the profile is the start-up (and the shutdown).
      const prof = await profileSubject(
        path.join(ctx.tmp, 'prof-startup'),
        (nodeArgs) => startModelkeep({ dataDir, nodeArgs, name: 'modelkeep --cpu-prof' }),
        async () => undefined,
      );
      row.notes.push('cpu profile of one modelkeep start-up:', ...profileText(prof));
    }
    return [row];
  },
};
