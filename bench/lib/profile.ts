// Top frames of a `node --cpu-prof` profile (self time), for BENCHMARKS.md when a target is missed.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './proc.js';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

export interface Frame {
  fn: string;
  where: string;
  selfMs: number;
  share: number;
}

/** Node flags that make a process write a .cpuprofile into `dir` when it exits. */
export const cpuProfArgs = (dir: string): string[] => ['--cpu-prof', `--cpu-prof-dir=${dir}`];

/** Self time per function of every .cpuprofile in `dir` (usually one), highest first; `share` is of the non-idle time. */
export function topFrames(dir: string, n = 15): Frame[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const self = new Map<string, { fn: string; where: string; us: number }>();
  let totalUs = 0;
  for (const f of files) {
    const p = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CpuProfile;
    const byId = new Map(p.nodes.map((nd) => [nd.id, nd]));
    p.samples.forEach((id, i) => {
      const nd = byId.get(id);
      if (!nd) return;
      const us = p.timeDeltas[i] ?? 0;
      const cf = nd.callFrame;
      const url = cf.url.replace(`file://${REPO_ROOT}/`, '').replace(/^.*node_modules\//, 'node_modules/');
      const where = url ? `${url}:${cf.lineNumber + 1}` : '';
      const fn = cf.functionName || '(anonymous)';
      const key = `${fn} ${where}`;
      const e = self.get(key) ?? { fn, where, us: 0 };
      e.us += us;
      self.set(key, e);
      if (fn !== '(idle)') totalUs += us;
    });
  }
  return [...self.values()]
    .filter((e) => e.fn !== '(idle)')
    .sort((a, b) => b.us - a.us)
    .slice(0, n)
    .map((e) => ({ fn: e.fn, where: e.where, selfMs: e.us / 1000, share: totalUs ? e.us / totalUs : 0 }));
}

export function framesText(frames: Frame[]): string[] {
  return frames.map((f) => `${(f.share * 100).toFixed(1).padStart(5)}%  ${f.fn}  ${f.where}`);
}

/**
 * Starts a separate subject under --cpu-prof (profiling slows it, so never in a measured round),
 * drives it, stops it, and returns its top frames.
 */
export async function profileSubject<S extends { stop(): Promise<void> }>(
  dir: string,
  start: (nodeArgs: string[]) => Promise<S>,
  drive: (server: S) => Promise<unknown>,
  n = 15,
): Promise<Frame[]> {
  mkdirSync(dir, { recursive: true });
  const server = await start(cpuProfArgs(dir));
  try {
    await drive(server);
  } finally {
    await server.stop();
  }
  return topFrames(dir, n);
}
