// The shared runner: alternating rounds (baseline, subject, baseline, subject …), the median of the
// per-round ratios with their spread, one progress line per step, the final table and the JSON.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './proc.js';

export interface BenchContext {
  smoke: boolean;
  /** Rounds of each side (≥ 3 in a full run, 1 in smoke mode). */
  rounds: number;
  /** Seconds of load per round. */
  roundSeconds: number;
  /** Start subjects under `node --cpu-prof` and print their top frames. */
  profile: boolean;
  /** PostgreSQL URL for #10 (undefined: #10 is skipped with the reason). */
  pgUrl: string | undefined;
  /** Scratch directory of this run. */
  tmp: string;
  /** Prints one progress line, prefixed with the elapsed time and the bench id. */
  progress(msg: string): void;
  /** Figures other benchmarks reuse (e.g. #9 reads the peak RSS #7 saw). */
  shared: Map<string, unknown>;
}

export type Verdict = 'pass' | 'MISS' | 'info' | 'skipped' | 'not available yet' | 'error';

export interface Row {
  /** Row of the table: '1', '3 p50', '10 #1' … */
  id: string;
  what: string;
  baseline: string;
  subject: string;
  /** Median of per-round subject/baseline ratios (or the figure the target is about). */
  ratio?: number;
  spread?: [number, number];
  target: string;
  verdict: Verdict;
  notes: string[];
  /** Raw figures for the JSON file. */
  data?: unknown;
}

export interface Bench {
  /** Name used with --only. */
  id: string;
  /** Rows of the table it covers. */
  rows: string;
  title: string;
  run(ctx: BenchContext): Promise<Row[]>;
}

export interface Alternated<T> {
  baseline: T[];
  subject: T[];
  /** subject value / baseline value, per round. */
  ratios: number[];
  median: number;
  spread: [number, number];
  baselineMedian: number;
  subjectMedian: number;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Runs `rounds` pairs: baseline then subject, each measured by `value` (same unit both sides).
 * The ratio of a round is subject / baseline; the result is the median ratio and its min–max.
 */
export async function alternate<T>(
  ctx: BenchContext,
  label: string,
  sides: { baseline: (round: number) => Promise<T>; subject: (round: number) => Promise<T>; value: (m: T) => number; show: (m: T) => string },
): Promise<Alternated<T>> {
  const baseline: T[] = [];
  const subject: T[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < ctx.rounds; i++) {
    const b = await sides.baseline(i);
    ctx.progress(`${label} round ${i + 1}/${ctx.rounds} baseline: ${sides.show(b)}`);
    const s = await sides.subject(i);
    const ratio = sides.value(s) / sides.value(b);
    ctx.progress(`${label} round ${i + 1}/${ctx.rounds} subject:  ${sides.show(s)}  → ratio ${fmtRatio(ratio)}`);
    baseline.push(b);
    subject.push(s);
    ratios.push(ratio);
  }
  return {
    baseline,
    subject,
    ratios,
    median: median(ratios),
    spread: [Math.min(...ratios), Math.max(...ratios)],
    baselineMedian: median(baseline.map(sides.value)),
    subjectMedian: median(subject.map(sides.value)),
  };
}

// --- formatting
export const fmtRatio = (r: number | undefined): string => (r === undefined || !Number.isFinite(r) ? '–' : r.toFixed(2));
export const fmtInt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
export const fmtMs = (n: number): string =>
  !Number.isFinite(n) ? '–' : n >= 100 ? `${n.toFixed(0)} ms` : n >= 10 ? `${n.toFixed(1)} ms` : `${n.toFixed(2)} ms`;
export const fmtMiB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
export const fmtCores = (c: number): string => `${c.toFixed(2)} core`;

/** `≥ target` → pass/MISS for a ratio where higher is better; `≤` for lower is better. */
export function verdict(ratio: number, op: '>=' | '<=', target: number): Verdict {
  if (!Number.isFinite(ratio)) return 'error';
  return (op === '>=' ? ratio >= target : ratio <= target) ? 'pass' : 'MISS';
}

export function spreadText(row: Row): string {
  if (row.ratio === undefined) return '–';
  const s = row.spread && row.spread[0] !== row.spread[1] ? ` (${fmtRatio(row.spread[0])}–${fmtRatio(row.spread[1])})` : '';
  return `${fmtRatio(row.ratio)}${s}`;
}

/** The table: plain text for the terminal, Markdown for BENCHMARKS.md (same columns). */
export function table(rows: Row[], markdown = false): string {
  const head = ['#', 'what', 'baseline', 'modelkeep', 'ratio (spread)', 'target', 'result'];
  const body = rows.map((r) => [r.id, r.what, r.baseline, r.subject, spreadText(r), r.target, r.verdict]);
  if (markdown) {
    const esc = (s: string): string => s.replace(/\|/g, '\\|');
    return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((c) => `| ${c.map(esc).join(' | ')} |`)].join('\n');
  }
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...body.map((c) => c[i]!.length))));
  const line = (c: string[]): string => c.map((x, i) => (x.length > widths[i]! ? `${x.slice(0, widths[i]! - 1)}…` : x.padEnd(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function gitShortCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'nogit';
  }
}

export function gitDirty(): boolean {
  try {
    return execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

export function machine(): Record<string, unknown> {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    kernel: os.release(),
    loadavg: os.loadavg(),
  };
}

export function writeResults(payload: Record<string, unknown>, smoke: boolean): string {
  const dir = path.join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const file = path.join(dir, `${date}-${gitShortCommit()}${smoke ? '-smoke' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  return file;
}
