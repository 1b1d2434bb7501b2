import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { messageCodec } from '../../src/proto/message-codec.js';
import { type ApiObject, restClient, testProtos } from '../helpers/clients.js';
import { capturedLogger, grpcCallWithMetadata, parseMetrics } from '../helpers/observe.js';
import { startTestServer, TEST_BACKEND, TEST_PAT, TEST_USER, type TestServer } from '../helpers/server.js';

const APP = 'obs-app';
const MODEL = 'obs-model';
const uai = { user_id: TEST_USER, app_id: APP };

/** GetModel over either transport with extra headers / metadata: the answer and the response's req_id header or trailer. */
async function getModel(
  server: TestServer,
  transport: 'rest' | 'grpc',
  modelId: string,
  extra: Record<string, string>,
): Promise<{ body: Record<string, any>; idHeader: string | undefined; clarifaiHeader: string | undefined; http?: number }> {
  if (transport === 'rest') {
    const res = await fetch(`http://127.0.0.1:${server.httpPort}/v2/users/${TEST_USER}/apps/${APP}/models/${modelId}`, {
      headers: { authorization: `Key ${TEST_PAT}`, ...extra },
    });
    return {
      body: await res.json(),
      idHeader: res.headers.get('x-request-id') ?? undefined,
      clarifaiHeader: res.headers.get('x-clarifai-request-id') ?? undefined,
      http: res.status,
    };
  }
  const r = await grpcCallWithMetadata(server.grpcPort, 'GetModel', { user_app_id: uai, model_id: modelId }, extra);
  return { body: r.body, idHeader: r.trailers.get('x-request-id')[0]?.toString(), clarifaiHeader: r.trailers.get('x-clarifai-request-id')[0]?.toString() };
}

