import assert from 'node:assert/strict';
import { it } from 'node:test';
import { expectApi } from '../helpers/access.js';
import { describeBoth, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { TEST_USER } from '../helpers/server.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const me = { user_id: 'me' };

describeBoth('apps', (h) => {
  const api = expectApi(h);
  const appIds = async (): Promise<string[]> => ((await api.ok('ListApps', { user_app_id: me })).apps ?? []).map((a: ApiObject) => a.id);

  it('PostApps creates, GetApp reads, ListApps lists', async () => {
    const id = uid('app');
    const made = await api.ok('PostApps', { user_app_id: me, apps: [{ id, description: 'first app', metadata: { team: 'x' } }] });
    assert.equal(made.apps.length, 1);
    const a = made.apps[0];
    assert.equal(a.id, id);
    assert.equal(a.user_id, TEST_USER);
    assert.equal(a.description, 'first app');
    assert.deepEqual(a.metadata, { team: 'x' });
    assert.equal(a.visibility.gettable, 10);
    assert.match(a.created_at, RFC3339);
    const got = await api.ok('GetApp', { user_app_id: { user_id: 'me', app_id: id } });
    assert.equal(got.app.id, id);
    assert.equal(got.app.description, 'first app');
    assert.ok((await appIds()).includes(id));
  });

  // What Clarifai's python-grpc CI sends (scripts/app_and_key_for_tests.py): a name and a default workflow, no id.
  // ListAppsRequest's `search` (and its deprecated `query`, `name`, `id`): src/domain/app-search.ts is the rule.
  it('ListApps search / query / name / id select apps on the server, paged after the filter; over-long text -> 11100', async () => {
    const tag = uid('srch').replace(/[^a-z0-9]/g, '');
    const ids = [`${tag}-cats`, `${tag}-dogs`, `${tag}-misc`];
    await api.ok('PostApps', {
      user_app_id: me,
      apps: [
        { id: ids[0], name: 'Cat Photos', description: 'felines' },
        { id: ids[1], name: 'Dog Photos', description: 'canines and a cat' },
        { id: ids[2], name: 'Misc', description: 'other' },
      ],
    });
    const list = async (req: Record<string, unknown>): Promise<string[]> =>
      (((await api.ok('ListApps', { user_app_id: me, per_page: 1000, sort_by_id: true, sort_ascending: true, ...req })).apps ?? []) as ApiObject[]).map(
        (a) => a.id,
      );
    assert.deepEqual(await list({ search: tag }), ids);
    // Every term must occur (any field, any ASCII case); a prefix finds the word.
    assert.deepEqual(await list({ search: `${tag} CAT` }), [ids[0], ids[1]]);
    assert.deepEqual(await list({ search: `${tag} photo felin` }), [ids[0]]);
    assert.deepEqual(await list({ query: `${tag} canines` }), [ids[1]]);
    assert.deepEqual(await list({ search: `${tag} birds` }), []);
    // name: a wildcard pattern on the id or the name; id: on the id.
    assert.deepEqual(await list({ name: 'dog photos', search: tag }), [ids[1]]);
    assert.deepEqual(await list({ name: `${tag}-*s` }), [ids[0], ids[1]]);
    assert.deepEqual(await list({ id: `*${tag}-m*` }), [ids[2]]);
    // Paging counts the filtered apps only.
    const second = await api.ok('ListApps', { user_app_id: me, search: tag, page: 2, per_page: 2, sort_by_id: true, sort_ascending: true });
    assert.deepEqual(
      second.apps.map((a: ApiObject) => a.id),
      [ids[2]],
    );
    const s = await api.fails('ListApps', { user_app_id: me, search: 'x'.repeat(257) }, 11100, 400);
    assert.match(s.details ?? '', /search is 257 characters/);
  });

  // ListAppsRequest's sort and filter fields, as the proto's comments document them: modified_at (newest first) when
  // no sort is set; sort_by_relevance only with a search; featured / starred / template apps do not exist here.
  it('ListApps sorts by modified_at by default, takes sort_by_* / sort_ascending / visibility; featured, starred, template: none', async () => {
    const tag = uid('ord').replace(/[^a-z0-9]/g, '');
    const ids = [`${tag}-b`, `${tag}-a`, `${tag}-c`];
    // A few milliseconds apart, so that no two created_at / modified_at tie.
    const pause = () => new Promise((r) => setTimeout(r, 5));
    await api.ok('PostApps', { user_app_id: me, apps: [{ id: ids[0], name: 'Zeta' }] });
    await pause();
    await api.ok('PostApps', { user_app_id: me, apps: [{ id: ids[1], name: 'Alpha', visibility: { gettable: 50 } }] });
    await pause();
    await api.ok('PostApps', { user_app_id: me, apps: [{ id: ids[2], name: 'Mid' }] });
    // Touching the first makes it the most recently modified.
    await pause();
    await api.ok('PatchApps', { user_app_id: me, action: 'overwrite', apps: [{ id: ids[0], description: 'touched' }] });
    const list = async (req: Record<string, unknown>): Promise<string[]> =>
      (((await api.ok('ListApps', { user_app_id: me, per_page: 1000, search: tag, ...req })).apps ?? []) as ApiObject[]).map((a) => a.id);
    assert.deepEqual(await list({}), [ids[0], ids[2], ids[1]]);
    assert.deepEqual(await list({ sort_ascending: true }), [ids[1], ids[2], ids[0]]);
    assert.deepEqual(await list({ sort_by_name: true, sort_ascending: true }), [ids[1], ids[2], ids[0]]);
    assert.deepEqual(await list({ sort_by_created_at: true }), [ids[2], ids[1], ids[0]]);
    assert.deepEqual(await list({ sort_by_id: true }), [ids[2], ids[0], ids[1]]);
    assert.deepEqual(await list({ sort_by_relevance: true, search: `${tag}-a` }), [ids[1]]);
    assert.deepEqual(await list({ visibility: { gettable: 50 } }), [ids[1]]);
    for (const only of ['featured_only', 'starred_only', 'template_only']) assert.deepEqual(await list({ [only]: true }), [], only);
    const s = await api.fails('ListApps', { user_app_id: me, sort_by_relevance: true }, 11100, 400);
    assert.match(s.details ?? '', /send it with search/);
  });

  it('PostApps without an id makes one (32 hex); name, description and default_workflow_id are stored and returned', async () => {
    const name = `auto-created-in-${uid('ci')}-ci-test-run`;
    const made = await api.ok('PostApps', { user_app_id: me, apps: [{ name, description: 'by name', default_workflow_id: 'General' }] });
    const a = made.apps[0];
    assert.match(a.id, /^[0-9a-f]{32}$/);
    assert.equal(a.name, name);
    assert.equal(a.description, 'by name');
    assert.equal(a.default_workflow_id, 'General');
    const got = (await api.ok('GetApp', { user_app_id: { user_id: 'me', app_id: a.id } })).app;
    assert.deepEqual([got.id, got.name, got.description, got.default_workflow_id], [a.id, name, 'by name', 'General']);
    const listed = ((await api.ok('ListApps', { user_app_id: me, per_page: 1000 })).apps as ApiObject[]).find((x) => x.id === a.id);
    assert.equal(listed?.default_workflow_id, 'General');
    // Two nameless apps in one call get two ids; an app without a workflow shows the built-in default (decision 0037).
    const two = await api.ok('PostApps', { user_app_id: me, apps: [{}, { name: 'second' }] });
    assert.notEqual(two.apps[0].id, two.apps[1].id);
    assert.equal(two.apps[0].name, two.apps[0].id);
    assert.equal(two.apps[0].default_workflow_id, 'Universal');
    await api.fails('PostApps', { user_app_id: me, apps: [{ name: 'x', default_workflow_id: 'not a workflow id' }] }, 11100, 400);
  });

  it('a duplicate app id -> 40010 (HTTP 409) naming it; nothing written', async () => {
    const id = uid('dup');
    await api.ok('PostApps', { user_app_id: me, apps: [{ id, description: 'original' }] });
    const before = await appIds();
    const s = await api.fails('PostApps', { user_app_id: me, apps: [{ id, description: 'second' }] }, 40010, 409);
    assert.match(s.details ?? '', new RegExp(id));
    assert.deepEqual(await appIds(), before);
    assert.equal((await api.ok('GetApp', { user_app_id: { user_id: 'me', app_id: id } })).app.description, 'original');
    // A batch with one duplicate writes none of its apps.
    const fresh = uid('batch');
    await api.fails('PostApps', { user_app_id: me, apps: [{ id: fresh }, { id }] }, 40010, 409);
    assert.ok(!(await appIds()).includes(fresh));
  });

  it('GetApp / DeleteApp of a missing app -> 11101 (HTTP 404) naming it', async () => {
    const s = await api.fails('GetApp', { user_app_id: { user_id: 'me', app_id: 'no-such-app' } }, 11101, 404);
    assert.match(s.details ?? '', /no-such-app/);
    await api.fails('DeleteApp', { user_app_id: { user_id: 'me', app_id: 'no-such-app' } }, 11101, 404);
    await api.fails('ListModels', { user_app_id: { user_id: 'me', app_id: 'no-such-app' } }, 11101, 404);
  });

  it('PostApps without apps -> 11100; an app with a bad id -> 21202; nothing written', async () => {
    const before = await appIds();
    await api.fails('PostApps', { user_app_id: me, apps: [] }, 11100, 400);
    await api.fails('PostApps', { user_app_id: me, apps: [{ id: 'has space' }] }, 21202, 400);
    await api.fails('PostApps', { user_app_id: me, apps: [{ id: 'ok-one' }, { id: '-bad' }] }, 21202, 400);
    assert.deepEqual(await appIds(), before);
  });

  it('an app visibility that is not PRIVATE/ORG/PUBLIC -> 11100 (HTTP 400) on both transports; nothing written', async () => {
    const before = await appIds();
    const id = uid('vis');
    const s = await api.fails('PostApps', { user_app_id: me, apps: [{ id, visibility: { gettable: 20 } }] }, 11100, 400);
    assert.match(s.details ?? '', /gettable/);
    assert.deepEqual(await appIds(), before);
    const pub = await api.ok('PostApps', { user_app_id: me, apps: [{ id, visibility: { gettable: 50 } }] });
    assert.equal(pub.apps[0].visibility.gettable, 50);
  });

  it('DeleteApp cascades: its models are gone and its app keys stop working', async () => {
    const id = uid('doomed');
    const uai = { user_id: 'me', app_id: id };
    await api.ok('PostApps', { user_app_id: me, apps: [{ id }] });
    await api.ok('PostModels', { user_app_id: uai, model: { id: 'm1' } });
    await api.ok('PostModels', { user_app_id: uai, model: { id: 'm2' } });
    await api.ok('PostModelVersions', { user_app_id: uai, model_id: 'm1', model_versions: [{ output_info: { data: { concepts: [{ id: 'a' }] } } }] });
    const key = (await api.ok('PostKeys', { user_app_id: me, keys: [{ description: 'doomed key', scopes: ['All'], apps: [{ id }] }] })).keys[0].id as string;
    await api.ok('GetModel', { model_id: 'm1' }, key);

    await api.ok('DeleteApp', { user_app_id: uai });
    await api.fails('GetApp', { user_app_id: uai }, 11101, 404);
    assert.ok(!(await appIds()).includes(id));
    await api.fails('GetModel', { model_id: 'm1' }, 11008, 401, key);
    const keys = (await api.ok('ListKeys', { user_app_id: me })).keys as ApiObject[];
    assert.ok(!keys.some((k) => k.id === key.slice(0, 32)), 'the app key is deleted with its app');

    // Recreating the app brings back neither the models nor the key.
    await api.ok('PostApps', { user_app_id: me, apps: [{ id }] });
    assert.deepEqual((await api.ok('ListModels', { user_app_id: uai })).models ?? [], []);
    await api.fails('GetModel', { user_app_id: uai, model_id: 'm1' }, 21200, 404);
    await api.fails('ListModels', {}, 11008, 401, key);
  });
});

describeBoth('keys', (h) => {
  const api = expectApi(h);
  const app = uid('keys-app');
  const listKeys = async (): Promise<ApiObject[]> => (await api.ok('ListKeys', { user_app_id: me })).keys ?? [];

  it('PostKeys returns the token once (64 hex) in keys[0].id; ListKeys shows the 32-hex public id only', async () => {
    await api.ok('PostApps', { user_app_id: me, apps: [{ id: app }] });
    const made = await api.ok('PostKeys', {
      user_app_id: me,
      keys: [{ description: 'reader', scopes: ['Models_Get', 'Apps_Get', 'Concepts_Get'], apps: [{ id: app }] }],
    });
    const k = made.keys[0];
    assert.match(k.id, /^[0-9a-f]{64}$/);
    assert.equal(k.type, 'api_key');
    assert.deepEqual([...k.scopes].sort(), ['Apps_Get', 'Concepts_Get', 'Models_Get']);
    assert.deepEqual(
      k.apps.map((a: ApiObject) => a.id),
      [app],
    );
    const token = k.id as string;

    const listed = await listKeys();
    const mine = listed.find((x) => x.description === 'reader');
    assert.ok(mine, 'the key is listed');
    assert.equal(mine.id, token.slice(0, 32));
    assert.match(mine.id, /^[0-9a-f]{32}$/);
    for (const x of listed) assert.match(String(x.id), /^[0-9a-f]{32}$/, 'no listed id is a token');
    assert.ok(!JSON.stringify(listed).includes(token.slice(32)), 'the secret half never appears in ListKeys');
    // The token works.
    await api.ok('ListModels', {}, token);
  });

  it('a PAT made with PostKeys (no apps) is user-level and works on user RPCs', async () => {
    const made = await api.ok('PostKeys', { user_app_id: me, keys: [{ description: 'second pat', type: 'personal_access_token' }] });
    const pat = made.keys[0];
    assert.equal(pat.type, 'personal_access_token');
    assert.deepEqual(pat.scopes, ['All']);
    assert.match(pat.id, /^[0-9a-f]{64}$/);
    assert.ok((await api.ok('ListApps', { user_app_id: me }, pat.id)).apps.some((a: ApiObject) => a.id === app));
    await api.ok('DeleteKey', { user_app_id: me, key_id: pat.id });
    await api.fails('ListApps', { user_app_id: me }, 11008, 401, pat.id);
  });

  it('DeleteKey accepts the public id or the full token; an unknown key -> 11101 (HTTP 404)', async () => {
    const a = (await api.ok('PostKeys', { user_app_id: me, keys: [{ description: 'del-a', scopes: ['All'], apps: [{ id: app }] }] })).keys[0].id as string;
    const b = (await api.ok('PostKeys', { user_app_id: me, keys: [{ description: 'del-b', scopes: ['All'], apps: [{ id: app }] }] })).keys[0].id as string;
    await api.ok('DeleteKey', { user_app_id: me, key_id: a.slice(0, 32) });
    await api.ok('DeleteKey', { user_app_id: me, key_id: b });
    const left = (await listKeys()).map((k) => k.id);
    assert.ok(!left.includes(a.slice(0, 32)));
    assert.ok(!left.includes(b.slice(0, 32)));
    const s = await api.fails('DeleteKey', { user_app_id: me, key_id: a.slice(0, 32) }, 11101, 404);
    assert.match(s.details ?? '', new RegExp(a.slice(0, 32)));
    await api.fails('DeleteKey', { user_app_id: me, key_id: '0'.repeat(32) }, 11101, 404);
  });

  it('an unknown scope -> 11100 (HTTP 400) naming it; nothing written', async () => {
    const before = await listKeys();
    const s = await api.fails(
      'PostKeys',
      { user_app_id: me, keys: [{ description: 'bad', scopes: ['Models_Get', 'Models_Teleport'], apps: [{ id: app }] }] },
      11100,
      400,
    );
    const unknown = /unknown scope\(s\) ([A-Za-z_, ]+)\./.exec(s.details ?? '');
    assert.ok(unknown, s.details);
    assert.equal(unknown[1], 'Models_Teleport');
    // The second key of a batch being bad writes neither.
    await api.fails(
      'PostKeys',
      {
        user_app_id: me,
        keys: [
          { description: 'good', scopes: ['All'], apps: [{ id: app }] },
          { description: 'bad', scopes: ['Nope'], apps: [{ id: app }] },
        ],
      },
      11100,
      400,
    );
    assert.deepEqual(await listKeys(), before);
  });

  it('other malformed keys are refused and nothing is written', async () => {
    const before = await listKeys();
    const noApp = await api.fails('PostKeys', { user_app_id: me, keys: [{ description: 'x', scopes: ['All'], apps: [{ id: 'no-such-app' }] }] }, 11101, 404);
    assert.match(noApp.details ?? '', /no-such-app/);
    await api.fails('PostKeys', { user_app_id: me, keys: [{ description: 'x', scopes: [], apps: [{ id: app }] }] }, 11100, 400);
    await api.fails('PostKeys', { user_app_id: me, keys: [] }, 11100, 400);
    const past = await api.fails(
      'PostKeys',
      { user_app_id: me, keys: [{ description: 'x', scopes: ['All'], apps: [{ id: app }], expires_at: '2001-01-01T00:00:00Z' }] },
      11100,
      400,
    );
    assert.match(past.details ?? '', /expires_at/);
    assert.deepEqual(await listKeys(), before);
  });

  it('a key with a future expires_at works and shows it', async () => {
    const exp = new Date(Date.now() + 86_400_000).toISOString();
    const k = (await api.ok('PostKeys', { user_app_id: me, keys: [{ description: 'expiring', scopes: ['All'], apps: [{ id: app }], expires_at: exp }] }))
      .keys[0];
    assert.equal(Date.parse(k.expires_at), Date.parse(exp));
    await api.ok('ListModels', {}, k.id);
  });
});
