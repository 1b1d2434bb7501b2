import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RpcInfo } from '../../src/proto/load.js';
import { messageCodec } from '../../src/proto/message-codec.js';
import { addUserWithPat } from '../helpers/access.js';
import { type ApiObject, testProtos } from '../helpers/clients.js';
import { startTestServer, TEST_BACKEND, TEST_PAT, TEST_USER, type TestServer } from '../helpers/server.js';
import { HOSTILE_SEGMENTS, hostileQuery, mutateObject, mutateText } from './mutate.js';
import { Rng } from './rng.js';
import { implementedRpcs, type RawGrpc, rawGrpcClient } from './targets.js';
import { type Fixture, message } from './values.js';

export interface FuzzOptions {
  seed: number;
  requests: number;
  /** Replay only these case indexes (from a failure report). */
  only?: number[];
  progress?: (done: number, total: number) => void;
}

export interface FuzzFailure {
  index: number;
  transport: 'rest' | 'grpc';
  rpc: string;
  what: string;
  sent: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  implemented: number;
  failures: FuzzFailure[];
  /** Canary answers (another user's model) that differed from the first ones. */
  canaryChanges: string[];
  /** Properties that appeared on Object.prototype / Array.prototype in this process (the server runs in it). */
  polluted: string[];
  healthzMaxMs: number;
  healthzP99Ms: number;
  /** `transport:code` → count, to see what the run reached. */
  codes: Record<string, number>;
  /** SQLite `PRAGMA integrity_check` + `foreign_key_check` after the run ('ok', or what they said). */
  integrity: string;
}

const BATCH = 50;
const STALL_MS = 15_000;
const AUTH_VARIANTS = [undefined, '', 'Key', 'Key wrong', 'key ' + TEST_PAT, 'Bearer x', `Key ${'k'.repeat(3000)}`];
const ODD_METHODS = ['PUT', 'HEAD', 'OPTIONS', 'PROPFIND', 'BREW', 'DELETE', 'PATCH', 'POST', 'GET'];
const ODD_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/xml',
  '',
];

const prototypeNames = (): string[] =>
  [...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertyNames(Array.prototype).map((n) => `[].${n}`)].sort();

const take = (obj: ApiObject, dotted: string): unknown => {
  const parts = dotted.split('.');
  const parent = parts.slice(0, -1).reduce<any>((o, k) => (o !== null && typeof o === 'object' ? o[k] : undefined), obj);
  const last = parts[parts.length - 1]!;
  if (parent === null || typeof parent !== 'object' || !Object.hasOwn(parent, last)) return undefined;
  const v = parent[last];
  delete parent[last];
  return v;
};

/** Percent-encodes; a lone surrogate (which encodeURIComponent refuses) goes out as the invalid UTF-8 it would be. */
const enc = (s: string): string => {
  try {
    return encodeURIComponent(s);
  } catch {
    return `%ED%A0%80${encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'))}`;
  }
};

function toQuery(obj: unknown, prefix: string, out: string[]): string[] {
  if (Array.isArray(obj)) for (const x of obj) toQuery(x, prefix, out);
  else if (obj !== null && typeof obj === 'object') for (const [k, v] of Object.entries(obj)) toQuery(v, prefix ? `${prefix}.${k}` : k, out);
  else if (prefix) out.push(`${enc(prefix)}=${enc(String(obj))}`);
  return out;
}

const summary = (s: string | Buffer): string => {
  const t = typeof s === 'string' ? s : `<${s.length} bytes> ${s.subarray(0, 200).toString('latin1')}`;
  return t.length > 300 ? `${t.slice(0, 300)}… (${t.length} chars)` : t;
};

class Run {
  readonly failures: FuzzFailure[] = [];
  readonly codes: Record<string, number> = {};
  readonly healthz: number[] = [];
  private readonly grpc;
  constructor(private readonly server: TestServer) {
    this.grpc = rawGrpcClient(server.grpcPort);
  }
  get grpcCall(): RawGrpc {
    return this.grpc.call;
  }
  close(): void {
    this.grpc.close();
  }

