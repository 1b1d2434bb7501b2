import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUserWithPat, expectApi, grpcCall } from '../helpers/access.js';
import { describeBoth, uid } from '../helpers/both.js';
import { type ApiClient, grpcClient, restClient } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Issue 18 item 1: one anonymous request with a "__proto__" query key used to pollute Object.prototype,
// so every later answer of every user carried its value. These suites send every kind of prototype key
// through every decoder, then check that another user's answers are unchanged on both transports.

const polluted = (): string[] => ['status', 'x', 'apps', 'code'].filter((k) => k in ({} as object));

/** Another user's view, read over REST and gRPC: must be the same before and after each attack. */
async function canary(server: TestServer, token: string, app: string): Promise<unknown> {
  const rest = await restClient(server.httpPort).call('GetApp', { user_app_id: { user_id: 'me', app_id: app } }, token);
  assert.equal(rest.http, 200);
  assert.equal(rest.body.status.code, 10000);
  const grpc = await grpcCall(server.grpcPort, 'GetApp', { user_app_id: { user_id: 'me', app_id: app } }, `Key ${token}`);
  assert.equal(grpc.status.code, 10000);
  assert.deepEqual(polluted(), [], 'Object.prototype gained keys');
  return { rest: rest.body.app, grpc: grpc.app };
}

describe('prototype keys in query strings (REST, anonymous and authenticated)', () => {
  let server: TestServer;
  let token: string;
  let baseline: unknown;
  const app = uid('canary');
  before(async () => {
    server = await startTestServer();
    token = await addUserWithPat(server, 'canary-user');
    const made = await restClient(server.httpPort).call('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: app }] }, token);
    assert.equal(made.body.status.code, 10000);
    baseline = await canary(server, token, app);
  });
  after(() => server.close());

  const queries = [
    '__proto__.status=x',
    '__proto__[status]=x',
    'constructor.prototype.status=x',
    'user_app_id.__proto__.status=x',
    '__proto__=x',
    'per_page=5&prototype.code=1',
  ];
  for (const q of queries) {
    for (const auth of ['none', 'key'] as const) {
      it(`GET /v2/users/me/apps?${q} (${auth === 'none' ? 'no key' : 'with a key'}) is refused and changes no other answer`, async () => {
        const headers: Record<string, string> = auth === 'none' ? { authorization: '' } : {};
        const r = await restClient(server.httpPort).raw('GET', `/v2/users/me/apps?${q}`, undefined, headers);
        assert.ok(r.http >= 400 && r.http < 500, `HTTP ${r.http}`);
        assert.equal(typeof r.body.status, 'object');
        assert.notEqual(r.body.status.code, 10000);
        if (auth === 'key' && !q.includes('[')) {
          assert.equal(r.body.status.code, 11100);
          assert.match(r.body.status.details, /not allowed as a key/);
        }
        assert.deepEqual(await canary(server, token, app), baseline);
      });
    }
  }
});

describeBoth('prototype keys in bodies and metadata (both transports)', (h) => {
  const api = expectApi(h);
  const app = uid('proto');
  const uai = { user_id: 'me', app_id: app };
  let other: ApiClient;
  let otherToken: string;
  let baseline: unknown;

  before(async () => {
    await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: app }] });
    await api.ok('PostModels', { user_app_id: uai, model: { id: 'm', metadata: { keep: 1 } } });
    otherToken = await addUserWithPat(h.server, uid('other'));
    other = h.api.transport === 'rest' ? restClient(h.server.httpPort) : grpcClient(h.server.grpcPort);
    assert.equal((await other.call('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: 'theirs' }] }, otherToken)).body.status.code, 10000);
    baseline = await canary(h.server, otherToken, 'theirs');
  });
  after(() => other?.close());

  // JSON.parse makes "__proto__" an own key, as a client's JSON would be on the wire.
  const attacks: Array<[string, string, string]> = [
    ['PostModels', `{"user_app_id":${JSON.stringify(uai)},"model":{"id":"m2","metadata":{"__proto__":{"status":"x"}}}}`, 'model.metadata.__proto__'],
    [
      'PostModels',
      `{"user_app_id":${JSON.stringify(uai)},"model":{"id":"m3","metadata":{"a":{"constructor":{"prototype":{"status":"x"}}}}}}`,
      'model.metadata.a.constructor',
    ],
    [
      'PatchModels',
      `{"user_app_id":${JSON.stringify(uai)},"action":"merge","models":[{"id":"m","metadata":{"b":[{"__proto__":{"code":1}}]}}]}`,
      'models[0].metadata.b[0].__proto__',
    ],
    [
      'PatchModels',
      `{"user_app_id":${JSON.stringify(uai)},"action":"overwrite","models":[{"id":"m","metadata":{"prototype":1}}]}`,
      'models[0].metadata.prototype',
    ],
  ];
  for (const [rpc, json, path] of attacks) {
    it(`${rpc} with ${path}: 11100 naming the key; nothing written; other users' answers unchanged`, async () => {
      const s = await api.fails(rpc, JSON.parse(json), 11100, 400);
      assert.ok(s.details?.includes(path), `details name ${path}: ${s.details}`);
      assert.match(s.details ?? '', /not allowed as a key/);
      const models = (await api.ok('ListModels', { user_app_id: uai })).models;
      assert.deepEqual(
        models.map((m: { id: string; metadata: unknown }) => [m.id, m.metadata]),
        [['m', { keep: 1 }]],
      );
      assert.deepEqual(await canary(h.server, otherToken, 'theirs'), baseline);
    });
  }

  it('look-alike keys are ordinary data and read back as sent', async () => {
    const metadata = { proto: 1, __proto: 2, Constructor: 'c', prototypes: ['p'] };
    await api.ok('PatchModels', { user_app_id: uai, action: 'merge', models: [{ id: 'm', metadata }] });
    const got = (await api.ok('GetModel', { user_app_id: uai, model_id: 'm' })).model;
    assert.deepEqual(got.metadata, { keep: 1, ...metadata });
  });
});
