#!/usr/bin/env node
// The baseline process of benchmarks 1, 2, 8 and 9: what any server speaking Clarifai's API from
// the official protos costs at least. It loads the same proto files modelkeep loads (same
// protobufjs, same options), listens with Fastify and grpc-js on two ports, and answers
//   GET /healthz                                              {"status":"ok"}
//   GET /v2/users/:u/apps/:a/models/:m   (with --rest-body F)  the bytes of F, as modelkeep does
//   /clarifai.api.V2/GetModel            (with --grpc-body F)  the bytes of F (a serialized GetModelResponse)
// from memory: no auth, no database, no JSON encoding. Every other V2 method is registered (same
// service definition as modelkeep) and answers UNIMPLEMENTED.
// Plain JavaScript on purpose: no TypeScript loader in the baseline's start-up or memory.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import Fastify from 'fastify';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    'http-port': { type: 'string', default: '0' },
    'grpc-port': { type: 'string', default: '0' },
    'rest-body': { type: 'string' },
    'grpc-body': { type: 'string' },
  },
});

// --- the same protos as src/proto/load.ts
const PROTO_FILES = ['status/status_code.proto', 'status/status.proto', 'resources.proto', 'service_processed.proto', 'utils/matrix.proto'];
const pkgRoot = path.join(path.dirname(require.resolve('clarifai-nodejs-grpc')), '..');
const pbRoot = path.dirname(require.resolve('protobufjs/package.json'));
const root = new protobuf.Root();
root.resolvePath = (origin, target) => {
  for (const dir of [pkgRoot, pbRoot]) {
    const p = path.join(dir, target);
    if (existsSync(p)) return p;
  }
  return path.resolve(path.dirname(origin), target);
};
root.loadSync(
  PROTO_FILES.map((f) => path.join(pkgRoot, 'proto/clarifai/api', f)),
  { keepCase: true },
);
root.resolveAll();
const service = root.lookupService('clarifai.api.V2');

// --- REST
const restBody = values['rest-body'] ? readFileSync(values['rest-body']) : undefined;
const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
if (restBody) {
  app.get('/v2/users/:user_id/apps/:app_id/models/:model_id', (_req, reply) => {
    reply.code(200).header('content-type', 'application/json; charset=utf-8').send(restBody);
  });
}

// --- gRPC: every method of the service, GetModel answered with pre-serialized bytes
const grpcBody = values['grpc-body'] ? readFileSync(values['grpc-body']) : undefined;
const server = new grpc.Server();
const definition = {};
const impl = {};
for (const method of Object.values(service.methods)) {
  const reqType = method.resolvedRequestType;
  const resType = method.resolvedResponseType;
  const passthrough = method.name === 'GetModel' && grpcBody !== undefined;
  definition[method.name] = {
    path: `/clarifai.api.V2/${method.name}`,
    requestStream: Boolean(method.requestStream),
    responseStream: Boolean(method.responseStream),
    requestSerialize: (o) => Buffer.from(reqType.encode(o).finish()),
    requestDeserialize: (b) => reqType.decode(b),
    responseSerialize: passthrough ? (b) => b : (o) => Buffer.from(resType.encode(o).finish()),
    responseDeserialize: (b) => resType.decode(b),
    originalName: method.name,
  };
  impl[method.name] = passthrough
    ? (_call, callback) => callback(null, grpcBody)
    : (call, callback) => {
        const err = { code: grpc.status.UNIMPLEMENTED, details: 'not in the baseline' };
        if (callback) callback(err);
        else call.emit('error', err);
      };
}
server.addService(definition, impl);

await app.listen({ host: '127.0.0.1', port: Number(values['http-port']) });
const grpcPort = await new Promise((resolve, reject) =>
  server.bindAsync(`127.0.0.1:${values['grpc-port']}`, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
);
process.stdout.write(`${JSON.stringify({ msg: 'ready', http: app.server.address().port, grpc: grpcPort })}\n`);

const stop = () => {
  server.tryShutdown(() => app.close().then(() => process.exit(0)));
  setTimeout(() => process.exit(0), 3000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
