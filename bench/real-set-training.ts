// Rows "6 real time" / "6 real acc" alone (bench/lib/spam-training-vs-sklearn.ts), without the
// synthetic half of #6, whose sklearn baseline takes minutes on a loaded machine:
//   node --import tsx bench/real-set-training.ts [--smoke]   → the Markdown table on stdout
import { mkdirSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { type BenchContext, table } from './lib/runner.js';
import { sklearnMissing } from './lib/sklearn.js';
import { realSetTrainingRows } from './lib/spam-training-vs-sklearn.js';

const smoke = process.argv.includes('--smoke');
const tmp = path.join(tmpdir(), `modelkeep-real6-${process.pid}`);
mkdirSync(tmp, { recursive: true });
const started = performance.now();
const ctx: BenchContext = {
  smoke,
  rounds: smoke ? 1 : 5,
  roundSeconds: 4,
  profile: false,
  pgUrl: undefined,
  tmp,
  progress: (m) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${m}\n`),
  shared: new Map(),
};
ctx.progress(
  `load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')} on ${os.cpus().length} cores`,
);
const rows = await realSetTrainingRows(ctx, await sklearnMissing());
process.stdout.write(`${table(rows, true)}\n\n${rows.flatMap((r) => r.notes.map((n) => `- **${r.id}**: ${n}`)).join('\n')}\n`);
ctx.progress(
  `load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')} at the end`,
);
