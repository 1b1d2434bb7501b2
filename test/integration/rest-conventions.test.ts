import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { uid } from '../helpers/both.js';
import { type ApiObject, type CallResult, restClient } from '../helpers/clients.js';
import { assertConforms } from '../helpers/conformance.js';
import { startTestServer, TEST_PAT, TEST_USER, type TestServer } from '../helpers/server.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
/** Fields whose contents are the user's own JSON, not API field names. */
const USER_JSON = new Set(['metadata', 'presets']);

/** Every key of the response is snake_case; timestamps are RFC 3339; enums (code, gettable) are numbers. */
function assertClarifaiJson(v: unknown, path = ''): void {
  if (Array.isArray(v)) return v.forEach((x, i) => assertClarifaiJson(x, `${path}[${i}]`));
  if (v === null || typeof v !== 'object') return;
  for (const [k, x] of Object.entries(v)) {
    const p = path ? `${path}.${k}` : k;
    assert.match(k, /^[a-z][a-z0-9_]*$/, `${p}: field names are snake_case`);
    if (k.endsWith('_at')) assert.match(String(x), RFC3339, `${p}: RFC 3339 timestamp`);
    if (k === 'code' || k === 'gettable') assert.equal(typeof x, 'number', `${p}: enums are numbers`);
    if (!USER_JSON.has(k)) assertClarifaiJson(x, p);
  }
}

