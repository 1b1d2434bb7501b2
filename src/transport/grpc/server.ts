import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { ApiError } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import type { ClarifaiProtos, RpcInfo } from '../../proto/load.js';
import { fieldEncoder, type MessageCodec, messageCodec } from '../../proto/message-codec.js';
import type { CallMeta } from '../../service/core/call-observer.js';
import type { MaybePromise } from '../../service/core/context.js';
import { type Dispatcher, type DispatchResult, responseOf } from '../../service/core/dispatcher.js';
import { sealedMemo } from '../../service/reuse/sealed.js';

export interface GrpcOptions {
  maxMessageBytes: number;
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
}

/** A dispatch result on its way to `responseSerialize`, which encodes its status and (cached) body apart. */
class Answer {
  constructor(readonly r: DispatchResult) {}
}

/** Encodes an Answer as its status field followed by its body's fields (cached for sealed bodies). */
function answerSerializer(type: protobuf.Type, res: MessageCodec): (o: unknown) => Buffer {
  const statusField = type.fields.status ? fieldEncoder(type, 'status') : undefined;
  const body = sealedMemo((b) => res.encode(b));
  return (o) => {
    if (!(o instanceof Answer)) return res.encode(o as Record<string, unknown>);
    if (!statusField) return res.encode(responseOf(o.r));
    return Buffer.concat([statusField(o.r.status as unknown as Record<string, unknown>), body(o.r.body)]);
  };
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

function metadataString(metadata: grpc.Metadata, key: string): string | undefined {
  const v = metadata.get(key)[0];
  return typeof v === 'string' ? v : v?.toString();
}

/** The transport and the request-id hints of a gRPC call (x-request-id, Clarifai's x-clarifai-request-id-prefix metadata). */
function metaOf(metadata: grpc.Metadata): CallMeta {
  return { transport: 'grpc', requestId: metadataString(metadata, 'x-request-id'), prefix: metadataString(metadata, 'x-clarifai-request-id-prefix') };
}

function answer(dispatcher: Dispatcher, rpc: RpcInfo, request: unknown, metadata: grpc.Metadata): MaybePromise<DispatchResult> {
  if (request instanceof DecodeFailure) {
    return dispatcher.refuse(
      rpc,
      new ApiError(Code.CONN_BAD_REQUEST_FORMAT, `The ${rpc.requestType.name} message could not be decoded: ${request.message}`),
      metaOf(metadata),
    );
  }
  return dispatcher.call(rpc.name, request as Record<string, unknown>, authorizationOf({ metadata }), metaOf(metadata));
}

/** The gRPC status a dispatch result travels with: API errors are in-band (OK); a transient outage is UNAVAILABLE, which clients retry. */
export const grpcStatusFor = (r: { retryable: boolean }): grpc.status => (r.retryable ? grpc.status.UNAVAILABLE : grpc.status.OK);

/** Trailing metadata carrying the call's req_id (as REST's response headers do). */
function trailerOf(reqId: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('x-clarifai-request-id', reqId);
  md.set('x-request-id', reqId);
  return md;
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
    const serialize = answerSerializer(rpc.responseType, res);
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
      responseSerialize: serialize,
      responseDeserialize: (b: Buffer) => res.decode(b),
      originalName: rpc.name,
    };
    if (!method.requestStream && !method.responseStream) {
      impl[rpc.name] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const done = (r: DispatchResult): void => {
          const trailer = trailerOf(r.status.req_id);
          if (grpcStatusFor(r) === grpc.status.UNAVAILABLE) callback({ code: grpc.status.UNAVAILABLE, details: String(r.status.details), metadata: trailer });
          else callback(null, new Answer(r), trailer);
        };
        const fail = (e: unknown): void => callback({ code: grpc.status.INTERNAL, details: (e as Error).message });
        try {
          const r = answer(dispatcher, rpc, call.request, call.metadata);
          if (r instanceof Promise) r.then(done, fail);
          else done(r);
        } catch (e) {
          fail(e);
        }
      };
    } else if (method.requestStream && method.responseStream && dispatcher.hasStream(rpc.name)) {
      impl[rpc.name] = (call: grpc.ServerDuplexStream<unknown, unknown>) => serveStream(dispatcher, rpc, call);
    } else {
      // Other streaming RPCs are not implemented: one in-band 10040 message, then the stream ends. Refused
      // through the dispatcher so the call is logged and counted like any other, with its request id.
      impl[rpc.name] = (call: Call, callback?: grpc.sendUnaryData<unknown>) => {
        const r = dispatcher.refuse(
          rpc,
          new ApiError(Code.NOT_IMPLEMENTED, `${rpc.name} (a streaming method) is not implemented by modelkeep.`),
          metaOf(call.metadata),
        );
        const trailer = trailerOf(r.status.req_id);
        if (method.responseStream) {
          (call as grpc.ServerWritableStream<unknown, unknown>).write(new Answer(r));
          (call as grpc.ServerWritableStream<unknown, unknown>).end(trailer);
        } else callback?.(null, new Answer(r), trailer);
      };
    }
  }
  server.addService(definition, impl);
  return server;
}

/**
 * A bidirectional stream (PostModelVersionsUpload): each message is answered in turn, in order, by
 * the dispatcher's stream. Reading pauses while a message is handled, so a fast client cannot pile
 * up parts in memory. The answer that closes the stream (an error, or the client's end) is the last.
 */
function serveStream(dispatcher: Dispatcher, rpc: RpcInfo, call: grpc.ServerDuplexStream<unknown, unknown>): void {
  const stream = dispatcher.openStream(rpc.name, authorizationOf(call), metaOf(call.metadata));
  let chain: Promise<void> = Promise.resolve();
  let ended = false;
  const finish = (): void => {
    if (ended) return;
    ended = true;
    call.end(trailerOf(stream.reqId));
  };
  const answer = (r: DispatchResult | undefined): void => {
    if (r && !ended) call.write(new Answer(r));
    if (stream.closed) finish();
  };
  const step = (work: () => Promise<void>): void => {
    chain = chain.then(work).catch((e: unknown) => {
      if (!ended) call.destroy(e as Error);
      ended = true;
    });
  };
  call.on('data', (msg: unknown) => {
    call.pause();
    step(async () => {
      if (!stream.closed) {
        const decodeFailure = msg instanceof DecodeFailure;
        const r = decodeFailure
          ? await stream.refuse(new ApiError(Code.CONN_BAD_REQUEST_FORMAT, `The ${rpc.requestType.name} message could not be decoded: ${msg.message}`))
          : await stream.send(msg as Record<string, unknown>);
        answer(r);
      }
      if (!ended) call.resume();
    });
  });
  call.on('end', () => step(async () => answer(stream.closed ? undefined : await stream.end())));
  // The client went away: nothing more can be written; the session lets go of what it holds.
  call.on('cancelled', () => {
    ended = true;
    step(() => stream.abort());
  });
  call.on('error', () => step(() => stream.abort()));
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
