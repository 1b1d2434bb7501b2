import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type protobuf from 'protobufjs';

/**
 * Clients of the operational gRPC services, built the way grpcurl and grpc_health_probe see them:
 * from the services' own published protos, not from modelkeep's code.
 */

const require = createRequire(import.meta.url);
// The protos @grpc/reflection ships beside its build (build/src/index.js -> build/proto).
const reflectionDir = path.join(path.dirname(require.resolve('@grpc/reflection')), '..', 'proto');
const loadOpts = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

type GenericClient = grpc.Client & Record<string, (...args: any[]) => any>;

export function healthClient(port: number): GenericClient {
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, loadOpts)) as any;
  return new pkg.grpc.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

export function healthCheck(client: GenericClient, service: string): Promise<string> {
  return new Promise((resolve, reject) =>
    client.Check!({ service }, (err: grpc.ServiceError | null, r: { status: string }) => (err ? reject(err) : resolve(r.status))),
  );
}

/** A reflection client of version `v1` or `v1alpha`. */
export function reflectionClient(port: number, version: 'v1' | 'v1alpha'): GenericClient {
  const file = path.join(reflectionDir, 'grpc', 'reflection', version, 'reflection.proto');
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(file, { ...loadOpts, includeDirs: [reflectionDir] })) as any;
  return new pkg.grpc.reflection[version].ServerReflection(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

/** Sends one reflection request on a fresh stream and resolves with its one response. */
export function reflect(client: GenericClient, request: Record<string, unknown>): Promise<any> {
  return new Promise((resolve, reject) => {
    const call = client.ServerReflectionInfo!();
    call.on('data', (r: unknown) => {
      resolve(r);
      call.end();
    });
    call.on('error', reject);
    call.write(request);
  });
}

/** Decodes FileDescriptorProtos as a reflection client does (protobufjs' descriptor types). */
export function decodeFileDescriptors(
  bufs: Uint8Array[],
): Array<{ name: string; package: string; service: Array<{ name: string; method: Array<{ name: string }> }> }> {
  const descriptor = require('protobufjs/ext/descriptor') as { FileDescriptorProto: protobuf.Type };
  return bufs.map((b) => descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(b), { defaults: true }) as any);
}