for (const transport of ['rest', 'grpc'] as const) {
  describe(`request ids and request log lines [${transport}]`, () => {
    let server: TestServer;
    const captured = capturedLogger('info');
    before(async () => {
      server = await startTestServer({}, undefined, { log: captured.log });
      const rest = restClient(server.httpPort);
      assert.equal((await rest.call('PostApps', { user_app_id: { user_id: TEST_USER }, apps: [{ id: APP }] })).body.status.code, 10000);
      assert.equal((await rest.call('PostModels', { user_app_id: uai, models: [{ id: MODEL }] })).body.status.code, 10000);
    });
    after(() => server?.close());
    const linesFor = (reqId: string) => captured.lines.filter((l) => l.req_id === reqId);

    it("an incoming x-request-id is the status.req_id, the response header / trailer and the log line's req_id", async () => {
      const id = `trace-${transport}-1`;
      const r = await getModel(server, transport, MODEL, { 'x-request-id': id });
      assert.equal(r.body.status.code, 10000);
      assert.equal(r.body.status.req_id, id);
      assert.equal(r.idHeader, id);
      assert.equal(r.clarifaiHeader, id);
      const lines = linesFor(id);
      assert.equal(lines.length, 1, JSON.stringify(captured.lines));
      const line = lines[0]!;
      assert.equal(line.msg, 'request');
      assert.equal(line.level, 30);
      assert.equal(line.rpc, 'GetModel');
      assert.equal(line.transport, transport);
      assert.equal(line.code, 10000);
      if (transport === 'rest') assert.equal(line.http_status, 200);
      else assert.equal(line.grpc_status, 0);
      assert.equal(line.user, TEST_USER);
      assert.equal(line.app, APP);
      assert.equal(typeof line.ms, 'number');
      assert.ok(line.ms >= 0);
    });

    it("Clarifai's x-clarifai-request-id-prefix makes the req_id <prefix>-<32 hex>", async () => {
      const r = await getModel(server, transport, MODEL, { 'x-clarifai-request-id-prefix': 'sdk-python-11.7.5' });
      assert.match(r.body.status.req_id, /^sdk-python-11\.7\.5-[0-9a-f]{32}$/);
      assert.equal(r.idHeader, r.body.status.req_id);
      assert.equal(linesFor(r.body.status.req_id).length, 1);
    });

    it('an unsafe x-request-id is replaced by a new id (the call still answers)', async () => {
      const r = await getModel(server, transport, MODEL, { 'x-request-id': 'a"b' });
      assert.equal(r.body.status.code, 10000);
      assert.match(r.body.status.req_id, /^[0-9a-f]{32}$/);
      assert.equal(r.idHeader, r.body.status.req_id);
    });

    it('an error answer is logged with its Clarifai code and transport status', async () => {
      const id = `trace-${transport}-missing`;
      const r = await getModel(server, transport, 'no-such-model', { 'x-request-id': id });
      assert.equal(r.body.status.code, 21200);
      assert.equal(r.body.status.req_id, id);
      assert.equal(r.idHeader, id);
      const [line] = linesFor(id);
      assert.equal(line?.code, 21200);
      if (transport === 'rest') assert.equal(line?.http_status, 404);
      else assert.equal(line?.grpc_status, 0);
    });

    it('a path no method answers is logged once, under one RPC label, with the incoming request id', async (t) => {
      if (transport !== 'rest') return t.skip('REST paths');
      const id = 'trace-rest-unknown-path';
      const res = await fetch(`http://127.0.0.1:${server.httpPort}/v2/no/such/path?x=1`, { headers: { 'x-request-id': id } });
      const body = (await res.json()) as Record<string, any>;
      assert.equal(res.status, 404);
      assert.equal(body.status.req_id, id);
      assert.equal(res.headers.get('x-request-id'), id);
      assert.match(body.status.details, /No API method answers GET \/v2\/no\/such\/path\./);
      const lines = linesFor(id);
      assert.equal(lines.length, 1, JSON.stringify(captured.lines.slice(-3)));
      assert.equal(lines[0]?.rpc, '(unknown path)');
      assert.equal(lines[0]?.code, body.status.code);
      assert.equal(lines[0]?.http_status, 404);
    });

    it('a streaming method (not implemented) is logged once with its request id, and its trailer carries the id', async (t) => {
      if (transport !== 'grpc') return t.skip('gRPC streams');
      const id = 'trace-grpc-stream';
      const rpc = testProtos().rpcs.get('GenerateModelOutputs')!;
      const client = new grpc.Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
      const md = new grpc.Metadata();
      md.set('authorization', `Key ${TEST_PAT}`);
      md.set('x-request-id', id);
      const resCodec = messageCodec(rpc.responseType);
      const reqCodec = messageCodec(rpc.requestType);
      const stream = client.makeServerStreamRequest(
        '/clarifai.api.V2/GenerateModelOutputs',
        (o: ApiObject) => reqCodec.encode(o),
        (b: Buffer) => resCodec.decode(b),
        { user_app_id: uai, model_id: MODEL },
        md,
      );
      const messages: ApiObject[] = [];
      stream.on('data', (m: ApiObject) => messages.push(m));
      const status = await new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
      client.close();
      assert.equal(messages.length, 1);
      assert.equal(messages[0]?.status.code, 10040);
      assert.equal(messages[0]?.status.req_id, id);
      assert.equal(status.metadata.get('x-request-id')[0]?.toString(), id);
      const lines = linesFor(id);
      assert.equal(lines.length, 1, JSON.stringify(captured.lines.slice(-3)));
      assert.equal(lines[0]?.rpc, 'GenerateModelOutputs');
      assert.equal(lines[0]?.code, 10040);
    });

    it('a refused token is logged without the token, and without user or app', async () => {
      const id = `trace-${transport}-badkey`;
      const r =
        transport === 'rest'
          ? await fetch(`http://127.0.0.1:${server.httpPort}/v2/users/me/apps`, {
              headers: { authorization: 'Key not-a-real-token-0123456789', 'x-request-id': id },
            }).then((x) => x.json() as Promise<Record<string, any>>)
          : (await grpcCallWithMetadata(server.grpcPort, 'ListApps', {}, { 'x-request-id': id, authorization: 'Key not-a-real-token-0123456789' })).body;
      assert.equal(r.status.req_id, id);
      const [line] = linesFor(id);
      assert.equal(line?.rpc, 'ListApps');
      assert.equal(line?.code, r.status.code);
      assert.equal(line?.user, undefined);
      assert.ok(!captured.text().includes('not-a-real-token'), 'a token must never be logged');
      assert.ok(!captured.text().includes(TEST_PAT), 'a token must never be logged');
    });
  });
}

