import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Black-box helpers: run modelkeep as a separate process exactly as a user does
 * (`node --import tsx src/cli/main.ts serve`), configured only through env and flags.
 */

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(REPO_ROOT, 'src', 'cli', 'main.ts');

/** Generous: a cold start compiles TypeScript with tsx and loads the Clarifai protos. */
export const START_TIMEOUT_MS = 60_000;

const live = new Set<ChildProcess>();
const killAll = (): void => {
  for (const c of live) c.kill('SIGKILL');
};
process.on('exit', killAll);
// If the test runner stops this file (timeout, Ctrl-C), take the servers down with it.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAll();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  });
}

/** The parent's environment without anything that could configure modelkeep or the clients behind the test's back. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    if (k.startsWith('MODELKEEP_') || k.startsWith('CLARIFAI_') || k.startsWith('GRPC_') || k === 'NODE_TEST_CONTEXT') delete env[k];
  }
  return { ...env, ...extra };
}

/** A port that was free a moment ago (listen on 0 on 127.0.0.1, read it, close). */
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

export function tempDir(prefix = 'modelkeep-acc-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliRun extends Exit {
  stdout: string;
  stderr: string;
}

/** Spawns `node --import tsx <file> ...args` (plain `node` for a built .js file), registered so it is killed if the test process exits. */
export function spawnNode(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): ChildProcess & { out: () => string; err: () => string; exited: Promise<Exit> } {
  const loader = file.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, file, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  return Object.assign(child, { out: () => out, err: () => err, exited });
}

/** Runs a script to completion (killed after `timeoutMs`) and returns its exit and output. */
export async function runNode(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliRun> {
  const child = spawnNode(file, args, env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exit = await child.exited;
  clearTimeout(timer);
  return { ...exit, stdout: child.out(), stderr: child.err() };
}

/** Runs `modelkeep <args>` to completion (e.g. `migrate`, or a start that must fail). */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = START_TIMEOUT_MS): Promise<CliRun> {
  return runNode(CLI, args, cleanEnv(env), timeoutMs);
}

export interface ServerProcess {
  pid: number;
  httpPort: number;
  grpcPort: number;
  restBase: string;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<Exit>;
}

/** The built CLI (`npm run build`), as `npm start` runs it: node dist/cli/main.js. */
export const BUILT_CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');

/**
 * Starts `modelkeep serve` (ports 0 unless given; `cli: BUILT_CLI` for the built one) and resolves once it has logged its ready line
 * and `/healthz` answers 200. Rejects (and kills it) if it exits or does not get ready in time.
 */
export async function startServer(opts: { env?: Record<string, string>; args?: string[]; timeoutMs?: number; cli?: string } = {}): Promise<ServerProcess> {
  const env = cleanEnv({ MODELKEEP_HOST: '127.0.0.1', MODELKEEP_HTTP_PORT: '0', MODELKEEP_GRPC_PORT: '0', ...opts.env });
  const child = spawnNode(opts.cli ?? CLI, ['serve', ...(opts.args ?? [])], env);
  const deadline = Date.now() + (opts.timeoutMs ?? START_TIMEOUT_MS);
  let exit: Exit | undefined;
  void child.exited.then((e) => (exit = e));
  const stop = async (graceMs = 10_000): Promise<Exit> => {
    if (exit) return exit;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const e = await child.exited;
    clearTimeout(timer);
    return e;
  };
  const fail = async (why: string): Promise<never> => {
    await stop(2_000);
    throw new Error(`modelkeep did not start: ${why}\n--- stdout ---\n${child.out()}\n--- stderr ---\n${child.err()}`);
  };

  let ready: { rest: string; grpc: string } | undefined;
  while (!ready) {
    if (exit) return fail(`exited with ${JSON.stringify(exit)}`);
    if (Date.now() > deadline) return fail('no ready line in time');
    for (const line of child.out().split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const rec = JSON.parse(line) as { msg?: string; rest?: string; grpc?: string };
        if (rec.msg === 'modelkeep is ready' && rec.rest && rec.grpc) ready = { rest: rec.rest, grpc: rec.grpc };
      } catch {
        /* a partial line; read again */
      }
    }
    if (!ready) await sleep(50);
  }
  const httpPort = Number(new URL(ready.rest).port);
  const grpcPort = Number(ready.grpc.slice(ready.grpc.lastIndexOf(':') + 1));
  const restBase = `http://127.0.0.1:${httpPort}`;
  for (;;) {
    if (exit) return fail(`exited with ${JSON.stringify(exit)}`);
    if (Date.now() > deadline) return fail('/healthz never answered 200');
    const ok = await fetch(`${restBase}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await sleep(50);
  }
  return { pid: child.pid!, httpPort, grpcPort, restBase, stdout: child.out, stderr: child.err, stop };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export type Json = Record<string, any>;

/** One REST call with `Authorization: Key <pat>`; returns the HTTP status and the parsed body. */
export async function rest(base: string, method: string, urlPath: string, pat: string | null, body?: Json): Promise<{ http: number; body: Json }> {
  const headers: Record<string, string> = {};
  if (pat !== null) headers.authorization = `Key ${pat}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + urlPath, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { http: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

/** Generates a self-signed certificate for localhost / 127.0.0.1 with openssl in `dir`. */
export async function selfSignedCert(dir: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const child = spawn(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`openssl failed (${code}): ${err}`);
  return { cert, key };
}
