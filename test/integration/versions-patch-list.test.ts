import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, NO_WORKER, uid } from '../helpers/both.js';
import { apiOf, concepts, ids, newApp, newModel, newVersion, sleep, storedVersion, versionIds } from '../helpers/models.js';

describeBoth(
  'PatchModelVersions (description, metadata, license, visibility, output_info; not concepts, status, train_info)',
  (h) => {
    const api = apiOf(h);
    const appId = uid('app');
    let uai: { user_id: string; app_id: string };
    let vid: string;
    const getV = async (id = vid) => (await api.ok('GetModelVersion', { user_app_id: uai, model_id: 'pm', version_id: id })).model_version;
    const patch = (action: string | undefined, version: Record<string, unknown>) => ({
      user_app_id: uai,
      model_id: 'pm',
      ...(action ? { action } : {}),
      model_versions: [{ id: vid, ...version }],
    });

    before(async () => {
      uai = await newApp(api, appId);
      await newModel(api, uai, { id: 'pm' });
      vid = (await newVersion(api, uai, 'pm', { output_info: concepts('cat', 'dog'), description: 'v0', metadata: { a: 1, b: 2 } })).id;
    });

    it('changes description, license, visibility, metadata and output_info (output_config, params) and keeps the status', async () => {
      const before = await getV();
      await sleep(5);
      const body = await api.ok(
        'PatchModelVersions',
        patch('merge', {
          description: 'v1',
          license: 'Apache-2.0',
          visibility: { gettable: 50 },
          metadata: { c: 3 },
          output_info: { output_config: { concepts_mutually_exclusive: true }, params: { max_concepts: 5, min_value: 0.5 } },
        }),
      );
      const check = (v: Record<string, any>) => {
        assert.equal(v.id, vid);
        assert.equal(v.description, 'v1');
        assert.equal(v.license, 'Apache-2.0');
        assert.equal(v.visibility.gettable, 50);
        assert.deepEqual(v.metadata, { a: 1, b: 2, c: 3 });
        assert.equal(v.output_info.output_config.concepts_mutually_exclusive, true);
        assert.equal(v.output_info.params.max_concepts, 5);
        assert.equal(v.output_info.params.min_value, 0.5);
        assert.deepEqual(v.output_info.params.select_concepts ?? [], [], 'other params kept');
        assert.equal(v.status.code, 21103, 'status unchanged');
        assert.equal(v.active_concept_count, 2);
        assert.deepEqual(v.train_info, before.train_info, 'train_info unchanged');
        assert.equal(v.created_at, before.created_at);
        assert.notEqual(v.modified_at, before.modified_at);
      };
      check(body.model_versions[0]);
      check(await getV());
      assert.deepEqual(await versionIds(api, uai, 'pm'), [vid], 'no new version');
      const info = await api.ok('GetModelOutputInfo', { user_app_id: uai, model_id: 'pm' });
      assert.deepEqual(
        info.model.model_version.output_info.data.concepts.map((c: { id: string }) => c.id),
        ['cat', 'dog'],
        'concepts untouched',
      );
    });

    it('merge on metadata keeps other keys; remove deletes keys given as true; overwrite replaces the patchable view', async () => {
      await api.ok('PatchModelVersions', patch('merge', { metadata: { d: { x: 1, y: 2 } } }));
      assert.deepEqual((await getV()).metadata, { a: 1, b: 2, c: 3, d: { x: 1, y: 2 } });
      await api.ok('PatchModelVersions', patch('remove', { metadata: { a: true, d: { x: true } } }));
      const afterRemove = await getV();
      assert.deepEqual(afterRemove.metadata, { b: 2, c: 3, d: { y: 2 } });
      assert.equal(afterRemove.description, 'v1', 'remove keeps the fields not named');
      await api.ok('PatchModelVersions', patch('overwrite', { metadata: { only: true } }));
      const afterOverwrite = await getV();
      assert.deepEqual(afterOverwrite.metadata, { only: true });
      assert.ok(!afterOverwrite.description, 'overwrite empties the description not sent');
      assert.ok(!afterOverwrite.license, 'overwrite empties the license not sent');
      assert.equal(afterOverwrite.status.code, 21103, 'overwrite never touches the status');
      assert.equal(afterOverwrite.active_concept_count, 2, 'nor the concepts');
    });

    it('refuses concepts with 21202 (API-DECISIONS row 8) and changes nothing', async () => {
      const before = await getV();
      const st = await api.fails('PatchModelVersions', patch('merge', { description: 'not applied', output_info: concepts('bird') }), 21202, 400);
      assert.match(st.details ?? '', /concepts/);
      assert.match(st.details ?? '', /PostModelVersions/);
      assert.deepEqual(await getV(), before);
      const info = await api.ok('GetModelOutputInfo', { user_app_id: uai, model_id: 'pm' });
      assert.deepEqual(
        info.model.model_version.output_info.data.concepts.map((c: { id: string }) => c.id),
        ['cat', 'dog'],
      );
    });

    it('refuses train_info (and input_info) with 21202', async () => {
      const before = await getV();
      const st = await api.fails('PatchModelVersions', patch('merge', { train_info: { params: { num_epochs: 3 } } }), 21202, 400);
      assert.match(st.details ?? '', /train_info/);
      const st2 = await api.fails('PatchModelVersions', patch('merge', { input_info: { params: { x: 1 } } }), 21202, 400);
      assert.match(st2.details ?? '', /input_info/);
      assert.deepEqual(await getV(), before);
    });

    it('ignores a status sent back (echoed, server-managed): the version stays queued', async () => {
      const body = await api.ok('PatchModelVersions', patch('merge', { status: { code: 21100 }, description: 'echo' }));
      assert.equal(body.model_versions[0].status.code, 21103);
      assert.equal((await getV()).status.code, 21103);
    });

    it('validates output_info params against the model type', async () => {
      await api.ok('PatchModelVersions', patch('merge', { output_info: { params: { max_concepts: 9 } } }));
      const st = await api.fails('PatchModelVersions', patch('merge', { output_info: { params: { max_concepts: 500 } } }), 21202, 400);
      assert.match(st.details ?? '', /max_concepts/);
      const st2 = await api.fails('PatchModelVersions', patch('merge', { output_info: { params: { no_such_param: 1 } } }), 21202, 400);
      assert.match(st2.details ?? '', /no_such_param/);
      assert.equal((await getV()).output_info.params.max_concepts, 9, 'the refused patches changed nothing');
    });

    it('answers a missing version with 21200 naming it, and an unknown action with 21203', async () => {
      const st = await api.fails(
        'PatchModelVersions',
        { user_app_id: uai, model_id: 'pm', action: 'merge', model_versions: [{ id: 'ghost-version', description: 'x' }] },
        21200,
        404,
      );
      assert.match(st.details ?? '', /ghost-version/);
      await api.fails(
        'PatchModelVersions',
        { user_app_id: uai, model_id: 'ghost-model', action: 'merge', model_versions: [{ id: vid, description: 'x' }] },
        21200,
        404,
      );
      await api.fails('PatchModelVersions', patch('replace', { description: 'x' }), 21203, 400);
    });
  },
  NO_WORKER,
);

