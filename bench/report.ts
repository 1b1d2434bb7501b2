// Prints a results file as the Markdown table of BENCHMARKS.md, with each row's notes below it.
// Usage: node --import tsx bench/report.ts [bench/results/<file>.json]   (default: the newest full run)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './lib/proc.js';
import { type Row, table } from './lib/runner.js';

process.stdout.on('error', () => process.exit(0)); // e.g. piped into head
const dir = path.join(REPO_ROOT, 'bench', 'results');
const file =
  process.argv[2] ??
  readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('-smoke.json'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (!file) {
  process.stderr.write('no results yet: run npm run bench\n');
  process.exit(1);
}
const r = JSON.parse(readFileSync(file, 'utf8')) as {
  date: string;
  commit: string;
  dirty: boolean;
  only: string[] | null;
  seconds: number;
  rounds: number;
  roundSeconds: number;
  machine: Record<string, unknown>;
  rows: Row[];
};
const m = r.machine;
process.stdout.write(
  `Run of ${r.date} at commit ${r.commit}${r.dirty ? ' (with uncommitted changes)' : ''}${r.only ? ` (only ${r.only.join(', ')})` : ''}: ${Math.round(r.seconds)} s, ${r.rounds} alternating rounds of ${r.roundSeconds} s; ` +
    `${String(m.cpus)} × ${String(m.cpuModel)}, ${String(m.memGiB)} GiB, Node ${String(m.node)}, load average ${((m.loadavgAtStart ?? m.loadavg) as number[]).map((x) => x.toFixed(1)).join(' / ')} at the start, ${(m.loadavg as number[]).map((x) => x.toFixed(1)).join(' / ')} at the end.\n\n`,
);
process.stdout.write(`${table(r.rows, true)}\n\nNotes per row:\n\n`);
for (const row of r.rows) for (const n of row.notes) process.stdout.write(`- **${row.id}**: ${n.replace(/\|/g, '\\|')}\n`);
