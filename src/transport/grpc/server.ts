import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { ApiError } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import type { ClarifaiProtos, RpcInfo } from '../../proto/load.js';
import { messageCodec } from '../../proto/message-codec.js';
import type { Dispatcher } from '../../service/dispatcher.js';

export interface GrpcOptions {
  maxMessageBytes: number;
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
}

/** A request that could not be decoded travels to the handler as this, so it gets an in-band 11100. */
class DecodeFailure {
  constructor(readonly message: string) {}
}

type Call = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>;

function authorizationOf(call: { metadata: grpc.Metadata }): string | undefined {
  const v = call.metadata.get('authorization')[0];
  return typeof v === 'string' ? v : v?.toString();
}

async function answer(dispatcher: Dispatcher, rpc: RpcInfo, request: unknown, metadata: grpc.Metadata) {
  if (request instanceof DecodeFailure) {
    return dispatcher.failure(rpc, new ApiError(Code.CONN_BAD_REQUEST_FORMAT, `The ${rpc.requestType.name} message could not be decoded: ${request.message}`));
  }
  return dispatcher.call(rpc.name, request as Record<string, unknown>, authorizationOf({ metadata }));
}

/**
 * gRPC adapter for service clarifai.api.V2, built from the same protos with our own codecs so that
 * both transports hand the service identical objects. API errors are in-band (gRPC status OK), as
 * Clarifai does; only a transient database outage becomes UNAVAILABLE, which clients retry.
 */
export function buildGrpcServer(dispatcher: Dispatcher, protos: ClarifaiProtos, opts: GrpcOptions): grpc.Server {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': opts.maxMessageBytes, 'grpc.max_send_message_length': 1024 * 1024 * 1024 });
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  const impl: grpc.UntypedServiceImplementation = {};
  const service = protos.root.lookupService('clarifai.api.V2');
  for (const rpc of protos.rpcs.values()) {
    const method = service.methods[rpc.name]!;
    const req = messageCodec(rpc.requestType);
    const res = messageCodec(rpc.responseType);
    definition[rpc.name] = {
      path: `/clarifai.api.V2/${rpc.name}`,
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
      requestSerialize: (o: unknown) => req.encode(o as Record<string, unknown>),
      requestDeserialize: (b: Buffer) => {
        try {
          return req.decode(b);
        } catch (e) {
          return new DecodeFailure((e as Error).message);
        }
      },
      responseSerialize: (o: unknown) => res.encode(o as Record<string, unknown>),
      responseDeserialize: (b: Buffer) => res.decode(b),
      originalName: rpc.name,
    };
    if (!method.requestStream && !method.responseStream) {
      impl[rpc.name] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        answer(dispatcher, rpc, call.request, call.metadata).then(
          (r) => (r.retryable ? callback({ code: grpc.status.UNAVAILABLE, details: String((r.response.status as { details?: string }).details) }) : callback(null, r.response)),
          (e: unknown) => callback({ code: grpc.status.INTERNAL, details: (e as Error).message }),
        );
      };
    } else {
      // Streaming RPCs are not implemented: one in-band 10040 message, then the stream ends.
      impl[rpc.name] = (call: Call, callback?: grpc.sendUnaryData<unknown>) => {
        const r = dispatcher.failure(rpc, new ApiError(Code.NOT_IMPLEMENTED, `${rpc.name} (a streaming method) is not implemented by modelkeep.`));
        if (method.responseStream) {
          (call as grpc.ServerWritableStream<unknown, unknown>).write(r.response);
          (call as grpc.ServerWritableStream<unknown, unknown>).end();
        } else callback?.(null, r.response);
      };
    }
  }
  server.addService(definition, impl);
  return server;
}

export function grpcCredentials(opts: GrpcOptions): grpc.ServerCredentials {
  if (opts.tlsCertFile && opts.tlsKeyFile) {
    return grpc.ServerCredentials.createSsl(null, [{ cert_chain: readFileSync(opts.tlsCertFile), private_key: readFileSync(opts.tlsKeyFile) }], false);
  }
  return grpc.ServerCredentials.createInsecure();
}

/** Binds and resolves with the port actually bound (0 = any free port). */
export function bindGrpc(server: grpc.Server, host: string, port: number, creds: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(`${host}:${port}`, creds, (err, bound) => (err ? reject(err) : resolve(bound))));
}
