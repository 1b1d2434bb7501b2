import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NO_WORKER } from '../helpers/both.js';
import { type ApiClient, grpcClient, restClient, testProtos } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Every method of clarifai.api.V2 that modelkeep does not implement answers 10040 cleanly on both transports. */
describe('unimplemented methods answer 10040 NOT_IMPLEMENTED', () => {
  let server: TestServer;
  let grpc: ApiClient;
  const protos = testProtos();
  const service = protos.root.lookupService('clarifai.api.V2');
  let implemented: Set<string>;

  before(async () => {
    server = await startTestServer(NO_WORKER);
    grpc = grpcClient(server.grpcPort);
    implemented = new Set();
  });
  after(async () => {
    grpc.close();
    await server.close();
  });

  it('over gRPC, for every unary method (status OK, in-band 10040 or a real answer)', async () => {
    let notImplemented = 0;
    for (const rpc of protos.rpcs.values()) {
      const m = service.methods[rpc.name]!;
      if (m.requestStream || m.responseStream) continue;
      const r = await grpc.call(rpc.name, { user_app_id: { user_id: 'me', app_id: 'none' } });
      assert.equal(typeof r.body.status?.code, 'number', `${rpc.name}: no status`);
      if (r.body.status.code === 10040) notImplemented++;
      else implemented.add(rpc.name);
    }
    assert.ok(notImplemented > 200, `expected most of the ${protos.rpcs.size} methods to be unimplemented, got ${notImplemented}`);
  });

  it('over REST, every binding of an unimplemented method answers HTTP 501 with a Clarifai body', async () => {
    const rest = restClient(server.httpPort);
    let checked = 0;
    for (const rpc of protos.rpcs.values()) {
      if (implemented.has(rpc.name)) continue;
      for (const b of rpc.http) {
        if (b.template.includes('*') || b.template.includes('=')) continue;
        const path = b.template.replace(/\{[^}]+\}/g, (v) => (v.includes('user_id') ? 'me' : v.includes('app_id') ? 'none' : 'x1'));
        const r = await rest.raw(b.method, path, b.body ? {} : undefined);
        // Paths shared with an implemented method route there (first binding wins), which is fine.
        if (r.body.status?.code !== 10040) continue;
        assert.equal(r.http, 501, `${rpc.name} ${b.method} ${path}`);
        assert.match(String(r.body.status.details), /is not implemented by modelkeep|is a gRPC stream; over REST, POST the package to/);
        checked++;
      }
    }
    assert.ok(checked > 200, `only ${checked} REST bindings answered 10040`);
  });
});
