import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { expectApi, grpcCall } from '../helpers/access.js';
import { describeBoth, uid } from '../helpers/both.js';
import { type ApiObject, type CallResult, grpcClient, restClient } from '../helpers/clients.js';
import { assertConforms } from '../helpers/conformance.js';
import { startTestServer, TEST_PAT, type TestServer } from '../helpers/server.js';

const me = { user_id: 'me' };
const BAD_IDS = ['a b', '-x', '_x', 'é', 'a/b', 'a.b', 'x'.repeat(129)];

/** Failures that both transports can express: a clear status, and the database as it was. */
describeBoth('bad input (both transports)', (h) => {
  const api = expectApi(h);
  const app = uid('bad');
  const uai = { user_id: 'me', app_id: app };
  const modelIds = async (): Promise<string[]> => ((await api.ok('ListModels', { user_app_id: uai })).models ?? []).map((m: ApiObject) => m.id).sort();

  before(async () => {
    await api.ok('PostApps', { user_app_id: me, apps: [{ id: app }] });
    await api.ok('PostModels', { user_app_id: uai, model: { id: 'keeper', notes: 'original notes' } });
  });

  it('ids with bad characters or over 128 chars -> 21202 (HTTP 400) naming the id; nothing written', async () => {
    for (const id of BAD_IDS) {
      const s = await api.fails('PostModels', { user_app_id: uai, model: { id } }, 21202, 400);
      assert.match(s.details ?? '', /model\.id/, `details for ${JSON.stringify(id)}`);
      assert.match(s.details ?? '', /1-128 characters/);
      assert.equal(s.description, 'Invalid model argument');
    }
    const rename = await api.fails('PatchModelIds', { user_app_id: uai, action: 'overwrite', ids: [{ id: 'keeper', new_id: 'bad id' }] }, 21202, 400);
    assert.match(rename.details ?? '', /new_id/);
    for (const id of BAD_IDS) await api.fails('PostApps', { user_app_id: me, apps: [{ id }] }, 21202, 400);
    assert.deepEqual(await modelIds(), ['keeper']);
    const apps = ((await api.ok('ListApps', { user_app_id: me })).apps as ApiObject[]).map((a) => a.id);
    assert.deepEqual(apps, [app]);
  });

  it('an id of exactly 128 allowed characters is accepted', async () => {
    const id = `Z9_-${'a'.repeat(124)}`;
    const made = await api.ok('PostModels', { user_app_id: uai, model: { id } });
    assert.equal(made.model.id, id);
    await api.ok('DeleteModel', { user_app_id: uai, model_id: id });
  });

  it('per_page over 1000 -> a 400-class status with details; 1000 itself is fine', async () => {
    const list = await api.fails('ListModels', { user_app_id: uai, per_page: 1001 }, 21203, 400);
    assert.match(list.details ?? '', /per_page 1001 .*1000/);
    const apps = await api.fails('ListApps', { user_app_id: me, per_page: 5000 }, 11100, 400);
    assert.match(apps.details ?? '', /per_page/);
    await api.fails('ListKeys', { user_app_id: me, per_page: 1001 }, 11100, 400);
    const versions = await api.call('ListModelVersions', { user_app_id: uai, model_id: 'keeper', per_page: 1001 });
    assert.notEqual(versions.body.status.code, 10000);
    assert.match(versions.body.status.details, /per_page/);
    if (h.api.transport === 'rest') assert.equal(versions.http, 400);
    const search = await api.fails('PostModelsSearches', { user_app_id: uai, pagination: { page: 1, per_page: 1001 } }, 21203, 400);
    assert.match(search.details ?? '', /per_page/);
    assert.deepEqual(await modelIds(), ['keeper']);
    assert.equal((await api.ok('ListModels', { user_app_id: uai, per_page: 1000 })).models.length, 1);
  });

  it('notes over 64 KB -> 21202 (HTTP 400); nothing written, on create and on patch', async () => {
    const s = await api.fails('PostModels', { user_app_id: uai, model: { id: 'wordy', notes: 'x'.repeat(64 * 1024 + 1) } }, 21202, 400);
    assert.match(s.details ?? '', /notes is 65537 bytes; the limit is 65536/);
    // The limit is in bytes: 32769 two-byte characters are over it.
    await api.fails('PostModels', { user_app_id: uai, model: { id: 'wordy', notes: 'é'.repeat(32 * 1024 + 1) } }, 21202, 400);
    await api.fails(
      'PatchModels',
      { user_app_id: uai, action: 'merge', models: [{ id: 'keeper', notes: 'y'.repeat(70_000), description: 'changed' }] },
      21202,
      400,
    );
    assert.deepEqual(await modelIds(), ['keeper']);
    const kept = await api.ok('GetModel', { user_app_id: uai, model_id: 'keeper' });
    assert.equal(kept.model.notes, 'original notes');
    assert.equal(kept.model.description, undefined);
    // Exactly 64 KB is allowed.
    const ok = await api.ok('PostModels', { user_app_id: uai, model: { id: 'full', notes: 'n'.repeat(64 * 1024) } });
    assert.equal(ok.model.notes.length, 64 * 1024);
    await api.ok('DeleteModel', { user_app_id: uai, model_id: 'full' });
  });

  it('a failed batch leaves the database as it was (PatchModels, DeleteModels)', async () => {
    await api.fails(
      'PatchModels',
      {
        user_app_id: uai,
        action: 'merge',
        models: [
          { id: 'keeper', description: 'first half' },
          { id: 'missing-model', description: 'x' },
        ],
      },
      21200,
      404,
    );
    assert.equal((await api.ok('GetModel', { user_app_id: uai, model_id: 'keeper' })).model.description, undefined);
    await api.fails('DeleteModels', { user_app_id: uai, ids: ['keeper', 'missing-model'] }, 21200, 404);
    assert.deepEqual(await modelIds(), ['keeper']);
  });
});

