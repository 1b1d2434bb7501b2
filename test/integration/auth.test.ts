import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { Visibility } from '../../src/domain/entities.js';
import { addKey, addUserWithPat, expectApi, grpcCall } from '../helpers/access.js';
import { describeBoth, type Harness, uid } from '../helpers/both.js';
import type { ApiObject, CallResult } from '../helpers/clients.js';
import { assertConforms } from '../helpers/conformance.js';
import { TEST_PAT, TEST_USER } from '../helpers/server.js';

/** ListApps with a literal Authorization header / metadata value (undefined: none sent). */
async function listAppsWithHeader(h: Harness, header: string | undefined): Promise<CallResult> {
  if (h.api.transport === 'rest') {
    const r = await h.rest.raw('GET', '/v2/users/me/apps', undefined, { authorization: header ?? '' });
    assertConforms('ListApps', r.body);
    return r;
  }
  return { http: 200, body: await grpcCall(h.server.grpcPort, 'ListApps', { user_app_id: { user_id: 'me' } }, header) };
}

/** The scopes an 11007 `details` lists as missing ("…needs: A, B, C. …"). */
const missingScopes = (details: string | undefined): string[] => {
  const m = /needs: ([A-Za-z_, ]+)\./.exec(details ?? '');
  assert.ok(m, `details should list the missing scopes: ${details}`);
  return m[1]!
    .split(',')
    .map((s) => s.trim())
    .sort();
};

