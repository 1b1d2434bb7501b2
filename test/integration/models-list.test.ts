import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, NO_WORKER, uid } from '../helpers/both.js';
import { apiOf, concepts, ids, newApp, newModel, newVersion, sleep } from '../helpers/models.js';

/**
 * One app with five models whose id order, name order, creation order and modification order
 * all disagree, so every sort and filter has exactly one right answer.
 *
 *   id      name     type                  created  description
 *   m-b     Charlie  embedding-classifier  1st      furry animals         (version 21103: not trained)
 *   m-c     Alpha    text-classifier       2nd      spam filter           (patched last: newest modified_at)
 *   m-a     Bravo    concept-thresholder   3rd      threshold furry       (two versions, 21100: trained)
 *   pets    pets     clusterer             4th
 *   x-name  Penguin  embedding-classifier  5th
 */
describeBoth(
  'ListModels / PostModelsSearches',
  (h) => {
    const api = apiOf(h);
    const appId = uid('app');
    const otherAppId = uid('app2');
    let uai: { user_id: string; app_id: string };
    let mbVersion: string;
    let maLatest: string;
    const list = async (extra: Record<string, unknown> = {}): Promise<string[]> => ids((await api.ok('ListModels', { user_app_id: uai, ...extra })).models);

    before(async () => {
      uai = await newApp(api, appId);
      await newModel(api, uai, { id: 'm-b', name: 'Charlie', description: 'furry animals' });
      await sleep(5);
      await newModel(api, uai, { id: 'm-c', name: 'Alpha', description: 'spam filter', model_type_id: 'text-classifier' });
      await sleep(5);
      await newModel(api, uai, { id: 'm-a', name: 'Bravo', description: 'threshold furry', model_type_id: 'concept-thresholder' });
      await sleep(5);
      await newModel(api, uai, { id: 'pets', model_type_id: 'clusterer' });
      await sleep(5);
      await newModel(api, uai, { id: 'x-name', name: 'Penguin' });
      mbVersion = (await newVersion(api, uai, 'm-b', { output_info: concepts('cat') })).id;
      await newVersion(api, uai, 'm-a', { output_info: { data: { concepts: [{ id: 'cat', value: 0.5 }] } } });
      await sleep(5);
      maLatest = (await newVersion(api, uai, 'm-a', { output_info: { data: { concepts: [{ id: 'dog', value: 0.7 }] } } })).id;
      await sleep(5);
      await api.ok('PatchModels', { user_app_id: uai, action: 'merge', models: [{ id: 'm-c', notes: 'touched' }] });
      const other = await newApp(api, otherAppId);
      await newModel(api, other, { id: 'elsewhere' });
    });

    it('lists every model of the app, each with its latest model_version', async () => {
      const body = await api.ok('ListModels', { user_app_id: uai });
      assert.deepEqual(ids(body.models).sort(), ['m-a', 'm-b', 'm-c', 'pets', 'x-name']);
      const byId = new Map(body.models.map((m: { id: string }) => [m.id, m]));
      const ma = byId.get('m-a') as { model_version: { id: string; status: { code: number } } };
      assert.equal(ma.model_version.id, maLatest, 'the newest of two versions');
      assert.equal(ma.model_version.status.code, 21100);
      assert.equal((byId.get('m-b') as { model_version: { id: string } }).model_version.id, mbVersion);
      assert.equal((byId.get('pets') as { model_version?: unknown }).model_version, undefined, 'no version, no model_version');
    });

    it('pages with page / per_page', async () => {
      const p1 = await list({ per_page: 2, sort_by_created_at: true, sort_ascending: true });
      const p2 = await list({ per_page: 2, page: 2, sort_by_created_at: true, sort_ascending: true });
      const p3 = await list({ per_page: 2, page: 3, sort_by_created_at: true, sort_ascending: true });
      assert.deepEqual(p1, ['m-b', 'm-c']);
      assert.deepEqual(p2, ['m-a', 'pets']);
      assert.deepEqual(p3, ['x-name']);
    });

    it('answers a page past the end with SUCCESS and an empty list', async () => {
      const r = await api.call('ListModels', { user_app_id: uai, page: 50, per_page: 2 });
      assert.equal(r.body.status.code, 10000);
      if (api.transport() === 'rest') {
        assert.equal(r.http, 200);
        assert.deepEqual(r.body.models, []);
      } else assert.deepEqual(r.body.models ?? [], []);
    });

    it('refuses per_page over 1000 with a clear error (HTTP 400)', async () => {
      const st = await api.fails('ListModels', { user_app_id: uai, per_page: 1001 }, 21203, 400);
      assert.match(st.details ?? '', /1001/);
      assert.match(st.details ?? '', /1000/);
      assert.equal((await list({ per_page: 1000 })).length, 5, 'exactly 1000 is fine');
    });

    it('sorts by name ascending and descending', async () => {
      assert.deepEqual(await list({ sort_by_name: true, sort_ascending: true }), ['m-c', 'm-a', 'm-b', 'x-name', 'pets']);
      assert.deepEqual(await list({ sort_by_name: true }), ['pets', 'x-name', 'm-b', 'm-a', 'm-c']);
    });

    it('sorts by created_at ascending and descending', async () => {
      assert.deepEqual(await list({ sort_by_created_at: true, sort_ascending: true }), ['m-b', 'm-c', 'm-a', 'pets', 'x-name']);
      assert.deepEqual(await list({ sort_by_created_at: true }), ['x-name', 'pets', 'm-a', 'm-c', 'm-b']);
    });

    it('sorts by modified_at (the default, descending) and ascending', async () => {
      const desc = ['m-c', 'x-name', 'pets', 'm-a', 'm-b'];
      assert.deepEqual(await list({ sort_by_modified_at: true }), desc);
      assert.deepEqual(await list(), desc, 'no sort given = modified_at descending');
      assert.deepEqual(await list({ sort_by_modified_at: true, sort_ascending: true }), [...desc].reverse());
    });

    it('filters by name wildcard over id and name', async () => {
      assert.deepEqual((await list({ name: 'pe*' })).sort(), ['pets', 'x-name']);
      assert.deepEqual(await list({ name: 'm-*', sort_by_name: true, sort_ascending: true }), ['m-c', 'm-a', 'm-b']);
      assert.deepEqual(await list({ name: 'pets' }), ['pets']);
      assert.deepEqual(await list({ name: 'zzz*' }), []);
    });

    it('filters by query words (full words, OR, -exclude)', async () => {
      assert.deepEqual((await list({ query: 'furry' })).sort(), ['m-a', 'm-b']);
      assert.deepEqual(await list({ query: 'furry -threshold' }), ['m-b']);
      assert.deepEqual((await list({ query: 'spam OR threshold' })).sort(), ['m-a', 'm-c']);
      assert.deepEqual(await list({ query: 'fur' }), [], 'words match whole words only');
    });

    it('filters by model_type_id', async () => {
      assert.deepEqual(await list({ model_type_id: 'clusterer' }), ['pets']);
      assert.deepEqual((await list({ model_type_id: 'embedding-classifier' })).sort(), ['m-b', 'x-name']);
      await api.fails('ListModels', { user_app_id: uai, model_type_id: 'no-such-type' }, 21202, 400);
    });

    it('trained_only keeps models with a TRAINED version (a concept-thresholder, not a queued embedding-classifier)', async () => {
      assert.deepEqual(await list({ trained_only: true }), ['m-a']);
    });

    it('filters by input_fields and output_fields', async () => {
      assert.deepEqual(await list({ input_fields: ['text'] }), ['m-c']);
      assert.deepEqual(await list({ output_fields: ['clusters'] }), ['pets']);
      assert.deepEqual((await list({ output_fields: ['concepts'] })).sort(), ['m-a', 'm-b', 'm-c', 'x-name']);
      assert.deepEqual((await list({ input_fields: ['embeddings'], output_fields: ['concepts'] })).sort(), ['m-b', 'x-name']);
    });

    it('refuses filters modelkeep does not implement instead of ignoring them', async () => {
      const st = await api.fails('ListModels', { user_app_id: uai, featured_only: true }, 21202, 400);
      assert.match(st.details ?? '', /featured_only/);
    });

    it("lists across all of the user's apps without app_id (PAT, /v2/users/{user}/models)", async () => {
      const body = await api.ok('ListModels', { user_app_id: { user_id: 'me' } });
      const pairs = body.models.map((m: { app_id: string; id: string }) => `${m.app_id}/${m.id}`).sort();
      assert.deepEqual(pairs, [...['m-a', 'm-b', 'm-c', 'pets', 'x-name'].map((m) => `${appId}/${m}`), `${otherAppId}/elsewhere`].sort());
      if (api.transport() === 'rest') {
        const r = await h.rest.raw('GET', '/v2/users/me/models?name=elsew*');
        assert.equal(r.http, 200, JSON.stringify(r.body));
        assert.deepEqual(
          r.body.models.map((m: { app_id: string; id: string }) => `${m.app_id}/${m.id}`),
          [`${otherAppId}/elsewhere`],
        );
      }
    });

    it('PostModelsSearches filters by model_query.name with pagination in the body', async () => {
      const all = await api.ok('PostModelsSearches', { user_app_id: uai, model_query: { name: 'pe*' } });
      assert.deepEqual(ids(all.models).sort(), ['pets', 'x-name']);
      const p1 = ids((await api.ok('PostModelsSearches', { user_app_id: uai, model_query: { name: 'pe*' }, pagination: { page: 1, per_page: 1 } })).models);
      const p2 = ids((await api.ok('PostModelsSearches', { user_app_id: uai, model_query: { name: 'pe*' }, pagination: { page: 2, per_page: 1 } })).models);
      const p3 = (await api.ok('PostModelsSearches', { user_app_id: uai, model_query: { name: 'pe*' }, pagination: { page: 3, per_page: 1 } })).models ?? [];
      assert.equal(p1.length, 1);
      assert.equal(p2.length, 1);
      assert.deepEqual([...p1, ...p2].sort(), ['pets', 'x-name']);
      assert.deepEqual(p3, []);
      await api.fails('PostModelsSearches', { user_app_id: uai, model_query: { name: 'pe*' }, pagination: { per_page: 1001 } }, 21203, 400);
    });

    it('PostModelsSearches filters by model_query.model_type_id and carries latest versions', async () => {
      const body = await api.ok('PostModelsSearches', { user_app_id: uai, model_query: { model_type_id: 'concept-thresholder' } });
      assert.deepEqual(ids(body.models), ['m-a']);
      assert.equal(body.models[0].model_version.id, maLatest);
    });

    it('walking pages in order (served by key after the first) gives every sort exactly once; a write in between falls back to offset', async () => {
      for (const sort of ['sort_by_name', 'sort_by_created_at', 'sort_by_modified_at']) {
        for (const sort_ascending of [true, false]) {
          const whole = await list({ [sort]: true, sort_ascending });
          const walked: string[] = [];
          for (let page = 1; page <= 6; page++) walked.push(...(await list({ [sort]: true, sort_ascending, page, per_page: 1 })));
          assert.deepEqual(walked, whole, `${sort} ${sort_ascending ? 'asc' : 'desc'}`);
        }
      }
      // Page 1 remembered, then a model appears at the front of created_at desc: page 2 must shift like OFFSET.
      const p1 = await list({ sort_by_created_at: true, page: 1, per_page: 2 });
      await newModel(api, uai, { id: 'z-newest' });
      const fresh = await list({ sort_by_created_at: true });
      assert.deepEqual(await list({ sort_by_created_at: true, page: 2, per_page: 2 }), fresh.slice(2, 4));
      assert.notDeepEqual(fresh.slice(0, 2), p1);
      await api.ok('DeleteModel', { user_app_id: uai, model_id: 'z-newest' });
    });
  },
  NO_WORKER,
);