describe('bad input (gRPC bytes)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.close());

  it('undecodable request bytes -> in-band 11100 naming the message (call resolves); nothing written', async () => {
    const g = grpcClient(server.grpcPort);
    try {
      const app = uid('bytes');
      assert.equal((await g.call('PostApps', { user_app_id: me, apps: [{ id: app }] })).body.status.code, 10000);
      // Field 1 (user_app_id) claims 5 bytes but only 1 follows.
      const res = await grpcCall(server.grpcPort, 'PostModels', Buffer.from([0x0a, 0x05, 0x01]), `Key ${TEST_PAT}`);
      assert.equal(res.status.code, 11100);
      assert.equal(res.status.description, 'Bad request format');
      assert.match(res.status.details, /PostModelsRequest message could not be decoded/);
      assert.match(res.status.req_id, /^[0-9a-f]{32}$/);
      const list = await g.call('ListModels', { user_app_id: { user_id: 'me', app_id: app } });
      assert.equal(list.body.status.code, 10000);
      assert.deepEqual(list.body.models ?? [], []);
    } finally {
      g.close();
    }
  });
});

/** JSON-level failures: only REST can send them. */
describe('bad input (REST JSON)', () => {
  let server: TestServer;
  let rest: ReturnType<typeof restClient>;
  const app = uid('json');
  const base = `/v2/users/me/apps/${app}`;

  const expectFail = async (rpc: string, r: CallResult, code: number, http: number): Promise<string> => {
    assert.equal(r.body.status?.code, code, JSON.stringify(r.body));
    assert.equal(r.http, http);
    assertConforms(rpc, r.body);
    assert.ok(r.body.status.details, 'details say what is wrong');
    return r.body.status.details as string;
  };
  const modelIds = async (): Promise<string[]> => {
    const r = await rest.raw('GET', `${base}/models`);
    assert.equal(r.body.status.code, 10000);
    return (r.body.models as ApiObject[]).map((m) => m.id).sort();
  };

  before(async () => {
    server = await startTestServer();
    rest = restClient(server.httpPort);
    assert.equal((await rest.raw('POST', '/v2/users/me/apps', { apps: [{ id: app }] })).http, 200);
    assert.equal((await rest.raw('POST', `${base}/models`, { model: { id: 'keeper', metadata: { a: 1 } } })).http, 200);
  });
  after(async () => server?.close());

  it('broken JSON -> 11100 (HTTP 400) with details; list fields still present; nothing written', async () => {
    for (const body of ['{"model": {"id": "half"', '{model: {id: "x"}}', '{"model": {"id": "x"}} trailing']) {
      const d = await expectFail('PostModels', await rest.raw('POST', `${base}/models`, body), 11100, 400);
      assert.match(d, /not valid JSON/);
    }
    const search = await rest.raw('POST', `${base}/models/searches`, '{"model_query": ');
    await expectFail('PostModelsSearches', search, 11100, 400);
    assert.deepEqual(search.body.models, []);
    const keys = await rest.raw('POST', '/v2/users/me/keys', '{"keys": [');
    await expectFail('PostKeys', keys, 11100, 400);
    assert.deepEqual(keys.body.keys, []);
    assert.deepEqual(await modelIds(), ['keeper']);
  });

  it('a body that is JSON but not an object -> 11100', async () => {
    for (const body of ['[]', '"model"', '42', 'null']) {
      const r = await rest.raw('POST', `${base}/models`, body);
      if (body === 'null') {
        // JSON null is "no body": the request is then missing its model.
        await expectFail('PostModels', r, 21203, 400);
        continue;
      }
      const d = await expectFail('PostModels', r, 11100, 400);
      assert.match(d, /expected an object/);
    }
    assert.deepEqual(await modelIds(), ['keeper']);
  });

  it('unknown fields -> 11100 (HTTP 400) with the field path; nothing written', async () => {
    const top = await expectFail('PostModels', await rest.raw('POST', `${base}/models`, { model: { id: 'u1' }, modle: {} }), 11100, 400);
    assert.match(top, /^modle: unknown field "modle"/);
    const nested = await expectFail('PostModels', await rest.raw('POST', `${base}/models`, { model: { id: 'u2', descripton: 'typo' } }), 11100, 400);
    assert.match(nested, /^model\.descripton: unknown field/);
    const inList = await expectFail(
      'PatchModels',
      await rest.raw('PATCH', `${base}/models`, { action: 'merge', models: [{ id: 'keeper', visibility: { gettable: 50, settable: 1 } }] }),
      11100,
      400,
    );
    assert.match(inList, /^models\[0\]\.visibility\.settable: unknown field/);
    const query = await expectFail('ListModels', await rest.raw('GET', `${base}/models?per_pag=10`), 11100, 400);
    assert.match(query, /^per_pag: unknown field/);
    const keys = await expectFail(
      'PostKeys',
      await rest.raw('POST', '/v2/users/me/keys', { keys: [{ description: 'k', scopes: ['All'], apps: [{ id: app }], secret: 'x' }] }),
      11100,
      400,
    );
    assert.match(keys, /^keys\[0\]\.secret: unknown field/);
    assert.deepEqual(await modelIds(), ['keeper']);
    const list = await rest.raw('GET', '/v2/users/me/keys');
    assert.ok(!(list.body.keys as ApiObject[]).some((k) => k.description === 'k'));
    const got = await rest.raw('GET', `${base}/models/keeper`);
    assert.equal(got.body.model.visibility.gettable, 10);
  });

  it('wrong types -> 11100 (HTTP 400) naming the path; nothing written', async () => {
    const perPage = await expectFail('ListModels', await rest.raw('GET', `${base}/models?per_page=ten`), 11100, 400);
    assert.match(perPage, /^per_page: expected an integer, got "ten"/);
    const searchPage = await expectFail(
      'PostModelsSearches',
      await rest.raw('POST', `${base}/models/searches`, { pagination: { per_page: 'ten' } }),
      11100,
      400,
    );
    assert.match(searchPage, /^pagination\.per_page: expected an integer/);
    const id = await expectFail('PostModels', await rest.raw('POST', `${base}/models`, { model: { id: 12345 } }), 11100, 400);
    assert.match(id, /^model\.id: expected a string, got number/);
    const meta = await expectFail('PostModels', await rest.raw('POST', `${base}/models`, { model: { id: 'typed', metadata: ['a'] } }), 11100, 400);
    assert.match(meta, /^model\.metadata: expected a JSON object, got array/);
    const list = await expectFail('PatchModels', await rest.raw('PATCH', `${base}/models`, { action: 'merge', models: { id: 'keeper' } }), 11100, 400);
    assert.match(list, /^models: expected an array, got object/);
    const bool = await expectFail('ListModels', await rest.raw('GET', `${base}/models?trained_only=maybe`), 11100, 400);
    assert.match(bool, /^trained_only: expected true or false/);
    const en = await expectFail(
      'PostModels',
      await rest.raw('POST', `${base}/models`, { model: { id: 'typed', visibility: { gettable: 'SECRET' } } }),
      11100,
      400,
    );
    assert.match(en, /^model\.visibility\.gettable: "SECRET" is not a value/);
    assert.deepEqual(await modelIds(), ['keeper']);
  });

  it('metadata that is not an object -> 11100 (HTTP 400), on create and on patch; nothing written', async () => {
    for (const metadata of ['text', 7, true, [1, 2]]) {
      const d = await expectFail('PostModels', await rest.raw('POST', `${base}/models`, { model: { id: 'meta', metadata } }), 11100, 400);
      assert.match(d, /model\.metadata: expected a JSON object/);
      const p = await expectFail(
        'PatchModels',
        await rest.raw('PATCH', `${base}/models`, { action: 'overwrite', models: [{ id: 'keeper', metadata }] }),
        11100,
        400,
      );
      assert.match(p, /models\[0\]\.metadata: expected a JSON object/);
    }
    const app2 = await expectFail('PostApps', await rest.raw('POST', '/v2/users/me/apps', { apps: [{ id: 'meta-app', metadata: 'x' }] }), 11100, 400);
    assert.match(app2, /apps\[0\]\.metadata/);
    assert.deepEqual(await modelIds(), ['keeper']);
    assert.deepEqual((await rest.raw('GET', `${base}/models/keeper`)).body.model.metadata, { a: 1 });
    assert.equal((await rest.raw('GET', '/v2/users/me/apps/meta-app')).body.status.code, 11101);
  });

  it('broken JSON without Authorization is still 11100 (the body is decoded first); nothing written', async () => {
    const r = await rest.raw('POST', `${base}/models`, '{broken', { authorization: '' });
    await expectFail('PostModels', r, 11100, 400);
    const unknown = await rest.raw('POST', `${base}/models`, { model: { id: 'anon' }, x: 1 }, { authorization: '' });
    await expectFail('PostModels', unknown, 11100, 400);
    assert.deepEqual(await modelIds(), ['keeper']);
  });
});

