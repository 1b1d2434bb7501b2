import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { deferredDefinition, type MethodShape } from './deferred-service.js';
import { HEALTH_METHODS } from './health.js';
import { REFLECTION_SERVICES } from './reflection.js';

/** The definitions a library hands to addService, in order. */
function definitionsOf(lib: { addToServer(server: never): void }): grpc.ServiceDefinition[] {
  const out: grpc.ServiceDefinition[] = [];
  lib.addToServer({ addService: (d: grpc.ServiceDefinition) => out.push(d) } as never);
  return out;
}

const shapeOf = (d: grpc.ServiceDefinition): MethodShape[] =>
  Object.entries(d).map(([key, m]) => ({
    key,
    path: m.path,
    originalName: String(m.originalName),
    requestStream: m.requestStream,
    responseStream: m.responseStream,
  }));

test("the shapes registered at start-up are the libraries' own definitions (paths, names, stream kinds)", () => {
  assert.deepEqual(definitionsOf(new HealthImplementation({})).map(shapeOf), [HEALTH_METHODS]);
  assert.deepEqual(definitionsOf(new ReflectionService({})).map(shapeOf), REFLECTION_SERVICES);
});

test('a deferred definition loads the real one on its first message and uses the real codecs', () => {
  const [real] = definitionsOf(new HealthImplementation({}));
  let loads = 0;
  const def = deferredDefinition(HEALTH_METHODS, () => {
    loads++;
    return real!;
  });
  assert.equal(loads, 0);
  assert.deepEqual(shapeOf(def), HEALTH_METHODS);
  const request = { service: 'clarifai.api.V2' };
  const bytes = def.Check!.requestSerialize(request);
  assert.deepEqual(bytes, real!.Check!.requestSerialize(request));
  assert.equal((def.Check!.requestDeserialize(bytes) as { service: string }).service, 'clarifai.api.V2');
  const reply = def.Watch!.responseSerialize({ status: 'SERVING' });
  assert.deepEqual(reply, real!.Watch!.responseSerialize({ status: 'SERVING' }));
  assert.ok(loads >= 1);
});
