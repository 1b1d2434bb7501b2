// Child processes and what /proc says about them: CPU time, RSS. Every process a benchmark starts
// goes through `spawnTracked`, so an interrupted run never leaves a server or load generator behind.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Kernel clock ticks per second for /proc/<pid>/stat times (100 on Linux/x86-64). */
const CLK_TCK = 100;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** User + system CPU seconds the process has used so far (fields 14 and 15 of /proc/<pid>/stat); undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so field N is fields[N - 3].
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Resident set size in bytes (VmRSS of /proc/<pid>/status); undefined once the process is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Samples CPU time and RSS of some processes every `everyMs` until stopped. CPU is reported as
 * cores (CPU seconds / wall seconds) over the sampled window, using the last sample taken while
 * the process was alive, so a load generator that exits at the end is still counted.
 */
export class ProcSampler {
  readonly #pids: Map<string, number>;
  readonly #first = new Map<string, { cpu: number; at: number }>();
  readonly #last = new Map<string, { cpu: number; at: number }>();
  readonly #peakRss = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;

  constructor(pids: Record<string, number | undefined>, everyMs = 100) {
    this.#pids = new Map(Object.entries(pids).filter((e): e is [string, number] => e[1] !== undefined));
    this.sample();
    this.#timer = setInterval(() => this.sample(), everyMs);
  }

  /** Adds a process (e.g. the load generator, once spawned). */
  add(name: string, pid: number | undefined): void {
    if (pid === undefined) return;
    this.#pids.set(name, pid);
    this.sample();
  }

  sample(): void {
    const at = performance.now();
    for (const [name, pid] of this.#pids) {
      const cpu = cpuSeconds(pid);
      if (cpu === undefined) continue;
      if (!this.#first.has(name)) this.#first.set(name, { cpu, at });
      this.#last.set(name, { cpu, at });
      const rss = rssBytes(pid);
      if (rss !== undefined && rss > (this.#peakRss.get(name) ?? 0)) this.#peakRss.set(name, rss);
    }
  }

  /** Stops sampling; returns cores used and peak RSS per process name. */
  stop(): Record<string, { cores: number; cpuSeconds: number; peakRss: number }> {
    this.sample();
    clearInterval(this.#timer);
    const out: Record<string, { cores: number; cpuSeconds: number; peakRss: number }> = {};
    for (const name of this.#pids.keys()) {
      const a = this.#first.get(name);
      const b = this.#last.get(name);
      if (!a || !b) continue;
      const wall = (b.at - a.at) / 1000;
      out[name] = { cpuSeconds: b.cpu - a.cpu, cores: wall > 0 ? (b.cpu - a.cpu) / wall : 0, peakRss: this.#peakRss.get(name) ?? 0 };
    }
    return out;
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Tracked extends ChildProcess {
  out(): string;
  err(): string;
  exited: Promise<Exit>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  terminate(graceMs?: number): Promise<Exit>;
}

const live = new Set<ChildProcess>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const c of live) c.kill('SIGKILL');
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Spawns a process whose output is captured (up to `keep` characters of each stream) and that dies with this one. */
export function spawnTracked(cmd: string, args: string[], opts: SpawnOptions & { keep?: number } = {}): Tracked {
  hookExit();
  const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  live.add(child);
  const keep = opts.keep ?? 4 * 1024 * 1024;
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    if (out.length < keep) out += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    if (err.length < keep) err += d;
  });
  let done: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (e) => {
      err += `\nspawn ${cmd} failed: ${e.message}`;
      live.delete(child);
      resolve((done = { code: -1, signal: null }));
    });
    child.once('close', (code, signal) => {
      live.delete(child);
      resolve((done = { code, signal }));
    });
  });
  const terminate = async (graceMs = 10_000): Promise<Exit> => {
    if (done) return done;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const e = await exited;
    clearTimeout(timer);
    return e;
  };
  return Object.assign(child, { out: () => out, err: () => err, exited, terminate });
}

/** Runs a command to completion; rejects with its output when it exits non-zero. */
export async function run(
  cmd: string,
  args: string[],
  opts: SpawnOptions & { timeoutMs?: number; okCodes?: number[] } = {},
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawnTracked(cmd, args, opts);
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
  const exit = await child.exited;
  clearTimeout(timer);
  const ok = opts.okCodes ?? [0];
  if (exit.code === null || !ok.includes(exit.code)) {
    throw new Error(
      `${cmd} ${args.join(' ')} exited with ${JSON.stringify(exit)}\n--- stdout ---\n${child.out().slice(-4000)}\n--- stderr ---\n${child.err().slice(-4000)}`,
    );
  }
  return { stdout: child.out(), stderr: child.err(), code: exit.code };
}
