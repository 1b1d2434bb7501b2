// Load generators, each its own process, with the CPU of the server and of the generator sampled
// from /proc during the run: a figure where the server used well under a core while the generator
// used a whole one measures the generator, and is flagged.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ProcSampler, REPO_ROOT, spawnTracked } from './proc.js';

const AUTOCANNON = path.join(REPO_ROOT, 'node_modules', 'autocannon', 'autocannon.js');

export interface LoadResult {
  /** Completed requests per second (all statuses; `bad` says how many were not the expected answer). */
  rps: number;
  total: number;
  /** Requests that failed, timed out, were not 2xx, or (h2load gRPC) had an unexpected body size. */
  bad: number;
  p50Ms: number;
  p99Ms: number;
  /** Response body bytes per request (h2load) or all response bytes per request (autocannon). */
  bytesPerReq: number;
  seconds: number;
  serverCores: number;
  clientCores: number;
  serverPeakRss: number;
  /** Set when the figure is limited by the load generator rather than the server. */
  clientBound: boolean;
}

export interface HttpLoad {
  url: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** pid of the server, to sample its CPU. */
  serverPid: number;
  /** Requests per second over all connections (autocannon -R); default: as fast as the server answers. */
  rate?: number;
}

function cpuVerdict(serverCores: number, clientCores: number): boolean {
  // See /work/shared/reference/benchmarking.md: a single-process server that gets < 0.85 core while
  // the generator takes > 0.85 is waiting on the generator.
  return serverCores < 0.85 && clientCores > 0.85;
}

/** autocannon 9 CLI (`-j`), its own node process. */
export async function autocannon(l: HttpLoad): Promise<LoadResult> {
  const args = [AUTOCANNON, '-j', '-n', '-c', String(l.connections), '-d', String(l.seconds), '-t', '30'];
  if (l.method) args.push('-m', l.method);
  if (l.rate !== undefined) args.push('-R', String(l.rate));
  for (const [k, v] of Object.entries(l.headers ?? {})) args.push('-H', `${k}=${v}`);
  if (l.body !== undefined) args.push('-b', l.body);
  args.push(l.url);
  const sampler = new ProcSampler({ server: l.serverPid }, 100);
  const child = spawnTracked(process.execPath, args);
  sampler.add('client', child.pid);
  const exit = await child.exited;
  const cpu = sampler.stop();
  if (exit.code !== 0) throw new Error(`autocannon failed (${JSON.stringify(exit)}): ${child.err().slice(-2000)}`);
  const r = JSON.parse(child.out().trim().split('\n').pop()!) as {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    latency: { p50: number; p99: number };
    requests: { total: number };
    throughput: { total: number };
  };
  const total = r.requests.total;
  const serverCores = cpu.server?.cores ?? 0;
  const clientCores = cpu.client?.cores ?? 0;
  return {
    rps: total / r.duration,
    total,
    bad: r.errors + r.timeouts + r.non2xx,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    bytesPerReq: total > 0 ? r.throughput.total / total : 0,
    seconds: r.duration,
    serverCores,
    clientCores,
    serverPeakRss: cpu.server?.peakRss ?? 0,
    clientBound: cpuVerdict(serverCores, clientCores),
  };
}

export interface H2Load {
  url: string;
  /** TCP connections (-c) and streams in flight per connection (-m). */
  clients: number;
  streams: number;
  seconds: number;
  headers?: Record<string, string>;
  /** File sent as the request body (-d): for gRPC, the length-prefixed message. */
  dataFile?: string;
  /** HTTP/1.1 instead of h2c. */
  h1?: boolean;
  serverPid: number;
  /** Body bytes every good answer has (gRPC: message + 5); others count as bad. */
  expectBodyBytes?: number;
  /** Write a per-request log and compute p50/p99 from it. */
  latency?: boolean;
  logFile?: string;
}

