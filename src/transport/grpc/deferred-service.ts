import type * as grpc from '@grpc/grpc-js';

/** What grpc-js needs of a method to route calls to it: its path and stream kinds (the codecs can come later). */
export interface MethodShape {
  key: string;
  path: string;
  originalName: string;
  requestStream: boolean;
  responseStream: boolean;
}

/**
 * A service definition whose message codecs are those of `real()`, fetched on the first message.
 * grpc-js registers a method by its path and stream kinds and calls the codecs per message, so a
 * library that describes a service (and costs tens of ms to import: grpc-health-check and
 * @grpc/reflection each load their .proto files) can be required on the first call instead of at
 * start-up. deferred-service.test.ts checks the shapes against the libraries' own definitions.
 */
export function deferredDefinition(methods: readonly MethodShape[], real: () => grpc.ServiceDefinition): grpc.ServiceDefinition {
  const def: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const { key, path, originalName, requestStream, responseStream } of methods) {
    const codec = (): grpc.MethodDefinition<unknown, unknown> => real()[key]!;
    def[key] = {
      path,
      originalName,
      requestStream,
      responseStream,
      requestSerialize: (v: unknown) => codec().requestSerialize(v),
      requestDeserialize: (b: Buffer) => codec().requestDeserialize(b),
      responseSerialize: (v: unknown) => codec().responseSerialize(v),
      responseDeserialize: (b: Buffer) => codec().responseDeserialize(b),
    };
  }
  return def;
}
