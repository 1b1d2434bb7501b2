import { createRequire } from 'node:module';
import type * as grpc from '@grpc/grpc-js';
import type { ReflectionService } from '@grpc/reflection';
import protobuf from 'protobufjs';
import { onFirstUse } from '../../runtime/on-first-use.js';
import { deferredDefinition, type MethodShape } from './deferred-service.js';

const require = createRequire(import.meta.url);

/** The two reflection services as @grpc/reflection defines them (checked by deferred-service.test.ts). */
export const REFLECTION_SERVICES: readonly (readonly MethodShape[])[] = ['v1', 'v1alpha'].map((v) => [
  {
    key: 'ServerReflectionInfo',
    path: `/grpc.reflection.${v}.ServerReflection/ServerReflectionInfo`,
    originalName: 'serverReflectionInfo',
    requestStream: true,
    responseStream: true,
  },
]);

/** The libraries (each loads its .proto files when imported), required by the first reflection call, not at start-up. */
const reflectionLibrary = onFirstUse<typeof import('@grpc/reflection')>('@grpc/reflection');
const healthLibrary = onFirstUse<typeof import('grpc-health-check')>('grpc-health-check');

// biome-ignore lint/suspicious/noExplicitAny: handlers are forwarded with their arguments untouched; grpc-js's UntypedHandleCall union cannot be spread-called.
type Impl = Record<string, (...args: any[]) => unknown>;

/** Each service definition's implementation as ReflectionService would register it, keyed by its first method's path. */
function implsOf(r: ReflectionService): Map<string, { definition: grpc.ServiceDefinition; impl: Impl }> {
  const out = new Map<string, { definition: grpc.ServiceDefinition; impl: Impl }>();
  r.addToServer({
    addService(definition: grpc.ServiceDefinition, impl: Impl) {
      out.set(Object.values(definition)[0]!.path, { definition, impl });
    },
  });
  return out;
}

interface MessageDescriptor {
  name: string;
  field?: Array<{ name: string; typeName?: string }>;
  nestedType?: MessageDescriptor[];
}
interface FileDescriptor {
  package?: string;
  messageType?: MessageDescriptor[];
}

/**
 * protobufjs writes references relative to the referring message; one to a type of a file without a
 * package (Clarifai's utils/matrix.proto: MatrixUint64) then reads "MatrixUint64", which reflection
 * clients look for in the referring package and miss. Such references are made absolute.
 */
function qualifyRootTypes(root: protobuf.Root, fqn: string, m: MessageDescriptor): void {
  const type = root.lookup(fqn);
  if (type instanceof protobuf.Type) {
    for (const fd of m.field ?? []) {
      const rt = type.fields[fd.name]?.resolvedType;
      if (fd.typeName && !fd.typeName.startsWith('.') && rt && rt.parent instanceof protobuf.Root) fd.typeName = rt.fullName;
    }
  }
  for (const n of m.nestedType ?? []) qualifyRootTypes(root, `${fqn}.${n.name}`, n);
}

/**
 * The package definition @grpc/reflection reads: one FileDescriptorProto per proto package, as
 * @grpc/proto-loader builds it (protobufjs' descriptor extension, applied to the protos already loaded).
 */
function packageOf(roots: protobuf.Root[]): Record<string, { fileDescriptorProtos: Uint8Array[] }> {
  const descriptor = require('protobufjs/ext/descriptor') as { FileDescriptorProto: protobuf.Type };
  const files: Uint8Array[] = [];
  for (const root of roots) {
    const set = (root as protobuf.Root & { toDescriptor(syntax: string): { file: FileDescriptor[] } }).toDescriptor('proto3');
    for (const f of set.file) {
      for (const m of f.messageType ?? []) qualifyRootTypes(root, f.package ? `${f.package}.${m.name}` : m.name, m);
      files.push(descriptor.FileDescriptorProto.encode(f as unknown as protobuf.Message).finish());
    }
  }
  return { all: { fileDescriptorProtos: files } };
}

/**
 * gRPC server reflection v1 and v1alpha (@grpc/reflection) over clarifai.api.V2 and the health
 * service, so grpcurl, Postman and Evans list and call the API without proto files. Describing
 * ~300 messages takes a while: the descriptors are built on the first reflection call, not at start,
 * and the library itself is required then too.
 */
export function addReflectionService(server: Pick<grpc.Server, 'addService'>, apiRoot: protobuf.Root): void {
  let real: Map<string, { definition: grpc.ServiceDefinition; impl: Impl }> | undefined;
  const load = (): Map<string, { definition: grpc.ServiceDefinition; impl: Impl }> => {
    if (!real) {
      const health = protobuf.loadSync(healthLibrary().protoPath);
      real = implsOf(new (reflectionLibrary().ReflectionService)(packageOf([apiRoot, health]) as never));
    }
    return real;
  };
  for (const methods of REFLECTION_SERVICES) {
    const key = methods[0]!.path;
    const lazy: Impl = {};
    for (const { key: name } of methods) lazy[name] = (...args: unknown[]) => load().get(key)!.impl[name]!(...args);
    server.addService(
      deferredDefinition(methods, () => load().get(key)!.definition),
      lazy,
    );
  }
}