describe('REST conventions', () => {
  let server: TestServer;
  let rest: ReturnType<typeof restClient>;
  const app = uid('conv');
  const base = `/v2/users/me/apps/${app}`;

  /** A raw REST call whose answer must conform to `rpc`'s response and to Clarifai's JSON conventions. */
  const call = async (rpc: string, method: string, path: string, body?: string | ApiObject, headers?: Record<string, string>): Promise<CallResult> => {
    const r = await rest.raw(method, path, body, headers);
    assertConforms(rpc, r.body);
    assertClarifaiJson(r.body);
    return r;
  };
  const ok = async (rpc: string, method: string, path: string, body?: string | ApiObject, headers?: Record<string, string>): Promise<ApiObject> => {
    const r = await call(rpc, method, path, body, headers);
    assert.equal(r.body.status.code, 10000, JSON.stringify(r.body.status));
    assert.equal(r.http, 200);
    return r.body;
  };
  const ids = (body: ApiObject): string[] => (body.models as ApiObject[]).map((m) => m.id as string).sort();

  before(async () => {
    server = await startTestServer();
    rest = restClient(server.httpPort);
    await ok('PostApps', 'POST', '/v2/users/me/apps', { apps: [{ id: app }] });
    await ok('PostModels', 'POST', `${base}/models`, { model: { id: 'plain' } });
    // A non-trainable type's version is ready (21100) at once: a "trained" model for trained_only.
    await ok('PostModels', 'POST', `${base}/models`, { model: { id: 'ready', model_type_id: 'concept-thresholder' } });
    const v = await ok('PostModelVersions', 'POST', `${base}/models/ready/versions`, {
      model_versions: [{ output_info: { data: { concepts: [{ id: 'c' }] } } }],
    });
    assert.equal(v.model.model_version.status.code, 21100);
  });
  after(async () => server?.close());

  it('GET /healthz -> 200', async () => {
    const res = await fetch(`http://127.0.0.1:${server.httpPort}/healthz`);
    assert.equal(res.status, 200);
  });

  it('an unknown path -> 11101 (HTTP 404) with a JSON body', async () => {
    for (const [method, path] of [
      ['GET', '/v2/no/such/thing'],
      ['GET', '/nothing'],
      ['PUT', `${base}/models`],
      ['POST', '/v2/users/me/apps/x/models/y/z/w'],
    ] as const) {
      const res = await fetch(`http://127.0.0.1:${server.httpPort}${path}`, { method, headers: { authorization: 'Key x' } });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      const body = (await res.json()) as ApiObject;
      assert.equal(body.status.code, 11101);
      assert.equal(body.status.description, 'Resource does not exist');
      assert.match(body.status.req_id, /^[0-9a-f]{32}$/);
      assert.ok(body.status.details.includes(path.split('?')[0]!), body.status.details);
    }
  });

  it('trailing slashes (and doubled slashes) are accepted', async () => {
    assert.deepEqual(ids(await ok('ListModels', 'GET', `${base}/models/`)), ['plain', 'ready']);
    const got = await ok('GetModel', 'GET', `${base}/models/plain/`);
    assert.equal(got.model.id, 'plain');
    const made = await ok('PostModels', 'POST', `${base}/models/`, { model: { id: 'slashed' } });
    assert.equal(made.model.id, 'slashed');
    assert.equal((await ok('GetModel', 'GET', `/v2//users/me/apps/${app}/models/slashed`)).model.id, 'slashed');
    await ok('DeleteModel', 'DELETE', `${base}/models/slashed/`);
  });

  it('enums are accepted by name and by number, and always answered as numbers', async (t) => {
    // Later tests list the app's models: leave none behind even when this one fails.
    t.after(() => rest.raw('DELETE', `${base}/models`, { ids: ['enum-name', 'enum-num'] }));
    const byName = await ok('PostModels', 'POST', `${base}/models`, { model: { id: 'enum-name', visibility: { gettable: 'PUBLIC' } } });
    assert.equal(byName.model.visibility.gettable, 50);
    const byNumber = await ok('PostModels', 'POST', `${base}/models`, { model: { id: 'enum-num', visibility: { gettable: 50 } } });
    assert.equal(byNumber.model.visibility.gettable, 50);
    const byNumericString = await ok('PatchModels', 'PATCH', `${base}/models`, {
      action: 'merge',
      models: [{ id: 'enum-num', visibility: { gettable: '10' } }],
    });
    assert.equal(byNumericString.models[0].visibility.gettable, 10);
    assert.equal((await ok('GetModel', 'GET', `${base}/models/enum-name`)).model.visibility.gettable, 50);
  });

  it('camelCase field names are accepted (body and query), answers are snake_case', async () => {
    const made = await ok('PostModels', 'POST', '/v2/models', {
      userAppId: { userId: 'me', appId: app },
      model: { id: 'camel', modelTypeId: 'visual-classifier', displayName: 'Camel Case' },
    });
    assert.equal(made.model.model_type_id, 'visual-classifier');
    assert.equal(made.model.name, 'Camel Case');
    assert.equal(made.model.app_id, app);
    assert.equal(made.model.modelTypeId, undefined);
    const listed = await ok('ListModels', 'GET', `${base}/models?modelTypeId=visual-classifier&perPage=5`);
    assert.deepEqual(ids(listed), ['camel']);
    await ok('DeleteModel', 'DELETE', `${base}/models/camel`);
  });

  it('booleans in the query accept True/true/1 and False/false/0', async () => {
    for (const t of ['True', 'true', '1']) assert.deepEqual(ids(await ok('ListModels', 'GET', `${base}/models?trained_only=${t}`)), ['ready'], t);
    for (const f of ['False', 'false', '0']) assert.deepEqual(ids(await ok('ListModels', 'GET', `${base}/models?trained_only=${f}`)), ['plain', 'ready'], f);
    const asc = await ok('ListModels', 'GET', `${base}/models?sort_by_name=True&sort_ascending=True`);
    assert.deepEqual(
      asc.models.map((m: ApiObject) => m.id),
      ['plain', 'ready'],
    );
    const desc = await ok('ListModels', 'GET', `${base}/models?sort_by_name=True&sort_ascending=False`);
    assert.deepEqual(
      desc.models.map((m: ApiObject) => m.id),
      ['ready', 'plain'],
    );
  });

  it('query parameters nest with dots (user_app_id.app_id on a short path with a PAT)', async () => {
    const got = await ok('GetModel', 'GET', `/v2/models/plain?user_app_id.app_id=${app}`);
    assert.equal(got.model.app_id, app);
    assert.equal(got.model.user_id, TEST_USER);
    const both = await ok('GetModel', 'GET', `/v2/models/plain?user_app_id.user_id=me&user_app_id.app_id=${app}`);
    assert.equal(both.model.id, 'plain');
    assert.deepEqual(ids(await ok('ListModels', 'GET', `/v2/models?user_app_id.app_id=${app}&trained_only=True`)), ['ready']);
    // Without it, the short path has no app for a PAT.
    const missing = await call('GetModel', 'GET', '/v2/models/plain');
    assert.equal(missing.body.status.code, 11102);
    assert.equal(missing.http, 401);
    // Repeated keys are repeated fields.
    const multi = await ok('ListModels', 'GET', `${base}/models?input_fields=image&input_fields=text`);
    assert.ok(Array.isArray(multi.models));
  });

  it('bodies are JSON whatever the content type (curl -d sends form-urlencoded)', async () => {
    const made = await ok('PostModels', 'POST', `${base}/models`, JSON.stringify({ model: { id: 'curl-d' } }), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(made.model.id, 'curl-d');
    const text = await ok('PostModels', 'POST', `${base}/models`, JSON.stringify({ model: { id: 'text-ct' } }), { 'content-type': 'text/plain' });
    assert.equal(text.model.id, 'text-ct');
    // No Content-Type header at all (fetch always sends one, so plain node:http).
    const body = JSON.stringify({ model: { id: 'no-ct' } });
    const none = await new Promise<{ status: number; json: ApiObject }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.httpPort,
          method: 'POST',
          path: `${base}/models`,
          headers: { authorization: `Key ${TEST_PAT}`, 'content-length': String(Buffer.byteLength(body)) },
        },
        (res) => {
          let d = '';
          res.on('data', (c: Buffer) => (d += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(d) as ApiObject }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(none.status, 200, JSON.stringify(none.json));
    assert.equal(none.json.model.id, 'no-ct');
  });

  it('DELETE with a JSON body works (DeleteModels with ids)', async () => {
    assert.ok(ids(await ok('ListModels', 'GET', `${base}/models`)).includes('curl-d'));
    await ok('DeleteModels', 'DELETE', `${base}/models`, { ids: ['curl-d', 'text-ct', 'no-ct'] });
    assert.deepEqual(ids(await ok('ListModels', 'GET', `${base}/models`)), ['plain', 'ready']);
    const missing = await call('DeleteModels', 'DELETE', `${base}/models`, { ids: ['never-was'] });
    assert.equal(missing.body.status.code, 21200);
    assert.equal(missing.http, 404);
  });

  it('responses: snake_case, enums as numbers, RFC 3339 timestamps, 32-hex req_id, Clarifai descriptions', async () => {
    const body = await ok('GetModel', 'GET', `${base}/models/ready`);
    assert.deepEqual(Object.keys(body)[0], 'status');
    assert.deepEqual(body.status.description, 'Ok');
    assert.match(body.status.req_id, /^[0-9a-f]{32}$/);
    const v = body.model.model_version;
    assert.match(v.id, /^[0-9a-f]{32}$/);
    assert.equal(v.status.code, 21100);
    assert.match(body.model.created_at, RFC3339);
    assert.match(v.created_at, RFC3339);
    assert.deepEqual(body.model.toolkits, []);
    // Two calls never share a req_id.
    const again = await ok('GetModel', 'GET', `${base}/models/ready`);
    assert.notEqual(again.status.req_id, body.status.req_id);
  });

  it('error bodies carry the response\'s list fields ("models": [] on a failed ListModels)', async () => {
    const cases: Array<[string, string, number, number]> = [
      [`${base}/models?per_page=5000`, 'models', 21203, 400],
      ['/v2/users/me/apps/no-such-app/models', 'models', 11101, 404],
      [`${base}/models?bogus=1`, 'models', 11100, 400],
    ];
    for (const [path, list, code, http] of cases) {
      const r = await call('ListModels', 'GET', path);
      assert.equal(r.body.status.code, code, path);
      assert.equal(r.http, http, path);
      assert.deepEqual(r.body[list], [], path);
    }
    const unauth = await call('ListModels', 'GET', `${base}/models`, undefined, { authorization: '' });
    assert.equal(unauth.http, 401);
    assert.deepEqual(unauth.body.models, []);
    const versions = await call('ListModelVersions', 'GET', `${base}/models/missing/versions`);
    assert.equal(versions.body.status.code, 21200);
    assert.deepEqual(versions.body.model_versions, []);
  });

  it('HTTP status per API-DECISIONS row 2', async () => {
    const expectHttp = async (
      rpc: string,
      method: string,
      path: string,
      body: ApiObject | string | undefined,
      code: number,
      http: number,
      headers?: Record<string, string>,
    ) => {
      const r = await call(rpc, method, path, body, headers);
      assert.equal(r.body.status.code, code, `${method} ${path}: ${JSON.stringify(r.body.status)}`);
      assert.equal(r.http, http, `${method} ${path}: HTTP for ${code}`);
    };
    await expectHttp('GetModel', 'GET', `${base}/models/plain`, undefined, 10000, 200);
    await expectHttp('PostModels', 'POST', `${base}/models`, '{', 11100, 400);
    await expectHttp('PostModels', 'POST', `${base}/models`, { model: { id: 'bad id' } }, 21202, 400);
    await expectHttp('PostModels', 'POST', `${base}/models`, {}, 21203, 400);
    await expectHttp('GetModel', 'GET', `${base}/models/plain`, undefined, 11102, 401, { authorization: '' });
    await expectHttp('GetModel', 'GET', `${base}/models/plain`, undefined, 11008, 401, { authorization: 'Key unknown-token-0000' });
    await expectHttp('GetModel', 'GET', `/v2/users/${TEST_USER}/apps/nope/models/plain`, undefined, 11101, 404);
    await expectHttp('GetModel', 'GET', `${base}/models/absent`, undefined, 21200, 404);
    await expectHttp('PostModels', 'POST', `${base}/models`, { model: { id: 'plain' } }, 40010, 409);
    await expectHttp('ListModules', 'GET', `${base}/modules`, undefined, 10040, 501);
  });
});
