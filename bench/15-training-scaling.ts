// #15 — training wall time against training-set size: the synthetic set of #6 (1,280-d, 10
// concepts, seed 42, src/ml/classifier/bench-data.ts) at 1,000, 10,000 and 100,000 rows, each
// trained on its first 80% by `node dist/ml/classifier/bench-run.js --n N` in its own process
// (generation excluded; fit only). The growth exponent is the slope of log(time) against log(n)
// between the smallest and the largest set (and per step); target ≤ 1.0 (no worse than linear).
// One run per size, sizes interleaved over the rounds so that a noisy moment hits one size only;
// the median per size is used.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, run } from './lib/proc.js';
import { type Bench, type BenchContext, median, type Row } from './lib/runner.js';

const SUBJECT = path.join(REPO_ROOT, 'dist', 'ml', 'classifier', 'bench-run.js');
const SIZES = [1_000, 10_000, 100_000];

interface Fit {
  train_seconds: number;
  cpu_seconds: number;
  accuracy: number;
  epochs: number;
  n_train: number;
}

const slope = (n0: number, t0: number, n1: number, t1: number): number => Math.log(t1 / t0) / Math.log(n1 / n0);

export const scalingBench: Bench = {
  id: 'scaling',
  rows: '#15',
  title: 'training time vs training-set size (1k, 10k, 100k × 1,280-d)',
  async run(ctx: BenchContext): Promise<Row[]> {
    if (!existsSync(SUBJECT))
      return [
        {
          id: '15',
          what: 'training time vs set size',
          baseline: '–',
          subject: '–',
          target: 'exponent ≤ 1.0',
          verdict: 'not available yet',
          notes: [`missing ${SUBJECT}`],
        },
      ];
    const sizes = ctx.smoke ? [500, 1_000, 2_000] : SIZES;
    const rounds = ctx.smoke ? 1 : Math.min(ctx.rounds, 3);
    const fits = new Map<number, Fit[]>(sizes.map((n) => [n, []]));
    for (let round = 0; round < rounds; round++) {
      for (const n of round % 2 === 0 ? sizes : [...sizes].reverse()) {
        const { stdout } = await run(process.execPath, [SUBJECT, '--n', String(n)], { timeoutMs: 1_800_000 });
        const fit = JSON.parse(stdout.trim().split('\n').pop()!) as Fit;
        fits.get(n)!.push(fit);
        ctx.progress(
          `round ${round + 1}/${rounds}: ${n.toLocaleString('en-US')} rows (${fit.n_train.toLocaleString('en-US')} train): ${fit.train_seconds.toFixed(2)} s wall, ${fit.cpu_seconds.toFixed(2)} s CPU, ${fit.epochs} iterations, held-out accuracy ${(fit.accuracy * 100).toFixed(2)}%`,
        );
      }
    }
    const t = sizes.map((n) => median(fits.get(n)!.map((f) => f.train_seconds)));
    const it = sizes.map((n) => median(fits.get(n)!.map((f) => f.epochs)));
    const overall = slope(sizes[0]!, t[0]!, sizes[sizes.length - 1]!, t[t.length - 1]!);
    const steps = sizes
      .slice(1)
      .map((n, i) => `${sizes[i]!.toLocaleString('en-US')}→${n.toLocaleString('en-US')}: ${slope(sizes[i]!, t[i]!, n, t[i + 1]!).toFixed(2)}`);
    return [
      {
        id: '15',
        what: `training wall time vs set size, ${sizes.map((n) => n.toLocaleString('en-US')).join(' / ')} rows × 1,280-d, 10 concepts (synthetic, seed 42, 80% train)`,
        baseline: `${t[0]!.toFixed(2)} s at ${sizes[0]!.toLocaleString('en-US')}`,
        subject: sizes.map((n, i) => `${t[i]!.toFixed(2)} s`).join(' / '),
        ratio: overall,
        target: 'exponent ≤ 1.0',
        verdict: overall <= 1.0 ? 'pass' : 'MISS',
        notes: [
          `growth exponent (slope of log time on log n) ${overall.toFixed(2)} overall; per step ${steps.join(', ')}`,
          `L-BFGS iterations (medians) ${it.join(' / ')}; the time per iteration grows with the rows per pass`,
          `${rounds} run(s) per size, each its own process (node dist/ml/classifier/bench-run.js --n N), fit only; medians`,
        ],
        data: Object.fromEntries(sizes.map((n) => [n, fits.get(n)])),
      },
    ];
  },
};
