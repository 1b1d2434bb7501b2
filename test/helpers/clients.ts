import * as grpc from '@grpc/grpc-js';
import { type ClarifaiProtos, loadClarifaiProtos, type RpcInfo } from '../../src/proto/load.js';
import { messageCodec } from '../../src/proto/message-codec.js';
import { TEST_PAT } from './server.js';

export type ApiObject = Record<string, any>;

export interface CallResult {
  /** HTTP status for REST; 200 for gRPC answers that came back in-band. */
  http: number;
  body: ApiObject;
}

/** One way to call an RPC by name with an API-shaped request; implemented over REST and over gRPC. */
export interface ApiClient {
  readonly transport: 'rest' | 'grpc';
  call(rpc: string, req?: ApiObject, token?: string | null): Promise<CallResult>;
  close(): void;
}

let protos: ClarifaiProtos | undefined;
export const testProtos = (): ClarifaiProtos => (protos ??= loadClarifaiProtos());

/** Picks the binding whose path variables the request can fill, as Clarifai's JSON client does. */
function pickBinding(rpc: RpcInfo, req: ApiObject): { method: string; url: string; rest: ApiObject; body: string | undefined } {
  const get = (p: string): unknown => p.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), req);
  const candidates = rpc.http
    .map((b) => ({ b, vars: [...b.template.matchAll(/\{([^}=]+)\}/g)].map((m) => m[1]!) }))
    .filter(({ vars }) => vars.every((v) => get(v) !== undefined && get(v) !== ''))
    .sort((x, y) => y.vars.length - x.vars.length);
  const pick = candidates[0];
  if (!pick) throw new Error(`no REST binding of ${rpc.name} fits ${JSON.stringify(req)}`);
  const rest: ApiObject = structuredClone(req);
  for (const v of pick.vars) {
    const parts = v.split('.');
    const parent = parts.slice(0, -1).reduce<any>((o, k) => o?.[k], rest);
    if (parent) delete parent[parts[parts.length - 1]!];
    if (parts.length > 1 && parent && Object.keys(parent).length === 0) delete rest[parts[0]!];
  }
  const url = pick.b.template.replace(/\{([^}=]+)\}/g, (_m, v: string) => encodeURIComponent(String(get(v))));
  return { method: pick.b.method, url, rest, body: pick.b.body };
}

function toQuery(obj: ApiObject, prefix = '', out = new URLSearchParams()): URLSearchParams {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v)) v.forEach((x) => out.append(key, String(x)));
    else if (v !== null && typeof v === 'object') toQuery(v, key, out);
    else if (v !== undefined) out.append(key, String(v));
  }
  return out;
}

export function restClient(
  port: number,
): ApiClient & { raw(method: string, path: string, body?: string | ApiObject, headers?: Record<string, string>): Promise<CallResult> } {
  const base = `http://127.0.0.1:${port}`;
  const raw = async (method: string, path: string, body?: string | ApiObject, headers: Record<string, string> = {}): Promise<CallResult> => {
    const init: RequestInit = { method, headers: { authorization: `Key ${TEST_PAT}`, 'content-type': 'application/json', ...headers } };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(base + path, init);
    const text = await res.text();
    return { http: res.status, body: text ? JSON.parse(text) : {} };
  };
  return {
    transport: 'rest',
    raw,
    async call(rpcName, req = {}, token = TEST_PAT) {
      const rpc = testProtos().rpcs.get(rpcName);
      if (!rpc) throw new Error(`unknown rpc ${rpcName}`);
      const b = pickBinding(rpc, req);
      const headers: Record<string, string> = token === null ? { authorization: '' } : { authorization: `Key ${token}` };
      if (b.body) return raw(b.method, b.url, b.rest, headers);
      const q = toQuery(b.rest).toString();
      return raw(b.method, q ? `${b.url}?${q}` : b.url, undefined, headers);
    },
    close() {},
  };
}

/** A plaintext gRPC client for clarifai.api.V2 that speaks API-shaped objects (our codecs on the client side). */
export function grpcClient(port: number): ApiClient {
  const p = testProtos();
  const def: Record<string, grpc.MethodDefinition<any, any>> = {};
  for (const rpc of p.rpcs.values()) {
    const req = messageCodec(rpc.requestType);
    const res = messageCodec(rpc.responseType);
    def[rpc.name] = {
      path: `/clarifai.api.V2/${rpc.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (o: ApiObject) => req.encode(o),
      requestDeserialize: (b: Buffer) => req.decode(b),
      responseSerialize: (o: ApiObject) => res.encode(o),
      responseDeserialize: (b: Buffer) => res.decode(b),
    };
  }
  const Ctor = grpc.makeGenericClientConstructor(def, 'V2');
  const client = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as Record<string, Function> & grpc.Client;
  return {
    transport: 'grpc',
    call(rpcName, req = {}, token = TEST_PAT) {
      const md = new grpc.Metadata();
      if (token !== null) md.set('authorization', `Key ${token}`);
      return new Promise((resolve, reject) => {
        client[rpcName]!.call(client, req, md, (err: grpc.ServiceError | null, body: ApiObject) => (err ? reject(err) : resolve({ http: 200, body })));
      });
    },
    close() {
      client.close();
    },
  };
}