describeBoth('authentication and keys', (h) => {
  const api = expectApi(h);
  const appA = uid('auth-a');
  const appB = uid('auth-b');
  const uai = (app: string) => ({ user_id: 'me', app_id: app });
  const ids = (body: ApiObject): string[] => (body.models ?? []).map((m: ApiObject) => m.id).sort();

  /** A fresh app key of `app` with `scopes`; returns the token. */
  const appKey = async (app: string, scopes: string[]): Promise<string> => {
    const body = await api.ok('PostKeys', { user_app_id: { user_id: 'me' }, keys: [{ description: `key of ${app}`, scopes, apps: [{ id: app }] }] });
    return body.keys[0].id as string;
  };

  before(async () => {
    await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: appA }, { id: appB }] });
    await api.ok('PostModels', { user_app_id: uai(appA), model: { id: 'in-a' } });
    await api.ok('PostModels', { user_app_id: uai(appB), model: { id: 'in-b' } });
  });

  it('no Authorization -> 11102 (HTTP 401); gRPC answers in-band with status OK', async () => {
    const s = await api.fails('ListApps', { user_app_id: { user_id: 'me' } }, 11102, 401, null);
    assert.match(s.details ?? '', /Authorization: Key <token>/);
    assert.equal(s.description, 'Invalid request');
    const g = await api.fails('GetModel', { user_app_id: uai(appA), model_id: 'in-a' }, 11102, 401, null);
    assert.doesNotMatch(JSON.stringify(g), /in-a.*"model"/);
    const none = await listAppsWithHeader(h, undefined);
    assert.equal(none.body.status.code, 11102);
    if (h.api.transport === 'rest') assert.equal(none.http, 401);
  });

  it('the scheme is case-sensitive: lower-case "key <token>" -> 11102 with a hint; other schemes -> 11102 without it', async () => {
    const control = await listAppsWithHeader(h, `Key ${TEST_PAT}`);
    assert.equal(control.body.status.code, 10000, JSON.stringify(control.body.status));
    for (const scheme of ['key', 'KEY']) {
      const lower = await listAppsWithHeader(h, `${scheme} ${TEST_PAT}`);
      assert.equal(lower.body.status.code, 11102);
      assert.match(lower.body.status.details, new RegExp(`use "Key", not "${scheme}"`));
      assert.deepEqual(lower.body.apps ?? [], []);
      if (h.api.transport === 'rest') assert.equal(lower.http, 401);
    }
    const bearer = await listAppsWithHeader(h, `Bearer ${TEST_PAT}`);
    assert.equal(bearer.body.status.code, 11102);
    assert.match(bearer.body.status.details, /Key <token>/);
    assert.doesNotMatch(bearer.body.status.details, /case-sensitive/);
    if (h.api.transport === 'rest') assert.equal(bearer.http, 401);
  });

  // Clarifai's python-grpc tests/client/test_auth.py: "Key SOME_INVALID_KEY" -> CONN_KEY_INVALID with this description.
  it('unknown token -> 11008 "Invalid API key or Invalid API key/application pair" (HTTP 401)', async () => {
    const s = await api.fails('ListModels', {}, 11008, 401, 'SOME_INVALID_KEY');
    assert.equal(s.description, 'Invalid API key or Invalid API key/application pair');
    assert.match(s.details ?? '', /PostKeys|personal access token/);
    await api.fails('ListApps', { user_app_id: { user_id: 'me' } }, 11008, 401, 'f'.repeat(64));
    await api.fails('GetModel', { user_app_id: uai(appA), model_id: 'in-a' }, 11008, 401, 'not-a-known-token-123');
  });

  it('a malformed token under the right scheme ("Key wrong") -> 11008 without the case hint', async () => {
    for (const header of ['Key wrong', 'Key a b c', 'Key ' + 'x'.repeat(600)]) {
      const r = await listAppsWithHeader(h, header);
      assert.equal(r.body.status.code, 11008, `${header.slice(0, 20)}: ${JSON.stringify(r.body.status)}`);
      assert.equal(r.body.status.description, 'Invalid API key or Invalid API key/application pair');
      assert.doesNotMatch(r.body.status.details, /case-sensitive|not "key"/);
      if (h.api.transport === 'rest') assert.equal(r.http, 401);
    }
    // "Key" and nothing else is an empty credential: the header's form is what is wrong.
    assert.equal((await listAppsWithHeader(h, 'Key ')).body.status.code, 11102);
  });

  it('a deleted key stops working at once (either id form)', async () => {
    const tok1 = await appKey(appA, ['All']);
    const tok2 = await appKey(appA, ['All']);
    // Use both first, so a cached lookup would be there to outlive the deletion.
    await api.ok('GetModel', { model_id: 'in-a' }, tok1);
    await api.ok('GetModel', { model_id: 'in-a' }, tok2);
    await api.ok('DeleteKey', { user_app_id: { user_id: 'me' }, key_id: tok1.slice(0, 32) });
    await api.fails('GetModel', { model_id: 'in-a' }, 11008, 401, tok1);
    await api.ok('DeleteKey', { user_app_id: { user_id: 'me' }, key_id: tok2 });
    await api.fails('ListModels', {}, 11008, 401, tok2);
  });

  it('an expired key -> 11008 (HTTP 401)', async () => {
    const appTok = `expired-app-${uid('k')}`;
    await addKey(h.server, { userId: TEST_USER, token: appTok, kind: 'app', scopes: ['All'], appIds: [appA], expiresAt: Date.now() - 1000 });
    const s = await api.fails('GetModel', { model_id: 'in-a' }, 11008, 401, appTok);
    assert.match(s.details ?? '', /expired/);
    const patTok = `expired-pat-${uid('k')}`;
    await addKey(h.server, { userId: TEST_USER, token: patTok, kind: 'pat', scopes: ['All'], appIds: [], expiresAt: Date.now() - 1000 });
    await api.fails('ListApps', { user_app_id: { user_id: 'me' } }, 11008, 401, patTok);
    // A key that expires later works until then.
    const later = `later-${uid('k')}`;
    await addKey(h.server, { userId: TEST_USER, token: later, kind: 'app', scopes: ['All'], appIds: [appA], expiresAt: Date.now() + 3_600_000 });
    await api.ok('GetModel', { model_id: 'in-a' }, later);
  });

  it('an app key works on its own app without user_app_id (REST /v2/models, gRPC empty user_app_id)', async () => {
    const tok = await appKey(appA, ['All']);
    const got = await api.ok('GetModel', { model_id: 'in-a' }, tok);
    assert.equal(got.model.app_id, appA);
    assert.equal(got.model.user_id, TEST_USER);
    assert.deepEqual(ids(await api.ok('ListModels', {}, tok)), ['in-a']);
    const made = await api.ok('PostModels', { model: { id: 'by-app-key' } }, tok);
    assert.equal(made.model.app_id, appA);
    await api.ok('GetModel', { user_app_id: uai(appA), model_id: 'by-app-key' });
    await api.fails('GetModel', { user_app_id: uai(appB), model_id: 'by-app-key' }, 21200, 404);
    await api.ok('DeleteModel', { model_id: 'by-app-key' }, tok);
  });

  it('an app key naming only its user (/v2/users/me/models) still sees its own app only', async () => {
    const tok = await appKey(appA, ['All']);
    assert.deepEqual(ids(await api.ok('ListModels', { user_app_id: { user_id: 'me' } }, tok)), ['in-a']);
    assert.deepEqual(ids(await api.ok('ListModels', { user_app_id: { user_id: TEST_USER } }, tok)), ['in-a']);
    // The PAT, by contrast, lists across the user's apps.
    assert.deepEqual(ids(await api.ok('ListModels', { user_app_id: { user_id: 'me' } })), ['in-a', 'in-b']);
  });

  it('an app key on another app -> 11008 (HTTP 401), nothing written', async () => {
    const tok = await appKey(appA, ['All']);
    const s = await api.fails('GetModel', { user_app_id: uai(appB), model_id: 'in-b' }, 11008, 401, tok);
    assert.match(s.details ?? '', new RegExp(appA));
    await api.fails('ListModels', { user_app_id: uai(appB) }, 11008, 401, tok);
    await api.fails('PostModels', { user_app_id: uai(appB), model: { id: 'sneaky' } }, 11008, 401, tok);
    await api.fails('GetModel', { user_app_id: uai(appB), model_id: 'sneaky' }, 21200, 404);
    await api.fails('DeleteModel', { user_app_id: uai(appB), model_id: 'in-b' }, 11008, 401, tok);
    await api.ok('GetModel', { user_app_id: uai(appB), model_id: 'in-b' });
  });

  it('an app key without a needed scope -> 11007 (HTTP 403) listing the missing scopes; nothing written', async () => {
    const readOnly = await appKey(appA, ['Apps_Get', 'Concepts_Get', 'Models_Get']);
    const got = await api.ok('GetModel', { model_id: 'in-a' }, readOnly);
    assert.equal(got.model.id, 'in-a');
    await api.ok('ListModels', {}, readOnly);
    const s = await api.fails('PostModels', { model: { id: 'needs-add' } }, 11007, 403, readOnly);
    assert.equal(s.description, 'API key has insufficient scopes');
    assert.deepEqual(missingScopes(s.details), ['Models_Add', 'Models_Train', 'Workflows_Get']);
    await api.fails('GetModel', { user_app_id: uai(appA), model_id: 'needs-add' }, 21200, 404);
    const del = await api.fails('DeleteModel', { model_id: 'in-a' }, 11007, 403, readOnly);
    assert.ok(missingScopes(del.details).includes('Models_Delete'));
    await api.ok('GetModel', { user_app_id: uai(appA), model_id: 'in-a' });

    // Scopes follow the protos' cl_depending_scopes: GetModel needs Apps_Get and Concepts_Get as well.
    const modelsGetOnly = await appKey(appA, ['Models_Get']);
    const g = await api.fails('GetModel', { model_id: 'in-a' }, 11007, 403, modelsGetOnly);
    assert.deepEqual(missingScopes(g.details), ['Apps_Get', 'Concepts_Get']);
  });

  it('an app key on a PAT-only RPC (ListApps, PostKeys, DeleteApp) -> 11007 (HTTP 403), nothing written', async () => {
    const tok = await appKey(appA, ['All']);
    const keysBefore = (await api.ok('ListKeys', { user_app_id: { user_id: 'me' } })).keys.length;
    const s = await api.fails('ListApps', { user_app_id: { user_id: 'me' } }, 11007, 403, tok);
    assert.match(s.details ?? '', /personal access token/);
    await api.fails('PostKeys', { user_app_id: { user_id: 'me' }, keys: [{ description: 'x', scopes: ['All'], apps: [{ id: appA }] }] }, 11007, 403, tok);
    assert.equal((await api.ok('ListKeys', { user_app_id: { user_id: 'me' } })).keys.length, keysBefore);
    await api.fails('DeleteApp', { user_app_id: uai(appA) }, 11007, 403, tok);
    await api.ok('GetApp', { user_app_id: uai(appA) });
  });

  it('a PAT without user_app_id on an app-scoped RPC -> 11102 (HTTP 401) asking for user_app_id; nothing written', async () => {
    const s = await api.fails('GetModel', { model_id: 'in-a' }, 11102, 401);
    assert.match(s.details ?? '', /user_app_id/);
    const p = await api.fails('PostModels', { model: { id: 'no-app-given' } }, 11102, 401);
    assert.match(p.details ?? '', /user_app_id/);
    assert.ok(!ids(await api.ok('ListModels', { user_app_id: { user_id: 'me' } })).includes('no-app-given'));
  });

  it('user_id "me" is the caller', async () => {
    const byMe = await api.ok('GetModel', { user_app_id: { user_id: 'me', app_id: appA }, model_id: 'in-a' });
    const byName = await api.ok('GetModel', { user_app_id: { user_id: TEST_USER, app_id: appA }, model_id: 'in-a' });
    assert.equal(byMe.model.user_id, TEST_USER);
    assert.equal(byMe.model.created_at, byName.model.created_at);
    const apps = await api.ok('ListApps', { user_app_id: { user_id: 'me' } });
    assert.ok(apps.apps.some((a: ApiObject) => a.id === appA && a.user_id === TEST_USER));
    const app = await api.ok('GetApp', { user_app_id: uai(appB) });
    assert.equal(app.app.user_id, TEST_USER);
  });
});

