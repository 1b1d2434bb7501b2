import * as grpc from '@grpc/grpc-js';
import type { RpcInfo } from '../../src/proto/load.js';
import { messageCodec } from '../../src/proto/message-codec.js';
import { type ApiObject, testProtos } from '../helpers/clients.js';

/** Unary methods of clarifai.api.V2 (the streaming ones have their own tests). */
export function unaryRpcs(): RpcInfo[] {
  const service = testProtos().root.lookupService('clarifai.api.V2');
  return [...testProtos().rpcs.values()].filter((rpc) => {
    const m = service.methods[rpc.name];
    return m !== undefined && !m.requestStream && !m.responseStream;
  });
}

export type RawGrpc = (rpc: string, bytes: Buffer, authorization: string | undefined) => Promise<ApiObject>;

/**
 * One gRPC client for every unary method that puts request bytes on the wire unchanged (so broken
 * encodings reach the server) and decodes answers with our codec (an answer it cannot decode fails).
 */
export function rawGrpcClient(port: number): { call: RawGrpc; close(): void } {
  const def: Record<string, grpc.MethodDefinition<Buffer, ApiObject>> = {};
  for (const rpc of unaryRpcs()) {
    const res = messageCodec(rpc.responseType);
    def[rpc.name] = {
      path: `/clarifai.api.V2/${rpc.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (o: ApiObject) => res.encode(o),
      responseDeserialize: (b: Buffer) => res.decode(b),
    };
  }
  const Ctor = grpc.makeGenericClientConstructor(def, 'V2');
  const client = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 << 20 }) as unknown as Record<
    string,
    Function
  > &
    grpc.Client;
  return {
    call: (rpc, bytes, authorization) =>
      new Promise((resolve, reject) => {
        const md = new grpc.Metadata();
        if (authorization !== undefined) md.set('authorization', authorization);
        client[rpc]!.call(client, bytes, md, { deadline: Date.now() + 15_000 }, (err: grpc.ServiceError | null, body: ApiObject) =>
          err ? reject(err) : resolve(body),
        );
      }),
    close: () => client.close(),
  };
}

/** The methods this server implements: every unary method whose minimal request answers something other than 10040. */
export async function implementedRpcs(call: RawGrpc, authorization: string, appId: string): Promise<RpcInfo[]> {
  const out: RpcInfo[] = [];
  for (const rpc of unaryRpcs()) {
    // An app that does not exist: a minimal request must not delete the fixture while we look.
    const bytes = messageCodec(rpc.requestType).encode({ user_app_id: { user_id: 'me', app_id: `${appId}-absent` } });
    const body = await call(rpc.name, bytes, authorization);
    if (body.status?.code !== 10040) out.push(rpc);
  }
  return out;
}
