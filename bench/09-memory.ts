// #9 — memory. Idle RSS 1.5 s after start (`serve`, worker on, the data dir of #8) against the bare
// process of #8; peak RSS during #1's load; and a leak check over 3 repeated rounds of #1 (RSS after
// each round, 1 s after the load stops). Targets: idle ≤ 2× the bare process; no growth over the
// 3 rounds (round 3 within 10% of round 1). The peak during #7 is reported by #7.

import { getModelLoad, startGetModelSubject } from './01-rest-get.js';
import { existingDataDir } from './08-startup.js';
import { rssBytes, sleep } from './lib/proc.js';
import { alternate, type Bench, fmtMiB, type Row, verdict } from './lib/runner.js';
import { type RunningServer, startBare, startModelkeep } from './lib/servers.js';

async function idleRss(start: () => Promise<RunningServer>, settleMs: number): Promise<number> {
  const s = await start();
  try {
    await sleep(settleMs);
    const rss = rssBytes(s.pid);
    if (rss === undefined) throw new Error(`${s.name} is gone`);
    return rss;
  } finally {
    await s.stop();
  }
}

export const memoryBench: Bench = {
  id: 'memory',
  rows: '#9',
  title: 'RSS idle, peak under #1, leak check',
  async run(ctx) {
    const dataDir = await existingDataDir(ctx);
    const settle = ctx.smoke ? 500 : 1500;
    const idle = await alternate(ctx, 'idle RSS', {
      baseline: () => idleRss(() => startBare(), settle),
      subject: () => idleRss(() => startModelkeep({ dataDir }), settle),
      value: (b) => b,
      show: (b) => fmtMiB(b),
    });
    const rows: Row[] = [
      {
        id: '9 idle',
        what: `idle RSS ${settle / 1000} s after start (serve, worker on, 1k models)`,
        baseline: `${fmtMiB(idle.baselineMedian)} (bare)`,
        subject: fmtMiB(idle.subjectMedian),
        ratio: idle.median,
        spread: idle.spread,
        target: '≤ 2.0',
        verdict: verdict(idle.median, '<=', 2),
        notes: [],
        data: idle,
      },
    ];

    // Peak and leak: three rounds of #1 against one modelkeep process; the bare Fastify of #1 for the peak's scale.
    const subject = await startGetModelSubject(ctx);
    const bare = await startBare({ restBody: subject.bodyFile });
    try {
      const after: number[] = [];
      const peaks: number[] = [];
      const start = rssBytes(subject.server.pid) ?? 0;
      const barePeak = (await getModelLoad(bare, ctx.roundSeconds)).serverPeakRss;
      ctx.progress(`bare Fastify under #1's load: peak ${fmtMiB(barePeak)}`);
      for (let i = 0; i < 3; i++) {
        const m = await getModelLoad(subject.server, ctx.roundSeconds);
        peaks.push(m.serverPeakRss);
        await sleep(1000);
        after.push(rssBytes(subject.server.pid) ?? Number.NaN);
        ctx.progress(
          `leak round ${i + 1}/3: ${Math.round(m.rps).toLocaleString('en-US')} req/s, peak ${fmtMiB(m.serverPeakRss)}, RSS 1 s after ${fmtMiB(after[i]!)}`,
        );
      }
      const peak = Math.max(...peaks);
      const growth = after[2]! / after[0]!;
      rows.push(
        {
          id: '9 peak #1',
          what: 'peak RSS during #1 (64 connections)',
          baseline: `${fmtMiB(barePeak)} (bare Fastify)`,
          subject: fmtMiB(peak),
          ratio: peak / barePeak,
          target: '– (reported)',
          verdict: 'info',
          notes: [`RSS before the rounds ${fmtMiB(start)}`],
        },
        {
          id: '9 leak',
          what: 'RSS after round 3 / after round 1 of #1',
          baseline: fmtMiB(after[0]!),
          subject: fmtMiB(after[2]!),
          ratio: growth,
          target: '≤ 1.10 (no growth)',
          verdict: verdict(growth, '<=', 1.1),
          notes: [`RSS after each round: ${after.map(fmtMiB).join(', ')}`],
          data: { after, peaks, start },
        },
      );
      return rows;
    } finally {
      await Promise.all([subject.server.stop(), bare.stop()]);
    }
  },
};