describe('/metrics after known traffic', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.close());

  it('counts every call by RPC, transport and code, cache hits included, with the latency histogram', async () => {
    const rest = restClient(server.httpPort);
    assert.equal((await rest.call('PostApps', { user_app_id: { user_id: TEST_USER }, apps: [{ id: APP }] })).body.status.code, 10000);
    assert.equal((await rest.call('PostModels', { user_app_id: uai, models: [{ id: MODEL }] })).body.status.code, 10000);
    for (let i = 0; i < 5; i++) assert.equal((await getModel(server, 'rest', MODEL, {})).body.status.code, 10000);
    for (let i = 0; i < 3; i++) assert.equal((await getModel(server, 'grpc', MODEL, {})).body.status.code, 10000);
    for (let i = 0; i < 2; i++) assert.equal((await getModel(server, 'rest', 'missing', {})).body.status.code, 21200);
    // Scanned paths: each one different, all counted under one label.
    for (const path of ['/v2/a', '/v2/b/c', '/wp-admin/x.php']) assert.equal((await fetch(`http://127.0.0.1:${server.httpPort}${path}`)).status, 404);

    const res = await fetch(`http://127.0.0.1:${server.httpPort}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const m = parseMetrics(await res.text());
    assert.equal(m.get('modelkeep_requests_total{rpc="GetModel",transport="rest",code="10000"}'), 5);
    assert.equal(m.get('modelkeep_requests_total{rpc="GetModel",transport="grpc",code="10000"}'), 3);
    assert.equal(m.get('modelkeep_requests_total{rpc="GetModel",transport="rest",code="21200"}'), 2);
    assert.equal(m.get('modelkeep_requests_total{rpc="PostModels",transport="rest",code="10000"}'), 1);
    assert.equal(m.get('modelkeep_requests_total{rpc="(unknown path)",transport="rest",code="11101"}'), 3);
    assert.equal([...m.keys()].filter((k) => k.includes('wp-admin') || k.includes('/v2/')).length, 0, 'no path becomes a label');
    assert.equal(m.get('modelkeep_request_duration_seconds_count{rpc="GetModel",transport="rest",code="10000"}'), 5);
    assert.equal(
      m.get('modelkeep_request_duration_seconds_bucket{le="+Inf",rpc="GetModel",transport="grpc",code="10000"}') ??
        m.get('modelkeep_request_duration_seconds_bucket{rpc="GetModel",transport="grpc",code="10000",le="+Inf"}'),
      3,
    );
    // Every GetModel is one lookup. On SQLite: the first of the 8 successful ones loads (a miss), the
    // other 7 are answered from the cache; the 2 missing-model reads are misses too (failures are not
    // kept). On PostgreSQL the cache also waits for the change listener to confirm this process's own
    // writes, so how many of the first reads hit depends on timing; the total does not.
    const hits = m.get('modelkeep_answer_cache_total{result="hit"}') ?? 0;
    const misses = m.get('modelkeep_answer_cache_total{result="miss"}') ?? 0;
    assert.equal(hits + misses, 10);
    if (TEST_BACKEND === 'sqlite') assert.deepEqual([hits, misses], [7, 3]);
    else assert.ok(misses >= 3);
    // The pool gauges exist on PostgreSQL only (SQLite has one connection and no pool).
    if (TEST_BACKEND === 'postgres') {
      assert.ok((m.get('modelkeep_db_pool_connections{state="idle"}') ?? -1) >= 0);
      assert.ok((m.get('modelkeep_db_pool_connections{state="in_use"}') ?? -1) >= 0);
      assert.equal(m.get('modelkeep_db_pool_connections{state="waiting"}'), 0);
    } else
      assert.equal(
        [...m.keys()].some((k) => k.startsWith('modelkeep_db_pool_connections')),
        false,
      );
    assert.ok((m.get('process_cpu_seconds_total') ?? -1) >= 0, 'Node process metrics');
    assert.ok(m.has('nodejs_eventloop_lag_seconds'));
  });
});

describe('MODELKEEP_METRICS_PORT and --no-metrics', () => {
  it('with a metrics port, /metrics is served there and not on the REST port', async () => {
    const server = await startTestServer({ MODELKEEP_METRICS_PORT: '0' });
    try {
      assert.ok(server.metricsPort && server.metricsPort !== server.httpPort);
      const own = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`);
      assert.equal(own.status, 200);
      assert.match(await own.text(), /# TYPE modelkeep_requests_total counter/);
      assert.equal((await fetch(`http://127.0.0.1:${server.metricsPort}/other`)).status, 404);
      assert.equal((await fetch(`http://127.0.0.1:${server.httpPort}/metrics`)).status, 404);
    } finally {
      await server.close();
    }
  });

  it('with metrics off, there is no /metrics at all', async () => {
    const server = await startTestServer({ MODELKEEP_METRICS: 'false' });
    try {
      assert.equal(server.metrics, undefined);
      const res = await fetch(`http://127.0.0.1:${server.httpPort}/metrics`);
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { status: { code: number } }).status.code, 11101);
    } finally {
      await server.close();
    }
  });
});