describe('body size limit (MODELKEEP_BODY_LIMIT_BYTES=2048)', () => {
  let server: TestServer;
  let rest: ReturnType<typeof restClient>;
  let g: ReturnType<typeof grpcClient>;
  const app = uid('limit');
  const uai = { user_id: 'me', app_id: app };
  const big = 'x'.repeat(4096);

  before(async () => {
    server = await startTestServer({ MODELKEEP_BODY_LIMIT_BYTES: '2048' });
    rest = restClient(server.httpPort);
    g = grpcClient(server.grpcPort);
    assert.equal((await rest.call('PostApps', { user_app_id: me, apps: [{ id: app }] })).body.status.code, 10000);
  });
  after(async () => {
    g?.close();
    await server?.close();
  });

  it('REST: a body over the limit -> HTTP 400 with an 11100 JSON body (not a dropped connection); nothing written', async () => {
    const r = await rest.call('PostModels', { user_app_id: uai, model: { id: 'huge', notes: big } });
    assert.equal(r.http, 400);
    assert.equal(r.body.status.code, 11100);
    assert.match(r.body.status.details, /over the 2048-byte limit/);
    assertConforms('PostModels', r.body);
    const search = await rest.call('PostModelsSearches', { user_app_id: uai, model_query: { name: big } });
    assert.equal(search.http, 400);
    assert.equal(search.body.status.code, 11100);
    assert.deepEqual(search.body.models, []);
    assertConforms('PostModelsSearches', search.body);
    const after = await rest.call('GetModel', { user_app_id: uai, model_id: 'huge' });
    assert.equal(after.body.status.code, 21200);
    // A body under the limit is fine.
    const small = await rest.call('PostModels', { user_app_id: uai, model: { id: 'small' } });
    assert.equal(small.body.status.code, 10000, JSON.stringify(small.body.status));
  });

  it('gRPC: a message over the limit -> RESOURCE_EXHAUSTED from grpc-js (before any handler runs); nothing written; the channel still works', async () => {
    await assert.rejects(g.call('PostModels', { user_app_id: uai, model: { id: 'huge-grpc', notes: big } }), (e: grpc.ServiceError) => {
      assert.equal(e.code, grpc.status.RESOURCE_EXHAUSTED);
      assert.match(e.details, /larger than max/);
      return true;
    });
    const after = await g.call('GetModel', { user_app_id: uai, model_id: 'huge-grpc' });
    assert.equal(after.body.status.code, 21200);
    const small = await g.call('PostModels', { user_app_id: uai, model: { id: 'small-grpc' } });
    assert.equal(small.body.status.code, 10000, JSON.stringify(small.body.status));
  });
});