describeBoth(
  'DeleteModelVersion / ListModelVersions / ListModelConcepts',
  (h) => {
    const api = apiOf(h);
    const appId = uid('app');
    let uai: { user_id: string; app_id: string };
    let v1: string; // ec: cat, dog; description "b-second"
    let v2: string; // ec: cat, bird; description "a-first"

    before(async () => {
      uai = await newApp(api, appId);
      await newModel(api, uai, { id: 'ec' });
      await newModel(api, uai, { id: 'ct', model_type_id: 'concept-thresholder' });
      v1 = (await newVersion(api, uai, 'ec', { output_info: concepts('cat', 'dog'), description: 'b-second' })).id;
      await sleep(5);
      v2 = (await newVersion(api, uai, 'ec', { output_info: concepts('cat', 'bird'), description: 'a-first' })).id;
    });

    it('ListModelVersions lists newest first by default and sorts by created_at / description', async () => {
      assert.deepEqual(await versionIds(api, uai, 'ec'), [v2, v1]);
      assert.deepEqual(await versionIds(api, uai, 'ec', { sort_by_created_at: true, sort_ascending: true }), [v1, v2]);
      assert.deepEqual(await versionIds(api, uai, 'ec', { sort_by_description: true, sort_ascending: true }), [v2, v1]);
      assert.deepEqual(await versionIds(api, uai, 'ec', { sort_by_description: true }), [v1, v2]);
    });

    it('ListModelVersions pages', async () => {
      assert.deepEqual(await versionIds(api, uai, 'ec', { per_page: 1 }), [v2]);
      assert.deepEqual(await versionIds(api, uai, 'ec', { per_page: 1, page: 2 }), [v1]);
      assert.deepEqual(await versionIds(api, uai, 'ec', { per_page: 1, page: 3 }), []);
      await api.fails('ListModelVersions', { user_app_id: uai, model_id: 'ec', per_page: 1001 }, 21203, 400);
    });

    it('ListModelVersions filters by concept_ids (versions holding every one)', async () => {
      assert.deepEqual(await versionIds(api, uai, 'ec', { concept_ids: ['dog'] }), [v1]);
      assert.deepEqual(await versionIds(api, uai, 'ec', { concept_ids: ['bird'] }), [v2]);
      assert.deepEqual(await versionIds(api, uai, 'ec', { concept_ids: ['cat'] }), [v2, v1]);
      assert.deepEqual(await versionIds(api, uai, 'ec', { concept_ids: ['cat', 'dog'] }), [v1]);
      assert.deepEqual(await versionIds(api, uai, 'ec', { concept_ids: ['fish'] }), []);
    });

    it('ListModelVersions trained_only keeps TRAINED versions only', async () => {
      assert.deepEqual(await versionIds(api, uai, 'ec', { trained_only: true }), [], 'queued versions are not trained');
      const ct = await newVersion(api, uai, 'ct', { output_info: { data: { concepts: [{ id: 'cat', value: 0.5 }] } } });
      assert.deepEqual(await versionIds(api, uai, 'ct', { trained_only: true }), [ct.id]);
    });

    it('ListModelVersions of an unknown model is 21200', async () => {
      await api.fails('ListModelVersions', { user_app_id: uai, model_id: 'ghost' }, 21200, 404);
    });

    it("ListModelConcepts returns the latest version's concepts, or the named version's, with paging", async () => {
      const latest = await api.ok('ListModelConcepts', { user_app_id: uai, model_id: 'ec' });
      assert.deepEqual(ids(latest.concepts), ['cat', 'bird']);
      for (const c of latest.concepts) assert.equal(c.app_id, appId);
      const named = await api.ok('ListModelConcepts', { user_app_id: uai, model_id: 'ec', version_id: v1 });
      assert.deepEqual(ids(named.concepts), ['cat', 'dog']);
      const p1 = await api.ok('ListModelConcepts', { user_app_id: uai, model_id: 'ec', version_id: v1, per_page: 1 });
      const p2 = await api.ok('ListModelConcepts', { user_app_id: uai, model_id: 'ec', version_id: v1, per_page: 1, page: 2 });
      const p3 = await api.ok('ListModelConcepts', { user_app_id: uai, model_id: 'ec', version_id: v1, per_page: 1, page: 3 });
      assert.deepEqual(ids(p1.concepts), ['cat']);
      assert.deepEqual(ids(p2.concepts), ['dog']);
      assert.deepEqual(ids(p3.concepts), []);
      await api.fails('ListModelConcepts', { user_app_id: uai, model_id: 'ec', version_id: 'ghost' }, 21200, 404);
    });

    it('[REST] ListModelConcepts answers on /v2/users/{u}/apps/{a}/models/{m}/concepts', async (t) => {
      if (api.transport() !== 'rest') return t.skip('REST path check');
      const r = await h.rest.raw('GET', `/v2/users/me/apps/${appId}/models/ec/concepts?per_page=1&page=2`);
      assert.equal(r.http, 200, JSON.stringify(r.body));
      assert.deepEqual(ids(r.body.concepts), ['bird']);
      const rv = await h.rest.raw('GET', `/v2/users/me/apps/${appId}/models/ec/versions/${v1}/concepts`);
      assert.equal(rv.http, 200);
      assert.deepEqual(ids(rv.body.concepts), ['cat', 'dog']);
    });

    it('DeleteModelVersion of a queued version cancels its job and removes the version', async () => {
      const { version } = await storedVersion(h, appId, 'ec', v2);
      assert.ok(version);
      const jobsBefore = await h.server.store.jobs.getForVersion(version.pk);
      assert.equal(jobsBefore.length, 1);
      assert.equal(jobsBefore[0]!.state, 'queued');
      await api.ok('DeleteModelVersion', { user_app_id: uai, model_id: 'ec', version_id: v2 });
      const jobsAfter = await h.server.store.jobs.getForVersion(version.pk);
      assert.ok(
        jobsAfter.every((j) => j.state === 'cancelled'),
        `job cancelled or gone: ${JSON.stringify(jobsAfter)}`,
      );
      await api.fails('GetModelVersion', { user_app_id: uai, model_id: 'ec', version_id: v2 }, 21200, 404);
      assert.deepEqual(await versionIds(api, uai, 'ec'), [v1]);
      const got = await api.ok('GetModel', { user_app_id: uai, model_id: 'ec' });
      assert.equal(got.model.model_version.id, v1, 'the previous version is the latest again');
      // The other version's job is untouched.
      const { version: kept } = await storedVersion(h, appId, 'ec', v1);
      assert.equal((await h.server.store.jobs.getForVersion(kept!.pk))[0]?.state, 'queued');
    });

    it('DeleteModelVersion of an unknown version is 21200', async () => {
      const st = await api.fails('DeleteModelVersion', { user_app_id: uai, model_id: 'ec', version_id: v2 }, 21200, 404);
      assert.match(st.details ?? '', new RegExp(v2));
      assert.deepEqual(await versionIds(api, uai, 'ec'), [v1]);
    });
  },
  NO_WORKER,
);