describeBoth('another user', (h) => {
  const api = expectApi(h);
  const privateApp = uid('private');
  const publicApp = uid('public');
  let other = '';

  before(async () => {
    other = await addUserWithPat(h.server, 'other-user');
    await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: privateApp }, { id: publicApp, visibility: { gettable: Visibility.PUBLIC } }] });
    await api.ok('PostModels', { user_app_id: { user_id: 'me', app_id: privateApp }, model: { id: 'mine', notes: 'private notes' } });
    await api.ok('PostModels', { user_app_id: { user_id: 'me', app_id: publicApp }, model: { id: 'shared' } });
  });

  const at = (app: string) => ({ user_id: TEST_USER, app_id: app });

  /** A status without its req_id: what a prober could compare. */
  const visible = (st: { code: number; description: string; details?: string }) => ({ code: st.code, description: st.description, details: st.details });

  it("another user's private app answers exactly like a missing one (11101, HTTP 404): no app ids to enumerate", async () => {
    const hidden = await api.fails('GetApp', { user_app_id: at(privateApp) }, 11101, 404, other);
    const absent = await api.fails('GetApp', { user_app_id: at('no-such-app') }, 11101, 404, other);
    assert.deepEqual(visible(hidden), { ...visible(absent), details: absent.details!.replace('no-such-app', privateApp) });
    assert.equal(hidden.description, 'Resource does not exist');
    for (const rpc of ['GetApp', 'ListModels', 'PostModels', 'DeleteApp'] as const) {
      const req = { user_app_id: at(privateApp), ...(rpc === 'PostModels' ? { model: { id: 'planted' } } : {}) };
      const reqMissing = { ...req, user_app_id: at('no-such-app') };
      const a = await api.fails(rpc, req, 11101, 404, other);
      const b = await api.fails(rpc, reqMissing, 11101, 404, other);
      assert.equal(a.details!.replace(privateApp, 'X'), b.details!.replace('no-such-app', 'X'), rpc);
    }
  });

  it("cannot read the first user's private app or its models (11101, HTTP 404)", async () => {
    const s = await api.fails('GetModel', { user_app_id: at(privateApp), model_id: 'mine' }, 11101, 404, other);
    assert.match(s.details ?? '', /does not exist/);
    assert.doesNotMatch(JSON.stringify(s), /private notes|another user/);
    const list = await api.fails('ListModels', { user_app_id: at(privateApp) }, 11101, 404, other);
    assert.ok(list);
    await api.fails('GetModelOutputInfo', { user_app_id: at(privateApp), model_id: 'mine' }, 11101, 404, other);
    await api.fails('ListModelVersions', { user_app_id: at(privateApp), model_id: 'mine' }, 11101, 404, other);
  });

  it("cannot write the first user's private app (11101, HTTP 404); nothing changes", async () => {
    await api.fails('PostModels', { user_app_id: at(privateApp), model: { id: 'planted' } }, 11101, 404, other);
    await api.fails('PatchModels', { user_app_id: at(privateApp), action: 'overwrite', models: [{ id: 'mine', notes: 'defaced' }] }, 11101, 404, other);
    await api.fails('DeleteModel', { user_app_id: at(privateApp), model_id: 'mine' }, 11101, 404, other);
    await api.fails('DeleteApp', { user_app_id: at(privateApp) }, 11101, 404, other);
    const m = await api.ok('GetModel', { user_app_id: { user_id: 'me', app_id: privateApp }, model_id: 'mine' });
    assert.equal(m.model.notes, 'private notes');
    await api.fails('GetModel', { user_app_id: { user_id: 'me', app_id: privateApp }, model_id: 'planted' }, 21200, 404);
    await api.ok('GetApp', { user_app_id: { user_id: 'me', app_id: privateApp } });
  });

  // clarifai-python (model_builder.py, utils/config.py) reads CONN_DOES_NOT_EXIST as "your PAT is not this account's".
  it("cannot manage the first user's apps or keys (11101, whether or not that user exists)", async () => {
    const listed = await api.fails('ListApps', { user_app_id: { user_id: TEST_USER } }, 11101, 404, other);
    const nobody = await api.fails('ListApps', { user_app_id: { user_id: 'nobody-at-all' } }, 11101, 404, other);
    assert.equal(listed.details!.replace(TEST_USER, 'X'), nobody.details!.replace('nobody-at-all', 'X'));
    await api.fails('PostApps', { user_app_id: { user_id: TEST_USER }, apps: [{ id: 'foreign' }] }, 11101, 404, other);
    await api.fails('ListKeys', { user_app_id: { user_id: TEST_USER } }, 11101, 404, other);
    await api.fails(
      'PostKeys',
      { user_app_id: { user_id: 'me' }, keys: [{ description: 'x', scopes: ['All'], apps: [{ id: privateApp, user_id: TEST_USER }] }] },
      11101,
      404,
      other,
    );
    assert.ok(!(await api.ok('ListApps', { user_app_id: { user_id: 'me' } })).apps.some((a: ApiObject) => a.id === 'foreign'));
    // Their own user is empty and theirs to use.
    assert.deepEqual((await api.ok('ListApps', { user_app_id: { user_id: 'me' } }, other)).apps ?? [], []);
  });

  it("can read a PUBLIC app's models but still cannot write them", async () => {
    const got = await api.ok('GetModel', { user_app_id: at(publicApp), model_id: 'shared' }, other);
    assert.equal(got.model.user_id, TEST_USER);
    const list = await api.ok('ListModels', { user_app_id: at(publicApp) }, other);
    assert.deepEqual(
      list.models.map((m: ApiObject) => m.id),
      ['shared'],
    );
    const app = await api.ok('GetApp', { user_app_id: at(publicApp) }, other);
    assert.equal(app.app.visibility.gettable, 50);
    await api.fails('PostModels', { user_app_id: at(publicApp), model: { id: 'planted' } }, 11007, 403, other);
    await api.fails('PatchModels', { user_app_id: at(publicApp), action: 'merge', models: [{ id: 'shared', description: 'defaced' }] }, 11007, 403, other);
    await api.fails('DeleteModels', { user_app_id: at(publicApp), ids: ['shared'] }, 11007, 403, other);
    await api.fails('PostModelVersions', { user_app_id: at(publicApp), model_id: 'shared', model_versions: [{}] }, 11007, 403, other);
    const after = await api.ok('ListModels', { user_app_id: { user_id: 'me', app_id: publicApp } });
    assert.deepEqual(
      after.models.map((m: ApiObject) => m.id),
      ['shared'],
    );
    assert.equal(after.models[0].description, undefined);
    assert.deepEqual((await api.ok('ListModelVersions', { user_app_id: { user_id: 'me', app_id: publicApp }, model_id: 'shared' })).model_versions ?? [], []);
  });
});