describe('debug and trace levels', () => {
  it('debug adds SQL statements with their duration (text only, never the parameters); trace adds answer-cache lookups', async () => {
    const captured = capturedLogger('trace');
    const server = await startTestServer({}, undefined, { log: captured.log });
    try {
      const rest = restClient(server.httpPort);
      const secretApp = 'app-sent-as-a-parameter';
      assert.equal((await rest.call('PostApps', { user_app_id: { user_id: TEST_USER }, apps: [{ id: secretApp }] })).body.status.code, 10000);
      assert.equal((await rest.call('PostModels', { user_app_id: { user_id: TEST_USER, app_id: secretApp }, models: [{ id: 'm1' }] })).body.status.code, 10000);
      const get = () => rest.call('GetModel', { user_app_id: { user_id: TEST_USER, app_id: secretApp }, model_id: 'm1' });
      assert.equal((await get()).body.status.code, 10000);
      assert.equal((await get()).body.status.code, 10000);
      const sql = captured.lines.filter((l) => l.msg === 'sql');
      assert.ok(sql.length > 0);
      assert.ok(sql.every((l) => l.level === 20 && typeof l.sql === 'string' && typeof l.ms === 'number' && l.failed === false));
      assert.ok(
        sql.some((l) => /insert into "apps"/i.test(l.sql)),
        JSON.stringify(sql.map((l) => l.sql).slice(0, 5)),
      );
      assert.ok(
        sql.every((l) => !l.sql.includes(secretApp)),
        'values travel as parameters and are not logged',
      );
      const cache = captured.lines.filter((l) => l.msg === 'answer cache');
      assert.deepEqual(
        cache.map((l) => [l.level, l.hit]),
        TEST_BACKEND === 'sqlite'
          ? [
              [10, false],
              [10, true],
            ]
          : [
              [10, false],
              [10, cache[1]?.hit],
            ],
      );
      assert.match(cache[0]!.key, /^GetModel /);
    } finally {
      await server.close();
    }
  });
});