/** h2load (Debian nghttp2-client): light enough that the server, not the generator, is the limit. */
export async function h2load(l: H2Load): Promise<LoadResult> {
  const args = ['-D', String(l.seconds), '-c', String(l.clients), '-m', String(l.streams), '-t', '1'];
  if (l.h1) args.push('--h1');
  if (l.dataFile) args.push('-d', l.dataFile);
  for (const [k, v] of Object.entries(l.headers ?? {})) args.push('-H', `${k}: ${v}`);
  const logFile = l.latency ? (l.logFile ?? path.join(REPO_ROOT, '.tmp', `h2load-${process.pid}-${Date.now()}.log`)) : undefined;
  if (logFile) args.push(`--log-file=${logFile}`);
  args.push(l.url);
  const sampler = new ProcSampler({ server: l.serverPid }, 100);
  const child = spawnTracked('h2load', args);
  sampler.add('client', child.pid);
  const exit = await child.exited;
  const cpu = sampler.stop();
  const out = child.out();
  if (exit.code !== 0) throw new Error(`h2load failed (${JSON.stringify(exit)}): ${out.slice(-2000)} ${child.err().slice(-2000)}`);
  const num = (re: RegExp): number => {
    const m = re.exec(out);
    if (!m) throw new Error(`h2load output lacks ${re}:\n${out}`);
    return Number(m[1]);
  };
  // h2load prints the duration in ms when the run took under a second ("finished in 993.74ms").
  const finished = /finished in ([\d.]+)(ms|s)\b/.exec(out);
  if (!finished) throw new Error(`h2load output lacks "finished in":\n${out}`);
  const seconds = Number(finished[1]) / (finished[2] === 'ms' ? 1000 : 1);
  const done = num(/(\d+) done/);
  const failed = num(/(\d+) failed/) + num(/(\d+) errored/) + num(/(\d+) timeout/);
  const non2xx = num(/status codes: \d+ 2xx, (\d+) 3xx/) + num(/(\d+) 4xx/) + num(/(\d+) 5xx/);
  const dataBytes = num(/\((\d+)\) data/);
  const bytesPerReq = done > 0 ? dataBytes / done : 0;
  let bad = failed + non2xx;
  // h2load neither reads gRPC trailers nor the in-band status: an error answer is shorter, so fewer
  // body bytes per request than the good answer's means some calls failed. (Calls still in flight
  // when the time is up may have part of their body counted but are not "done": allow that much more.)
  if (l.expectBodyBytes !== undefined && done > 0) {
    const inFlight = (l.clients * l.streams * l.expectBodyBytes) / done;
    if (bytesPerReq < l.expectBodyBytes - 0.01 || bytesPerReq > l.expectBodyBytes + inFlight + 0.01) bad = Math.max(bad, 1);
  }
  let p50Ms = Number.NaN;
  let p99Ms = Number.NaN;
  if (logFile) {
    const durations = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => Number(line.split('\t')[2]) / 1000)
      .sort((a, b) => a - b);
    rmSync(logFile, { force: true });
    if (durations.length > 0) {
      p50Ms = durations[Math.floor(0.5 * (durations.length - 1))]!;
      p99Ms = durations[Math.floor(0.99 * (durations.length - 1))]!;
    }
  }
  const serverCores = cpu.server?.cores ?? 0;
  const clientCores = cpu.client?.cores ?? 0;
  return {
    rps: done / seconds,
    total: done,
    bad,
    p50Ms,
    p99Ms,
    bytesPerReq,
    seconds,
    serverCores,
    clientCores,
    serverPeakRss: cpu.server?.peakRss ?? 0,
    clientBound: cpuVerdict(serverCores, clientCores),
  };
}

/** The gRPC wire frame of one message: 0 (not compressed), length as u32 big-endian, bytes. */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** One progress-line summary of a load run. */
export function showLoad(r: LoadResult, unit = 'req/s'): string {
  const p99 = Number.isFinite(r.p99Ms) ? ` p99 ${r.p99Ms.toFixed(1)} ms` : '';
  return `${Math.round(r.rps).toLocaleString('en-US')} ${unit}${p99} (server ${r.serverCores.toFixed(2)} core, client ${r.clientCores.toFixed(2)} core)${r.clientBound ? ' CLIENT-BOUND' : ''}${r.bad ? ` ${r.bad} bad answers` : ''}`;
}

/** Notes for a row: median CPU of both sides, and a flag when a round measured the generator. */
export function loadNotes(label: string, rs: LoadResult[]): string[] {
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;
  const notes = [
    `${label}: server ${med(rs.map((r) => r.serverCores)).toFixed(2)} core, load generator ${med(rs.map((r) => r.clientCores)).toFixed(2)} core (median of rounds)`,
  ];
  const bound = rs.filter((r) => r.clientBound).length;
  if (bound > 0)
    notes.push(
      `FLAG ${label}: in ${bound}/${rs.length} rounds the server used < 0.85 core while the load generator used > 0.85 — that figure measures the generator, not the server`,
    );
  const bad = rs.reduce((s, r) => s + r.bad, 0);
  if (bad > 0) notes.push(`${label}: ${bad} requests failed or had an unexpected answer`);
  return notes;
}
