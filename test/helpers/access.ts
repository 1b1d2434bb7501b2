import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { ApiKey } from '../../src/domain/entities.js';
import { newId } from '../../src/domain/ids.js';
import { messageCodec } from '../../src/proto/message-codec.js';
import { hashToken } from '../../src/service/access/auth.service.js';
import type { Harness } from './both.js';
import { type ApiObject, type CallResult, testProtos } from './clients.js';
import { assertConforms } from './conformance.js';
import type { TestServer } from './server.js';

export interface ApiStatusBody {
  code: number;
  description: string;
  details?: string;
  req_id: string;
}

/**
 * Token-aware call helpers for the access / bad-input suites. Every REST answer, error bodies
 * included, is checked against its RPC's response message (assertConforms); every gRPC answer
 * arrived in-band (the call resolved, so the transport status was OK).
 */
export function expectApi(h: Harness) {
  const call = async (rpc: string, req: ApiObject = {}, token?: string | null): Promise<CallResult> => {
    const r = await h.api.call(rpc, req, token);
    if (h.api.transport === 'rest') assertConforms(rpc, r.body);
    else assert.equal(r.http, 200);
    return r;
  };

  /** Asserts SUCCESS (HTTP 200 on REST) and returns the body. */
  const ok = async (rpc: string, req: ApiObject = {}, token?: string | null): Promise<ApiObject> => {
    const r = await call(rpc, req, token);
    assert.equal(r.body.status?.code, 10000, `${rpc}: ${JSON.stringify(r.body.status)}`);
    if (h.api.transport === 'rest') assert.equal(r.http, 200);
    return r.body;
  };

  /** Asserts the error code, Clarifai's description and a req_id, and the HTTP status on REST; returns the status. */
  const fails = async (rpc: string, req: ApiObject, code: number, http: number, token?: string | null): Promise<ApiStatusBody> => {
    const r = await call(rpc, req, token);
    assert.equal(r.body.status?.code, code, `${rpc}: expected ${code}, got ${JSON.stringify(r.body.status)}`);
    assert.match(String(r.body.status.req_id), /^[0-9a-f]{32}$/);
    assert.ok(r.body.status.description, 'status.description');
    if (h.api.transport === 'rest') assert.equal(r.http, http, `${rpc}: HTTP status for ${code}`);
    return r.body.status as ApiStatusBody;
  };

  return { call, ok, fails, transport: () => h.api.transport };
}

export type ExpectApi = ReturnType<typeof expectApi>;

/** Creates a user directly in the store with a personal access token; returns the token. */
export async function addUserWithPat(server: TestServer, userId: string): Promise<string> {
  const token = `pat-${userId}-${newId()}`;
  await server.store.users.create({ id: userId, createdAt: Date.now() });
  await addKey(server, { userId, token, kind: 'pat', scopes: ['All'], appIds: [] });
  return token;
}

/** Writes a key straight into the store (for states the API refuses to create, e.g. already expired). */
export async function addKey(
  server: TestServer,
  k: { userId: string; token: string; kind: ApiKey['kind']; scopes: string[]; appIds: string[]; expiresAt?: number | null },
): Promise<ApiKey> {
  const key: ApiKey = {
    id: newId(),
    userId: k.userId,
    kind: k.kind,
    tokenHash: hashToken(k.token),
    description: 'test key',
    scopes: k.scopes,
    appIds: k.appIds,
    createdAt: Date.now() - 60_000,
    expiresAt: k.expiresAt ?? null,
  };
  await server.store.keys.create(key);
  return key;
}

function grpcMethod(rpcName: string, raw: boolean): grpc.MethodDefinition<any, any> {
  const rpc = testProtos().rpcs.get(rpcName);
  assert.ok(rpc, `unknown rpc ${rpcName}`);
  const req = messageCodec(rpc.requestType);
  const res = messageCodec(rpc.responseType);
  return {
    path: `/clarifai.api.V2/${rpcName}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: raw ? (b: Buffer) => b : (o: ApiObject) => req.encode(o),
    requestDeserialize: (b: Buffer) => req.decode(b),
    responseSerialize: (o: ApiObject) => res.encode(o),
    responseDeserialize: (b: Buffer) => res.decode(b),
  };
}

/**
 * One unary gRPC call with full control: the `authorization` metadata as given (undefined = none),
 * and the request either as an API object or as raw bytes put on the wire unchanged.
 * Resolves with the decoded response; rejects with the grpc ServiceError.
 */
export function grpcCall(port: number, rpcName: string, request: ApiObject | Buffer, authorization: string | undefined): Promise<ApiObject> {
  const raw = Buffer.isBuffer(request);
  const Ctor = grpc.makeGenericClientConstructor({ [rpcName]: grpcMethod(rpcName, raw) }, 'V2');
  const client = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as Record<string, Function> & grpc.Client;
  const md = new grpc.Metadata();
  if (authorization !== undefined) md.set('authorization', authorization);
  return new Promise<ApiObject>((resolve, reject) => {
    client[rpcName]!.call(client, request, md, (err: grpc.ServiceError | null, body: ApiObject) => (err ? reject(err) : resolve(body)));
  }).finally(() => client.close());
}
