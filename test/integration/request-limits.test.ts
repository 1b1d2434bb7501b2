import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { expectApi } from '../helpers/access.js';
import { describeBoth, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';

const me = { user_id: 'me' };
const range = (n: number, f: (i: number) => unknown = (i) => `x${i}`): any[] => Array.from({ length: n }, (_, i) => f(i));

/** What one call may carry (src/domain/limits.ts, decision 0012): over a limit -> a 4xx status naming it, nothing written. */
describeBoth('request limits', (h) => {
  const api = expectApi(h);
  const app = uid('lim');
  const uai = { user_id: 'me', app_id: app };
  const appIds = async (): Promise<string[]> => ((await api.ok('ListApps', { user_app_id: me, per_page: 1000 })).apps as ApiObject[]).map((a) => a.id).sort();

  before(async () => {
    await api.ok('PostApps', { user_app_id: me, apps: [{ id: app }] });
    await api.ok('PostModels', { user_app_id: uai, model: { id: 'keeper', model_type_id: 'concept-thresholder' } });
    await api.ok('PostInputs', {
      user_app_id: uai,
      inputs: [{ id: 'in1', data: { text: { raw: 'hello' }, concepts: range(100, (i) => ({ id: `c${i}`, value: 1 })) } }],
    });
  });

  it('PostApps: 129 apps -> 11100 naming the limit; none created (128 is fine)', async () => {
    const before = await appIds();
    const s = await api.fails('PostApps', { user_app_id: me, apps: range(129, (i) => ({ id: `${app}-many-${i}` })) }, 11100, 400);
    assert.match(s.details ?? '', /PostApps takes at most 128 apps per call; got 129/);
    assert.deepEqual(await appIds(), before);
    await api.ok('PostApps', { user_app_id: me, apps: range(128, (i) => ({ id: `${app}-ok-${i}` })) });
    assert.equal((await appIds()).length, before.length + 128);
  });

  it('PostKeys: 129 keys -> 11100 naming the limit; none created', async () => {
    const keys = async () => ((await api.ok('ListKeys', { user_app_id: me, per_page: 1000 })).keys as ApiObject[]).length;
    const n = await keys();
    const s = await api.fails(
      'PostKeys',
      { user_app_id: me, keys: range(129, (i) => ({ description: `k${i}`, scopes: ['All'], apps: [{ id: app, user_id: 'me' }] })) },
      11100,
      400,
    );
    assert.match(s.details ?? '', /PostKeys takes at most 128 keys per call; got 129/);
    assert.equal(await keys(), n);
  });

  it('DeleteModels with 4,000 ids -> 21203 naming the limit, at once; nothing deleted', async () => {
    const t0 = performance.now();
    const s = await api.fails('DeleteModels', { user_app_id: uai, ids: ['keeper', ...range(3999)] }, 21203, 400);
    assert.match(s.details ?? '', /DeleteModels takes at most 128 ids per call; got 4000/);
    assert.ok(performance.now() - t0 < 2000, 'refused before any lookup');
    await api.ok('GetModel', { user_app_id: uai, model_id: 'keeper' });
  });

  it('PatchModels, PatchModelIds, PatchModelVersions: 129 items -> 21203 naming the list', async () => {
    let s = await api.fails('PatchModels', { user_app_id: uai, action: 'merge', models: range(129, () => ({ id: 'keeper', name: 'n' })) }, 21203, 400);
    assert.match(s.details ?? '', /at most 128 models per call; got 129/);
    s = await api.fails('PatchModelIds', { user_app_id: uai, action: 'overwrite', ids: range(129, (i) => ({ id: 'keeper', new_id: `k${i}` })) }, 21203, 400);
    assert.match(s.details ?? '', /at most 128 ids per call/);
    s = await api.fails(
      'PatchModelVersions',
      { user_app_id: uai, model_id: 'keeper', action: 'merge', model_versions: range(129, (i) => ({ id: `v${i}` })) },
      21203,
      400,
    );
    assert.match(s.details ?? '', /at most 128 model_versions per call/);
    await api.ok('GetModel', { user_app_id: uai, model_id: 'keeper' });
  });

  it('ListInputs ids and ListModelVersions concept_ids: 129 -> refused naming the field', async () => {
    let s = await api.fails('ListInputs', { user_app_id: uai, ids: range(129) }, 39999, 400);
    assert.match(s.details ?? '', /ListInputs takes at most 128 ids/);
    s = await api.fails('ListModelVersions', { user_app_id: uai, model_id: 'keeper', concept_ids: range(129) }, 21203, 400);
    assert.match(s.details ?? '', /at most 128 concept_ids/);
  });

  it('PostDatasetVersions: 129 versions -> 11100 naming the limit; none created', async () => {
    await api.ok('PostDatasets', { user_app_id: uai, datasets: [{ id: 'ds' }] });
    const s = await api.fails('PostDatasetVersions', { user_app_id: uai, dataset_id: 'ds', dataset_versions: range(129, () => ({})) }, 11100, 400);
    assert.match(s.details ?? '', /at most 128 dataset_versions per call; got 129/);
    assert.deepEqual((await api.ok('ListDatasetVersions', { user_app_id: uai, dataset_id: 'ds' })).dataset_versions ?? [], []);
  });

  it('labels per input: 129 or 20,000 concepts -> 30104 naming data.concepts (not 500); a merge past 128 too', async () => {
    for (const n of [129, 20_000]) {
      const s = await api.fails(
        'PostInputs',
        { user_app_id: uai, inputs: [{ id: `big${n}`, data: { text: { raw: 'x' }, concepts: range(n, (i) => ({ id: `c${i}`, value: 1 })) } }] },
        30104,
        400,
      );
      assert.match(s.details ?? '', new RegExp(`inputs\\[0\\]\\.data\\.concepts has ${n} concepts; an input carries at most 128 labels`));
    }
    // in1 has 100 labels: merging 29 new ones would make 129.
    const s = await api.fails(
      'PatchInputs',
      { user_app_id: uai, action: 'merge', inputs: [{ id: 'in1', data: { concepts: range(29, (i) => ({ id: `n${i}`, value: 1 })) } }] },
      30104,
      400,
    );
    assert.match(s.details ?? '', /at most 128 labels/);
    const got = await api.ok('GetInput', { user_app_id: uai, input_id: 'in1' });
    assert.equal(got.input.data.concepts.length, 100);
    const ids = ((await api.ok('ListInputs', { user_app_id: uai, per_page: 1000 })).inputs as ApiObject[]).map((x) => x.id);
    assert.deepEqual(ids, ['in1']);
  });

  it('PostInputs at the caps: 128 inputs × 128 labels in a dataset are stored (once a 500: too many SQL parameters), and snapshot', async () => {
    const full = { user_id: 'me', app_id: uid('lim-full') };
    await api.ok('PostApps', { user_app_id: me, apps: [{ id: full.app_id }] });
    await api.ok('PostDatasets', { user_app_id: full, datasets: [{ id: 'ds' }] });
    const labels = range(128, (i) => ({ id: `c${i}`, value: i % 2 }));
    await api.ok('PostInputs', {
      user_app_id: full,
      inputs: range(128, (i) => ({ id: `f${i}`, data: { text: { raw: `text ${i}` }, concepts: labels }, dataset_ids: ['ds'] })),
    });
    const last = await api.ok('GetInput', { user_app_id: full, input_id: 'f127' });
    assert.deepEqual(
      last.input.data.concepts.map((c: ApiObject) => c.id),
      labels.map((l) => l.id),
    );
    const v = await api.ok('PostDatasetVersions', { user_app_id: full, dataset_id: 'ds', dataset_versions: [{ id: 'v1' }] });
    assert.equal(v.dataset_versions[0].id, 'v1');
    const members = await api.ok('ListDatasetInputs', { user_app_id: full, dataset_id: 'ds', per_page: 1000 });
    assert.equal(members.dataset_inputs.length, 128);
  });

  it('names over 512 and descriptions over 4,096 characters -> refused naming the field; long input not echoed back', async () => {
    let s = await api.fails('PostModels', { user_app_id: uai, model: { id: 'long', name: 'n'.repeat(60_000) } }, 21202, 400);
    assert.equal(s.details, 'name is 60000 characters; the limit is 512.');
    s = await api.fails('PatchModels', { user_app_id: uai, action: 'merge', models: [{ id: 'keeper', name: 'n'.repeat(513) }] }, 21202, 400);
    assert.match(s.details ?? '', /name is 513 characters; the limit is 512/);
    await api.ok('PostModels', { user_app_id: uai, model: { id: 'long', name: 'n'.repeat(512) } });
    s = await api.fails('PostApps', { user_app_id: me, apps: [{ id: `${app}-long`, name: 'n'.repeat(513) }] }, 11100, 400);
    assert.match(s.details ?? '', /apps\[\]\.name is 513 characters/);
    s = await api.fails('PostApps', { user_app_id: me, apps: [{ id: `${app}-long`, description: 'd'.repeat(4097) }] }, 11100, 400);
    assert.match(s.details ?? '', /apps\[\]\.description is 4097 characters; the limit is 4096/);
    s = await api.fails(
      'PostKeys',
      { user_app_id: me, keys: [{ description: 'd'.repeat(4097), scopes: ['All'], apps: [{ id: app, user_id: 'me' }] }] },
      11100,
      400,
    );
    assert.match(s.details ?? '', /keys\[0\]\.description is 4097 characters/);
    s = await api.fails('PostModels', { user_app_id: uai, model: { id: 'typed', model_type_id: 't'.repeat(60_000) } }, 21202, 400);
    assert.ok((s.details ?? '').length < 2000, `details echo at most 140 characters of the input (${(s.details ?? '').length})`);
  });

  it('search text over 256 characters -> 21202 naming the field (a 60,000-character model_query.name answered 500)', async () => {
    let s = await api.fails('PostModelsSearches', { user_app_id: uai, model_query: { name: 'n'.repeat(60_000) } }, 21202, 400);
    assert.match(s.details ?? '', /model_query\.name is 60000 characters; search text is at most 256/);
    s = await api.fails('ListModels', { user_app_id: uai, name: 'n'.repeat(257) }, 21202, 400);
    assert.match(s.details ?? '', /^name is 257 characters/);
    s = await api.fails('ListModels', { user_app_id: uai, query: 'word '.repeat(60) }, 21202, 400);
    assert.match(s.details ?? '', /^query is 300 characters/);
    const ok = await api.ok('PostModelsSearches', { user_app_id: uai, model_query: { name: 'k'.repeat(256) } });
    assert.deepEqual(ok.models ?? [], []);
  });

  it('ListConcepts id filter over 256 characters -> 40003 naming the filter (a 300,000-character one answered 98004: found by the fuzz suite)', async () => {
    const s = await api.fails('ListConcepts', { user_app_id: uai, id: 'z'.repeat(3000) }, 40003, 400);
    assert.match(s.details ?? '', /^id \(the concept id filter\) is 3000 characters; the limit is 256/);
    assert.deepEqual((await api.ok('ListConcepts', { user_app_id: uai, id: 'z'.repeat(256) })).concepts ?? [], []);
  });

  it('a query key of 3,000 dot-separated parts -> 11100 naming the limit, not a stack overflow (98004; found by the fuzz suite)', async () => {
    const r = await h.rest.raw('GET', `/v2/users/me/apps?${'a.'.repeat(2999)}a=1`);
    assert.equal(r.http, 400);
    assert.equal(r.body.status.code, 11100);
    assert.match(r.body.status.details, /^a\.a\.a…: the key has 3000 dot-separated parts; fields nest at most 32 levels/);
  });
});
