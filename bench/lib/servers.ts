// Starting the servers under test the way a user starts them, and the bare baseline process.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, sleep, spawnTracked, type Tracked } from './proc.js';

export const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');
export const BARE = path.join(REPO_ROOT, 'bench', 'baselines', 'bare-server.mjs');

/** The benchmark user and its PAT (given to `serve` as bootstrap settings, so auth is on as usual). */
export const BENCH_USER = 'bench';
export const BENCH_PAT = 'benchpat0123456789abcdef0123456789abcdef';
export const AUTH = `Key ${BENCH_PAT}`;

const made: string[] = [];

/** A fresh data directory, removed by removeTempDirs() at the end of the run. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `modelkeep-bench-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Removes every directory tempDir() made (call once the servers using them are stopped). */
export function removeTempDirs(): void {
  for (const d of made.splice(0)) removeDir(d);
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The environment without anything that could configure modelkeep behind the benchmark's back. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MODELKEEP_') || k.startsWith('GRPC_') || k.startsWith('NODE_OPTIONS')) delete env[k];
  return { ...env, ...extra };
}

export interface RunningServer {
  name: string;
  pid: number;
  httpPort: number;
  grpcPort: number;
  base: string;
  /** Spawn to the first `/healthz` 200, in ms. */
  startMs: number;
  child: Tracked;
  stop(): Promise<void>;
}

export interface ModelkeepOptions {
  dataDir: string;
  /** Default: the SQLite file in the data dir. */
  databaseUrl?: string;
  /** false adds --no-worker (no training or input processing in this process). */
  worker?: boolean;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  name?: string;
  timeoutMs?: number;
  /** Extra `serve` flags after the defaults (a later --log-level wins), e.g. ['--log-level', 'info', '--no-metrics']. */
  args?: string[];
  /** A file descriptor for the server's stdout (its log stream) instead of a pipe into this process. */
  stdoutFd?: number;
}

/** `node dist/cli/main.js serve` with the bench user's PAT, on fixed free ports. */
export async function startModelkeep(opts: ModelkeepOptions): Promise<RunningServer> {
  const httpPort = await freePort();
  const grpcPort = await freePort();
  const args = [
    ...(opts.nodeArgs ?? []),
    CLI,
    'serve',
    '--host',
    '127.0.0.1',
    '--http-port',
    String(httpPort),
    '--grpc-port',
    String(grpcPort),
    '--data-dir',
    opts.dataDir,
    '--bootstrap-user',
    BENCH_USER,
    '--bootstrap-pat',
    BENCH_PAT,
    '--log-level',
    'warn',
    ...(opts.databaseUrl ? ['--database-url', opts.databaseUrl] : []),
    ...(opts.worker === false ? ['--no-worker'] : []),
    ...(opts.args ?? []),
  ];
  return launch(opts.name ?? 'modelkeep', args, httpPort, grpcPort, opts.timeoutMs, opts.stdoutFd);
}

export interface BareOptions {
  /** File with the exact REST response body to answer GET …/models/{id} with. */
  restBody?: string;
  /** File with the serialized GetModelResponse to answer V2/GetModel with. */
  grpcBody?: string;
  name?: string;
}

/** bench/baselines/bare-server.mjs: loads the same protos, listens on both ports, answers from memory. */
export async function startBare(opts: BareOptions = {}): Promise<RunningServer> {
  const httpPort = await freePort();
  const grpcPort = await freePort();
  const args = [BARE, '--http-port', String(httpPort), '--grpc-port', String(grpcPort)];
  if (opts.restBody) args.push('--rest-body', opts.restBody);
  if (opts.grpcBody) args.push('--grpc-body', opts.grpcBody);
  return launch(opts.name ?? 'bare', args, httpPort, grpcPort);
}

async function launch(name: string, args: string[], httpPort: number, grpcPort: number, timeoutMs = 60_000, stdoutFd?: number): Promise<RunningServer> {
  const t0 = performance.now();
  const child = spawnTracked(process.execPath, args, { env: cleanEnv(), ...(stdoutFd !== undefined ? { stdio: ['ignore', stdoutFd, 'pipe'] } : {}) });
  const base = `http://127.0.0.1:${httpPort}`;
  let exited = false;
  void child.exited.then(() => (exited = true));
  const deadline = t0 + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`${name} exited during start-up\n--- stdout ---\n${child.out().slice(-3000)}\n--- stderr ---\n${child.err().slice(-3000)}`);
    if (performance.now() > deadline) {
      await child.terminate(2000);
      throw new Error(`${name}: /healthz did not answer 200 within ${timeoutMs} ms\n${child.err().slice(-3000)}`);
    }
    const ok = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await sleep(5);
  }
  const startMs = performance.now() - t0;
  return {
    name,
    pid: child.pid!,
    httpPort,
    grpcPort,
    base,
    startMs,
    child,
    async stop() {
      const e = await child.terminate(15_000);
      if (e.signal === 'SIGKILL') throw new Error(`${name} did not stop on SIGTERM within 15 s`);
    },
  };
}