  private count(transport: string, code: unknown): void {
    const k = `${transport}:${typeof code === 'number' ? code : 'none'}`;
    this.codes[k] = (this.codes[k] ?? 0) + 1;
  }

  /** One REST case: a binding of the RPC (path variables from the request, sometimes hostile), JSON body or query, odd methods and types. */
  async rest(index: number, r: Rng, rpc: RpcInfo, req: ApiObject): Promise<void> {
    const b = r.pick(rpc.http);
    const url = b.template.replace(/\{([^}=]+)\}/g, (_m, v: string) => {
      const val = take(req, v);
      return val !== undefined && typeof val !== 'object' && r.chance(0.95) ? enc(String(val)) : r.pick(HOSTILE_SEGMENTS);
    });
    const method = r.chance(0.85) ? b.method : r.pick(ODD_METHODS);
    const headers: Record<string, string> = { 'content-type': r.chance(0.85) ? 'application/json' : r.pick(ODD_TYPES) };
    const auth = r.chance(0.9) ? `Key ${TEST_PAT}` : r.pick(AUTH_VARIANTS);
    if (auth !== undefined) headers.authorization = auth;
    let body: string | Buffer | undefined;
    let query = '';
    if (b.body && method !== 'GET' && method !== 'HEAD') {
      const json = JSON.stringify(req);
      body = r.chance(0.25) ? mutateText(r, json) : json;
    } else {
      query = toQuery(req, '', []).join('&');
      if (r.chance(0.15)) query = query ? `${query}&${hostileQuery(r)}` : hostileQuery(r);
    }
    const target = `${url}${query ? `?${query}` : ''}`;
    const sent = `${method} ${summary(target)} ${body === undefined ? '' : summary(body)}`;
    const fail = (what: string): void => void this.failures.push({ index, transport: 'rest', rpc: rpc.name, what, sent });
    let res: Response;
    try {
      res = await fetch(`http://127.0.0.1:${this.server.httpPort}${target}`, {
        method,
        headers,
        body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body),
        signal: AbortSignal.timeout(STALL_MS),
      });
    } catch (e) {
      return fail(`no answer: ${(e as Error).message} ${String((e as { cause?: unknown }).cause ?? '')}`);
    }
    const text = await res.text();
    if (method === 'HEAD' || res.status === 204) return this.count('rest', res.status);
    let parsed: ApiObject;
    try {
      parsed = JSON.parse(text) as ApiObject;
    } catch {
      return fail(`HTTP ${res.status} with a body that is not JSON: ${summary(text)}`);
    }
    const code = parsed.status?.code;
    this.count('rest', code);
    if (typeof code !== 'number') return fail(`HTTP ${res.status} without a Clarifai status: ${summary(text)}`);
    if (res.status >= 500 && !(res.status === 501 && code === 10040))
      fail(`HTTP ${res.status}, status ${code}: ${summary(String(parsed.status?.details ?? parsed.status?.description))}`);
  }

  /** One gRPC case: the request encoded by our codec when it can be, else (or sometimes) broken bytes. */
  async grpcCase(index: number, r: Rng, rpc: RpcInfo, req: ApiObject, unmutated: ApiObject): Promise<void> {
    const codec = messageCodec(rpc.requestType);
    // A mutation the codec cannot encode (a string where a number goes) cannot reach the wire as such:
    // send the request before its mutations, or now and then bytes that are no message at all.
    let bytes: Buffer;
    try {
      bytes = Buffer.from(codec.encode(req));
    } catch {
      try {
        bytes = r.chance(0.8) ? Buffer.from(codec.encode(unmutated)) : Buffer.from(Array.from({ length: 1 + r.int(64) }, () => r.int(256)));
      } catch {
        bytes = Buffer.from(Array.from({ length: 1 + r.int(64) }, () => r.int(256)));
      }
    }
    if (r.chance(0.1) && bytes.length > 0) {
      bytes = r.chance(0.5) ? bytes.subarray(0, r.int(bytes.length)) : Buffer.from(bytes.map((x, i) => (i === r.int(bytes.length) ? x ^ 0xff : x)));
    }
    const auth = r.chance(0.9) ? `Key ${TEST_PAT}` : r.pick(AUTH_VARIANTS);
    const sent = `${summary(JSON.stringify(req))} as ${bytes.length} bytes`;
    try {
      const body = await this.grpc.call(rpc.name, bytes, auth);
      this.count('grpc', body.status?.code);
      const code = body.status?.code;
      if (typeof code !== 'number') this.failures.push({ index, transport: 'grpc', rpc: rpc.name, what: 'answer without a status', sent });
      // 98xxx are Clarifai's internal errors: what REST answers with a 5xx.
      else if (code >= 98000)
        this.failures.push({
          index,
          transport: 'grpc',
          rpc: rpc.name,
          what: `internal error ${code}: ${String(body.status.details ?? body.status.description)}`,
          sent,
        });
    } catch (e) {
      const err = e as { code?: number; details?: string; message: string };
      this.failures.push({ index, transport: 'grpc', rpc: rpc.name, what: `gRPC status ${err.code}: ${err.details ?? err.message}`, sent });
    }
  }

  /** /healthz between batches: how long the process took to answer anything at all. */
  async probe(): Promise<void> {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${this.server.httpPort}/healthz`, { signal: AbortSignal.timeout(STALL_MS) });
    await res.text();
    this.healthz.push(performance.now() - t0);
    if (res.status !== 200) this.failures.push({ index: -1, transport: 'rest', rpc: 'healthz', what: `HTTP ${res.status}`, sent: 'GET /healthz' });
  }
}

/** REST call with a token, answered body (for fixture set-up and the canary). */
async function rest(server: TestServer, token: string, method: string, url: string, body?: unknown): Promise<ApiObject> {
  const res = await fetch(`http://127.0.0.1:${server.httpPort}${url}`, {
    method,
    headers: { authorization: `Key ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as ApiObject;
}

/** (Re)creates what the cases aim at: fuzz cases may delete any of it, and later cases should still reach past the lookups. */
async function ensureFixture(server: TestServer, appId: string): Promise<string[]> {
  const base = `/v2/users/me/apps/${appId}`;
  await rest(server, TEST_PAT, 'POST', '/v2/users/me/apps', { apps: [{ id: appId }] });
  await rest(server, TEST_PAT, 'POST', `${base}/concepts`, { concepts: [{ id: 'c1' }, { id: 'c2' }] });
  await rest(server, TEST_PAT, 'POST', `${base}/models`, {
    models: [
      { id: 'm1', model_type_id: 'embedding-classifier' },
      { id: 'm2', model_type_id: 'concept-thresholder' },
    ],
  });
  const v = await rest(server, TEST_PAT, 'POST', `${base}/models/m1/versions`, {
    model_versions: [{ output_info: { data: { concepts: [{ id: 'c1' }, { id: 'c2' }] } } }],
  });
  await rest(server, TEST_PAT, 'POST', `${base}/inputs`, { inputs: [{ id: 'i1', data: { text: { raw: 'hello' }, concepts: [{ id: 'c1', value: 1 }] } }] });
  await rest(server, TEST_PAT, 'POST', `${base}/datasets`, { datasets: [{ id: 'ds1' }] });
  const versionId = v.model?.model_version?.id as string | undefined;
  return ['m1', 'm2', 'c1', 'c2', 'i1', 'ds1', ...(versionId ? [versionId] : [])];
}

async function canaryAnswers(server: TestServer, token: string): Promise<string[]> {
  const strip = (b: ApiObject) => {
    if (b.status) delete b.status.req_id;
    return JSON.stringify(b);
  };
  const grpc = rawGrpcClient(server.grpcPort);
  try {
    const getModel = messageCodec(testProtos().type('clarifai.api.GetModelRequest')).encode({
      user_app_id: { user_id: 'canary', app_id: 'capp' },
      model_id: 'cm',
    });
    return [
      strip(await rest(server, token, 'GET', '/v2/users/canary/apps/capp/models/cm')),
      strip(await rest(server, token, 'GET', '/v2/users/canary/apps/capp/models')),
      strip(await grpc.call('GetModel', Buffer.from(getModel), `Key ${token}`)),
    ];
  } finally {
    grpc.close();
  }
}

function integrityOf(dbFile: string): string {
  const db = new Database(dbFile, { readonly: true });
  try {
    const ic = db.pragma('integrity_check', { simple: true });
    const fk = db.pragma('foreign_key_check') as unknown[];
    return ic === 'ok' && fk.length === 0 ? 'ok' : `integrity_check: ${String(ic)}; foreign_key_check: ${JSON.stringify(fk).slice(0, 500)}`;
  } finally {
    db.close();
  }
}

/**
 * Runs `requests` generated and mutated requests, alternating REST and gRPC, at every method the
 * server implements, against a real server (worker off: the cases probe request handling, not
 * training). Between batches: the canary user's answers, the prototypes of this process and /healthz.
 */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'modelkeep-fuzz-'));
  const server = await startTestServer(
    { MODELKEEP_WORKER: 'false', MODELKEEP_FETCH_ALLOW: '192.0.2.0/24' /* TEST-NET-1: nothing; loopback is refused again */ },
    dir,
  );
  const before = prototypeNames();
  let run: Run | undefined;
  let closed = false;
  const closeServer = async () => {
    if (closed) return;
    closed = true;
    await server.close();
  };
  try {
    const canary = await addUserWithPat(server, 'canary');
    await rest(server, canary, 'POST', '/v2/users/canary/apps', { apps: [{ id: 'capp' }] });
    await rest(server, canary, 'POST', '/v2/users/canary/apps/capp/models', {
      models: [{ id: 'cm', model_type_id: 'embedding-classifier', metadata: { owner: 'canary' } }],
    });
    const canaryBaseline = await canaryAnswers(server, canary);
    const appId = 'fz';
    const fx: Fixture = { userId: TEST_USER, appId, ids: await ensureFixture(server, appId) };
    run = new Run(server);
    const targets = await implementedRpcs(run.grpcCall, `Key ${TEST_PAT}`, appId);
    const indexes = opts.only ?? Array.from({ length: opts.requests }, (_, i) => i);
    const canaryChanges: string[] = [];
    for (let i = 0; i < indexes.length; i++) {
      const index = indexes[i]!;
      const r = Rng.forCase(opts.seed, index);
      const rpc = r.pick(targets);
      const unmutated = message(r, rpc.requestType, fx) as ApiObject;
      // Most cases address the fixture's app, so that they reach past the app lookup.
      if (r.chance(0.85) && rpc.requestType.fields.user_app_id) unmutated.user_app_id = { user_id: 'me', app_id: appId };
      const req = mutateObject(r, structuredClone(unmutated));
      if (index % 2 === 0 && rpc.http.length > 0) await run.rest(index, r, rpc, req);
      else await run.grpcCase(index, r, rpc, req, unmutated);
      if ((i + 1) % BATCH === 0 || i === indexes.length - 1) {
        await run.probe();
        const now = await canaryAnswers(server, canary);
        now.forEach((a, k) => {
          if (a !== canaryBaseline[k]) canaryChanges.push(`after case ${index}: ${a.slice(0, 300)}`);
        });
        fx.ids = await ensureFixture(server, appId);
        opts.progress?.(i + 1, indexes.length);
      }
    }
    const after = prototypeNames();
    const sorted = [...run.healthz].sort((a, b) => a - b);
    const report: Omit<FuzzReport, 'integrity'> = {
      seed: opts.seed,
      requests: indexes.length,
      implemented: targets.length,
      failures: run.failures,
      canaryChanges,
      polluted: after.filter((n) => !before.includes(n)),
      healthzMaxMs: Math.round(sorted[sorted.length - 1] ?? 0),
      healthzP99Ms: Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0),
      codes: run.codes,
    };
    run.close();
    run = undefined;
    await closeServer();
    const integrity = TEST_BACKEND === 'sqlite' ? integrityOf(path.join(dir, 'modelkeep.db')) : 'not checked (PostgreSQL)';
    return { ...report, integrity };
  } finally {
    run?.close();
    await closeServer().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
