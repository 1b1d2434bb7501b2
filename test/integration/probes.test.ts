import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { restClient } from '../helpers/clients.js';
import { decodeFileDescriptors, healthCheck, healthClient, reflect, reflectionClient } from '../helpers/grpc-ops-clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('probes, gRPC health and reflection', () => {
  let server: TestServer;
  const clients: Array<{ close(): void }> = [];
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  it('/livez and /readyz answer 200 once serving; /healthz keeps its answer', async () => {
    const rest = restClient(server.httpPort);
    assert.deepEqual(await rest.raw('GET', '/livez'), { http: 200, body: { status: 'ok' } });
    assert.deepEqual(await rest.raw('GET', '/readyz'), { http: 200, body: { status: 'ready' } });
    const health = await rest.raw('GET', '/healthz');
    assert.deepEqual([health.http, health.body.status], [200, 'ok']);
  });

  it('grpc.health.v1.Health Check says SERVING for the server and for clarifai.api.V2, NOT_FOUND for others', async () => {
    const h = healthClient(server.grpcPort);
    clients.push(h);
    assert.equal(await healthCheck(h, ''), 'SERVING');
    assert.equal(await healthCheck(h, 'clarifai.api.V2'), 'SERVING');
    await assert.rejects(healthCheck(h, 'no.such.Service'), (e: { code?: number }) => e.code === 5);
  });

  it('Watch streams the current status first', async () => {
    const h = healthClient(server.grpcPort);
    clients.push(h);
    const call = h.Watch!({ service: 'clarifai.api.V2' });
    const first = await new Promise<{ status: string }>((resolve, reject) => {
      call.once('data', resolve);
      call.once('error', reject);
    });
    call.cancel();
    assert.equal(first.status, 'SERVING');
  });

  for (const version of ['v1', 'v1alpha'] as const) {
    it(`server reflection ${version} lists clarifai.api.V2 and describes its methods`, async () => {
      const r = reflectionClient(server.grpcPort, version);
      clients.push(r);
      const listed = await reflect(r, { list_services: '' });
      const names = (listed.list_services_response.service as Array<{ name: string }>).map((s) => s.name);
      assert.ok(names.includes('clarifai.api.V2'), names.join(', '));
      assert.ok(names.includes('grpc.health.v1.Health'), names.join(', '));

      const described = await reflect(r, { file_containing_symbol: 'clarifai.api.V2' });
      const files = decodeFileDescriptors(described.file_descriptor_response.file_descriptor_proto);
      const v2 = files.flatMap((f) => f.service.map((s) => ({ pkg: f.package, ...s }))).find((s) => s.pkg === 'clarifai.api' && s.name === 'V2');
      assert.ok(v2, 'a file describes service clarifai.api.V2');
      const methods = v2.method.map((m) => m.name);
      for (const m of ['GetModel', 'PostModelVersions', 'PostModelOutputs']) assert.ok(methods.includes(m), m);

      // Its message types resolve too (grpcurl describes and calls with them).
      const msg = await reflect(r, { file_containing_symbol: 'clarifai.api.GetModelRequest' });
      assert.ok(msg.file_descriptor_response.file_descriptor_proto.length >= 1);
    });
  }

  it('after stop() begins, /readyz and Health say not ready (and the servers then close)', async () => {
    const other = await startTestServer();
    const h = healthClient(other.grpcPort);
    // On PostgreSQL a just-started server is ready once its change listener has connected (readiness.ts):
    // wait for that, bounded, before stopping it.
    const deadline = Date.now() + 10_000;
    let status = await healthCheck(h, '');
    while (status !== 'SERVING' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      status = await healthCheck(h, '');
    }
    assert.equal(status, 'SERVING');
    const watch = h.Watch!({ service: '' });
    const seen: string[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      watch.on('data', (m: { status: string }) => seen.push(m.status));
      watch.on('end', resolve);
      watch.on('error', reject);
    });
    // The stream is open on the server once its first status came back.
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 10));
    const stopping = other.close();
    await ended; // the server ended the stream itself: an open Watch does not hold the shutdown
    await stopping;
    h.close();
    assert.deepEqual(seen, ['SERVING', 'NOT_SERVING']);
  });
});
