import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { float32Shortest } from '../../src/proto/float32-decimal.js';
import { uid } from '../helpers/both.js';
import { type ApiClient, type ApiObject, grpcClient } from '../helpers/clients.js';
import { startTestServer, TEST_PAT, type TestServer } from '../helpers/server.js';

const SYSTEM = { user_id: 'clarifai', app_id: 'main' };
const texts = ['a cat on a mat', 'the match ended with a late goal', 'garlic pasta in the oven'];

/**
 * ADR 0047: over REST a proto `float` is printed in float32's shortest form (as Clarifai's REST and
 * the proto3 JSON mapping print it), and the number a client parses is the float32 gRPC carries.
 * One server, both transports, the same request: the values must agree bit for bit.
 */
describe('REST prints proto floats as float32 (same values as gRPC)', () => {
  let server: TestServer;
  let grpc: ApiClient;
  const rest = async (method: string, path: string, body: ApiObject): Promise<string> => {
    const res = await fetch(`http://127.0.0.1:${server.httpPort}${path}`, {
      method,
      headers: { authorization: `Key ${TEST_PAT}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return text;
  };
  before(async () => {
    server = await startTestServer();
    grpc = grpcClient(server.grpcPort);
  });
  after(async () => {
    grpc?.close();
    await server?.close();
  });

  it('PostModelOutputs embeddings: every REST number is the shortest float32 decimal of the gRPC value', async () => {
    const inputs = texts.map((raw, i) => ({ id: `t${i}`, data: { text: { raw } } }));
    const text = await rest('POST', '/v2/users/clarifai/apps/main/models/general-text-embedding/outputs', { inputs });
    const viaGrpc = await grpc.call('PostModelOutputs', { user_app_id: SYSTEM, model_id: 'general-text-embedding', inputs });
    assert.equal(viaGrpc.body.status.code, 10000);
    const viaRest = JSON.parse(text);
    assert.equal(viaRest.outputs.length, texts.length);
    let printed = 0;
    for (const [o, out] of viaRest.outputs.entries()) {
      const restVector: number[] = out.data.embeddings[0].vector;
      const grpcVector: number[] = viaGrpc.body.outputs[o].data.embeddings[0].vector;
      assert.equal(restVector.length, grpcVector.length);
      for (const [i, g] of grpcVector.entries()) {
        const r = restVector[i]!;
        assert.ok(Object.is(Math.fround(r), g), `output ${o} [${i}]: REST ${r} is not the float32 ${g}`);
        assert.equal(String(r), String(float32Shortest(g)), `output ${o} [${i}] is printed in float32's shortest form`);
        printed++;
      }
    }
    assert.ok(printed >= 3 * 2048);
    // No number in the answer has float64's 16–17 digits any more (floats only: ids and timestamps are strings).
    assert.doesNotMatch(text, /[-:,[]\s*-?\d\.\d{10,}/, 'a float printed with float64 digits');
  });

  it('an echoed float (geo_point) is printed as its float32; a Struct number (metadata) keeps its float64 digits', async () => {
    const appId = uid('f32');
    assert.equal((await grpc.call('PostApps', { user_app_id: { user_id: 'tester' }, apps: [{ id: appId }] })).body.status.code, 10000);
    const third = 1 / 3;
    const input = { id: 'geo', data: { text: { raw: 'a place' }, geo: { geo_point: { longitude: third, latitude: -third } }, metadata: { share: third } } };
    const text = await rest('POST', `/v2/users/tester/apps/${appId}/inputs`, { inputs: [input] });
    assert.match(text, /"longitude":0\.33333334,"latitude":-0\.33333334[,}]/);
    assert.match(text, /"share":0\.3333333333333333[,}]/, 'Struct values are JSON doubles, not proto floats');
    const got = await grpc.call('GetInput', { user_app_id: { user_id: 'tester', app_id: appId }, input_id: 'geo' });
    assert.equal(got.body.input.data.geo.geo_point.longitude, Math.fround(third));
    assert.equal(Math.fround(JSON.parse(text).inputs[0].data.geo.geo_point.longitude), Math.fround(third));
  });
});
