// Top frames of a `node --cpu-prof` profile, for BENCHMARKS.md when a target is missed: self time
// per function, and inclusive time of modelkeep's own functions (dist/…), both as a share of the
// non-idle samples.
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
  share: number;
}

export interface Profile {
  /** Self time per function, highest first. */
  self: Frame[];
  /** Inclusive time (self + callees) of functions in dist/ (modelkeep's own code), highest first. */
  own: Frame[];
  busyMs: number;
}

/** Node flags that make a process write a .cpuprofile into `dir` when it exits. */
export const cpuProfArgs = (dir: string): string[] => ['--cpu-prof', `--cpu-prof-dir=${dir}`];

const label = (cf: { functionName: string; url: string; lineNumber: number }): { fn: string; where: string } => {
  const url = cf.url.replace(`file://${REPO_ROOT}/`, '').replace(/^.*node_modules\//, 'node_modules/');
  return { fn: cf.functionName || '(anonymous)', where: url ? `${url}:${cf.lineNumber + 1}` : '' };
};

/** Reads every .cpuprofile in `dir` (usually one). Samples count by their time deltas. */
export function readProfile(dir: string, n = 15): Profile {
  const self = new Map<string, { fn: string; where: string; us: number }>();
  const own = new Map<string, { fn: string; where: string; us: number }>();
  let busyUs = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CpuProfile;
    const byId = new Map(p.nodes.map((nd) => [nd.id, nd]));
    const parent = new Map<number, number>();
    for (const nd of p.nodes) for (const c of nd.children ?? []) parent.set(c, nd.id);
    p.samples.forEach((id, i) => {
      const nd = byId.get(id);
      if (!nd || nd.callFrame.functionName === '(idle)') return;
      const us = p.timeDeltas[i] ?? 0;
      busyUs += us;
      const l = label(nd.callFrame);
      const key = `${l.fn} ${l.where}`;
      const e = self.get(key) ?? { ...l, us: 0 };
      e.us += us;
      self.set(key, e);
      // Inclusive: once per distinct own function on the sample's stack.
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const cf = byId.get(cur)!.callFrame;
        if (!cf.url.includes('/dist/') || cf.url.includes('node_modules')) continue;
        const ol = label(cf);
        const ok = `${ol.fn} ${ol.where}`;
        if (seen.has(ok)) continue;
        seen.add(ok);
        const oe = own.get(ok) ?? { ...ol, us: 0 };
        oe.us += us;
        own.set(ok, oe);
      }
    });
  }
  const top = (m: Map<string, { fn: string; where: string; us: number }>): Frame[] =>
    [...m.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, n)
      .map((e) => ({ fn: e.fn, where: e.where, share: busyUs ? e.us / busyUs : 0 }));
  return { self: top(self), own: top(own), busyMs: busyUs / 1000 };
}

export function profileText(p: Profile): string[] {
  const line = (f: Frame): string => `${(f.share * 100).toFixed(1).padStart(5)}%  ${f.fn}  ${f.where}`;
  return [
    `busy ${(p.busyMs / 1000).toFixed(1)} s of CPU samples; self time:`,
    ...p.self.map(line),
    'inclusive time of modelkeep functions (dist/):',
    ...p.own.map(line),
  ];
}

/**
 * Starts a separate subject under --cpu-prof (profiling slows it, so never in a measured round),
 * drives it, stops it, and returns its profile. Start-up is in the profile too: drive long enough.
 */
export async function profileSubject<S extends { stop(): Promise<void> }>(
  dir: string,
  start: (nodeArgs: string[]) => Promise<S>,
  drive: (server: S) => Promise<unknown>,
  n = 15,
): Promise<Profile> {
  mkdirSync(dir, { recursive: true });
  const server = await start(cpuProfArgs(dir));
  try {
    await drive(server);
  } finally {
    await server.stop();
  }
  return readProfile(dir, n);
}
