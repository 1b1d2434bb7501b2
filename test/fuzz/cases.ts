import type { RpcInfo } from '../../src/proto/load.js';
import { messageCodec } from '../../src/proto/message-codec.js';
import type { ApiObject } from '../helpers/clients.js';
import { TEST_PAT, type TestServer } from '../helpers/server.js';
import { HOSTILE_SEGMENTS, hostileQuery, mutateText } from './mutate.js';
import type { Rng } from './rng.js';
import { type RawGrpc, rawGrpcClient } from './targets.js';

/** A fuzz case's answer that breaks the rules: a 5xx, no Clarifai status, a gRPC error, no answer. */
export interface FuzzFailure {
  index: number;
  transport: 'rest' | 'grpc';
  rpc: string;
  what: string;
  sent: string;
}

/** A call that hangs this long is a stall. */
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

/** Sends the cases of one run and records what broke the rules (and what codes came back). */
export class Run {
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
