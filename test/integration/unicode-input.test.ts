import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { messageCodec } from '../../src/proto/message-codec.js';
import { expectApi, grpcCall } from '../helpers/access.js';
import { describeBoth, uid } from '../helpers/both.js';
import { type ApiObject, restClient, testProtos } from '../helpers/clients.js';
import { startTestServer, TEST_PAT, type TestServer } from '../helpers/server.js';

const me = { user_id: 'me' };
// Kept short on purpose: protobufjs writes a short string's lone surrogate as its 3-byte (CESU) form,
// which is not UTF-8, so the gRPC client sends what the REST client sends as a "\ud800" JSON escape.
const LONE = 'a\uD800b';

/** Request strings that are not valid Unicode -> 11100 naming the field, nothing stored (issue 18 item 4). */
describeBoth('invalid Unicode in request strings', (h) => {
  const api = expectApi(h);
  const app = uid('uni');
  const uai = { user_id: 'me', app_id: app };

  before(async () => {
    await api.ok('PostApps', { user_app_id: me, apps: [{ id: app }] });
  });

  it('a lone surrogate in a string field -> 11100 naming its path; nothing written', async () => {
    const s = await api.fails('PostModels', { user_app_id: uai, model: { id: 'm1', name: LONE } }, 11100, 400);
    assert.match(s.details ?? '', /model\.name: not valid Unicode/);
    assert.deepEqual((await api.ok('ListModels', { user_app_id: uai })).models ?? [], []);
    const q = await api.fails('PostModelsSearches', { user_app_id: uai, model_query: { name: LONE } }, 11100, 400);
    assert.match(q.details ?? '', /model_query\.name: not valid Unicode/);
  });

  it('a lone surrogate in free-form JSON (a metadata value or key) -> 11100 naming the path', async () => {
    let s = await api.fails('PostInputs', { user_app_id: uai, inputs: [{ id: 'i1', data: { text: { raw: 'x' }, metadata: { k: LONE } } }] }, 11100, 400);
    assert.match(s.details ?? '', /inputs\[0\]\.data\.metadata\.[a-z_.]*k\b.*not valid Unicode/);
    s = await api.fails('PostInputs', { user_app_id: uai, inputs: [{ id: 'i1', data: { text: { raw: 'x' }, metadata: { [LONE]: 1 } } }] }, 11100, 400);
    assert.match(s.details ?? '', /inputs\[0\]\.data\.metadata.*not valid Unicode/);
    assert.deepEqual((await api.ok('ListInputs', { user_app_id: uai })).inputs ?? [], []);
  });

  it('well-formed text outside the BMP (a surrogate pair) is accepted and read back as sent', async () => {
    const name = 'emoji \u{1F600} ok';
    await api.ok('PostModels', { user_app_id: uai, model: { id: 'm2', name } });
    assert.equal((await api.ok('GetModel', { user_app_id: uai, model_id: 'm2' })).model.name, name);
  });
});

describe('bytes that are not UTF-8', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.close());

  it('REST: a body that is not UTF-8 -> 11100 (not silently replaced by U+FFFD)', async () => {
    const body = Buffer.concat([Buffer.from('{"apps":[{"id":"x","name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]);
    const res = await fetch(`http://127.0.0.1:${server.httpPort}/v2/users/me/apps`, {
      method: 'POST',
      headers: { authorization: `Key ${TEST_PAT}`, 'content-type': 'application/json' },
      body,
    });
    const r = (await res.json()) as ApiObject;
    assert.equal(res.status, 400);
    assert.equal(r.status.code, 11100);
    assert.match(r.status.details, /not valid UTF-8/);
    const apps = await restClient(server.httpPort).raw('GET', '/v2/users/me/apps');
    assert.deepEqual(apps.body.apps, []);
  });

  it('gRPC: a string whose bytes are not UTF-8 (long enough to be written by Buffer) -> 11100 naming the field', async () => {
    const rpc = testProtos().rpcs.get('PostApps')!;
    const marker = 'Q'.repeat(60);
    const ok = messageCodec(rpc.requestType).encode({ user_app_id: me, apps: [{ id: 'x', description: marker }] });
    const at = ok.indexOf(Buffer.from(marker));
    const bad = Buffer.from(ok);
    bad[at + 10] = 0xff;
    const r = await grpcCall(server.grpcPort, 'PostApps', bad, `Key ${TEST_PAT}`);
    assert.equal(r.status.code, 11100);
    assert.match(r.status.details, /apps\[0\]\.description: not valid Unicode/);
    const list = await grpcCall(server.grpcPort, 'ListApps', { user_app_id: me }, `Key ${TEST_PAT}`);
    assert.deepEqual(list.apps ?? [], []);
  });
});
