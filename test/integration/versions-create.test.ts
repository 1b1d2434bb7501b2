import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, NO_WORKER, uid } from '../helpers/both.js';
import { apiOf, concepts, newApp, newModel, storedVersion, versionIds } from '../helpers/models.js';

const HEX32 = /^[0-9a-f]{32}$/;

describeBoth(
  'PostModelVersions (one version per call, validated against the model type)',
  (h) => {
    const api = apiOf(h);
    const appId = uid('app');
    let uai: { user_id: string; app_id: string };
    const post = (modelId: string, body: Record<string, unknown>) => ({ user_app_id: uai, model_id: modelId, ...body });
    /** Asserts the failed call left the model without versions (a failed request writes nothing). */
    const noVersions = async (modelId: string) => assert.deepEqual(await versionIds(api, uai, modelId), []);

    before(async () => {
      uai = await newApp(api, appId);
      await newModel(api, uai, { id: 'ec' });
      await newModel(api, uai, { id: 'ec-fail' });
      await newModel(api, uai, { id: 'tc', model_type_id: 'text-classifier' });
      await newModel(api, uai, { id: 'ct', model_type_id: 'concept-thresholder' });
      await newModel(api, uai, { id: 'cl', model_type_id: 'clusterer' });
    });

    it('without model_versions answers 21203 explaining model_versions[0] (API-DECISIONS row 6)', async () => {
      const st = await api.fails('PostModelVersions', post('ec-fail', {}), 21203, 400);
      assert.equal(st.description, 'Invalid model request');
      assert.match(st.details ?? '', /model_versions\[0\]/);
      await noVersions('ec-fail');
    });

    it('with two entries answers 21203 and writes nothing (row 4)', async () => {
      const st = await api.fails(
        'PostModelVersions',
        post('ec-fail', { model_versions: [{ output_info: concepts('a') }, { output_info: concepts('b') }] }),
        21203,
        400,
      );
      assert.match(st.details ?? '', /one version/);
      await noVersions('ec-fail');
    });

    it('on an unknown model answers 21200', async () => {
      await api.fails('PostModelVersions', post('ghost', { model_versions: [{ output_info: concepts('a') }] }), 21200, 404);
    });

    it('trainable type: 21103 with a queued training job written with the version', async () => {
      const body = await api.ok('PostModelVersions', post('ec', { model_versions: [{ output_info: concepts('cat', 'dog') }] }));
      assert.equal(body.model.id, 'ec');
      const v = body.model.model_version;
      assert.match(v.id, HEX32);
      assert.equal(v.status.code, 21103);
      assert.equal(v.status.description, 'Model is currently in queue for training.');
      assert.equal(v.active_concept_count, 2);
      assert.equal(v.completed_at, undefined, 'not completed while queued');
      const { version } = await storedVersion(h, appId, 'ec', v.id);
      assert.ok(version);
      const jobs = await h.server.store.jobs.getForVersion(version.pk);
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]!.state, 'queued');
      assert.equal(jobs[0]!.kind, 'train-model-version');
      const gv = await api.ok('GetModelVersion', { user_app_id: uai, model_id: 'ec', version_id: v.id });
      assert.equal(gv.model_version.status.code, 21103, 'the job waits: nothing fakes training');
    });

    it('non-trainable type (concept-thresholder): 21100 at once with completed_at, no job', async () => {
      // Concept.value is a proto float: binary fractions survive the gRPC round trip exactly.
      const body = await api.ok(
        'PostModelVersions',
        post('ct', {
          model_versions: [
            {
              output_info: {
                data: {
                  concepts: [
                    { id: 'cat', value: 0.75 },
                    { id: 'dog', value: 0.25 },
                  ],
                },
              },
            },
          ],
        }),
      );
      const v = body.model.model_version;
      assert.equal(v.status.code, 21100);
      assert.equal(v.status.description, 'Model is trained and ready');
      assert.ok(v.completed_at, 'completed_at is set');
      assert.equal(v.active_concept_count, 2);
      assert.equal(v.output_info.params.concept_threshold_type, 'GREATER_THAN', 'default param filled in');
      const { version } = await storedVersion(h, appId, 'ct', v.id);
      assert.ok(version);
      assert.deepEqual(await h.server.store.jobs.getForVersion(version.pk), []);
      const info = await api.ok('GetModelOutputInfo', { user_app_id: uai, model_id: 'ct', version_id: v.id });
      assert.deepEqual(
        info.model.model_version.output_info.data.concepts.map((c: { id: string; value: number }) => [c.id, c.value]),
        [
          ['cat', 0.75],
          ['dog', 0.25],
        ],
      );
    });

    it('honours a client-supplied version id and refuses a reused one with 40010 (HTTP 409)', async () => {
      const body = await api.ok('PostModelVersions', post('ec', { model_versions: [{ id: 'my-v1', output_info: concepts('cat') }] }));
      assert.equal(body.model.model_version.id, 'my-v1');
      const before = await versionIds(api, uai, 'ec');
      const st = await api.fails('PostModelVersions', post('ec', { model_versions: [{ id: 'my-v1', output_info: concepts('dog') }] }), 40010, 409);
      assert.match(st.details ?? '', /my-v1/);
      assert.deepEqual(await versionIds(api, uai, 'ec'), before);
      const info = await api.ok('GetModelOutputInfo', { user_app_id: uai, model_id: 'ec', version_id: 'my-v1' });
      assert.deepEqual(
        info.model.model_version.output_info.data.concepts.map((c: { id: string }) => c.id),
        ['cat'],
        'the first version is untouched',
      );
    });

    it('refuses a malformed client-supplied version id with 21202', async () => {
      await api.fails('PostModelVersions', post('ec-fail', { model_versions: [{ id: 'bad id', output_info: concepts('cat') }] }), 21202, 400);
      await noVersions('ec-fail');
    });

    it('merges the *_info params with the model type defaults and stores them', async () => {
      const body = await api.ok(
        'PostModelVersions',
        post('ec', {
          model_versions: [
            {
              id: 'params-v',
              output_info: { ...concepts('cat'), output_config: { concepts_mutually_exclusive: true }, params: { max_concepts: 7 } },
              train_info: { params: { num_epochs: 7 } },
            },
          ],
        }),
      );
      const check = (v: Record<string, any>) => {
        assert.equal(v.train_info.params.num_epochs, 7, 'given value kept');
        assert.equal(v.train_info.params.learning_rate, 0.003, 'default filled');
        assert.equal(v.train_info.params.enrich_dataset, 'Automatic', 'ENUM default filled');
        assert.equal(v.train_info.params.dataset_id, '');
        assert.equal(v.output_info.params.max_concepts, 7);
        assert.equal(v.output_info.params.min_value, 0);
        assert.deepEqual(v.output_info.params.select_concepts ?? [], []);
        assert.equal(v.output_info.output_config.concepts_mutually_exclusive, true);
        assert.equal(v.input_info?.base_embed_model, undefined, 'no base model until training sees the inputs');
      };
      check(body.model.model_version);
      check((await api.ok('GetModelVersion', { user_app_id: uai, model_id: 'ec', version_id: 'params-v' })).model_version);
    });

    it('text-classifier: the required template is filled from the request and its hyper-parameters defaulted', async () => {
      const body = await api.ok(
        'PostModelVersions',
        post('tc', { model_versions: [{ output_info: concepts('spam', 'ham'), train_info: { params: { template: 'modelkeep_text_logreg' } } }] }),
      );
      const v = body.model.model_version;
      assert.equal(v.status.code, 21103);
      assert.equal(v.train_info.params.template, 'modelkeep_text_logreg');
      assert.equal(v.train_info.params.num_epochs, 50);
      assert.equal(v.train_info.params.batch_size, 32);
    });

    it('refuses an unknown train_info param with 21202 naming it and the allowed keys', async () => {
      const st = await api.fails(
        'PostModelVersions',
        post('ec-fail', { model_versions: [{ output_info: concepts('cat'), train_info: { params: { bogus_knob: 3 } } }] }),
        21202,
        400,
      );
      assert.match(st.details ?? '', /train_info\.params\.bogus_knob/);
      assert.match(st.details ?? '', /num_epochs/);
      assert.match(st.details ?? '', /learning_rate/);
      await noVersions('ec-fail');
    });

    it('refuses an out-of-range param (output_info.params.max_concepts 500) with 21202 giving the range', async () => {
      const st = await api.fails(
        'PostModelVersions',
        post('ec-fail', { model_versions: [{ output_info: { ...concepts('cat'), params: { max_concepts: 500 } } }] }),
        21202,
        400,
      );
      assert.match(st.details ?? '', /max_concepts/);
      assert.match(st.details ?? '', /500/);
      assert.match(st.details ?? '', /200/);
      await noVersions('ec-fail');
    });

    it('refuses a train_info number out of range (num_epochs 0)', async () => {
      const st = await api.fails(
        'PostModelVersions',
        post('ec-fail', { model_versions: [{ output_info: concepts('cat'), train_info: { params: { num_epochs: 0 } } }] }),
        21202,
        400,
      );
      assert.match(st.details ?? '', /num_epochs/);
      await noVersions('ec-fail');
    });

    it('refuses a bad ENUM value with 21202 listing the allowed values', async () => {
      const st = await api.fails(
        'PostModelVersions',
        post('ec-fail', { model_versions: [{ output_info: concepts('cat'), train_info: { params: { enrich_dataset: 'Sometimes' } } }] }),
        21202,
        400,
      );
      assert.match(st.details ?? '', /enrich_dataset/);
      assert.match(st.details ?? '', /Sometimes/);
      assert.match(st.details ?? '', /Automatic/);
      assert.match(st.details ?? '', /Disabled/);
      await noVersions('ec-fail');
      const st2 = await api.fails(
        'PostModelVersions',
        post('tc', { model_versions: [{ id: 'tc-bad', output_info: concepts('spam'), train_info: { params: { template: 'nope' } } }] }),
        21202,
        400,
      );
      assert.match(st2.details ?? '', /template/);
      assert.match(st2.details ?? '', /modelkeep_text_logreg/);
      await api.fails('GetModelVersion', { user_app_id: uai, model_id: 'tc', version_id: 'tc-bad' }, 21200, 404);
    });

    it('refuses a text-classifier version without its required template', async () => {
      const st = await api.fails('PostModelVersions', post('tc', { model_versions: [{ id: 'tc-none', output_info: concepts('spam') }] }), 21202, 400);
      assert.match(st.details ?? '', /template/);
      await api.fails('GetModelVersion', { user_app_id: uai, model_id: 'tc', version_id: 'tc-none' }, 21200, 404);
    });

    it('refuses concepts on a type that takes none (clusterer) with 21202', async () => {
      const st = await api.fails('PostModelVersions', post('cl', { model_versions: [{ output_info: concepts('cat') }] }), 21202, 400);
      assert.match(st.details ?? '', /clusterer/);
      assert.match(st.details ?? '', /concepts/);
      await noVersions('cl');
      const ok = await api.ok('PostModelVersions', post('cl', { model_versions: [{ train_info: { params: { num_clusters: 4 } } }] }));
      assert.equal(ok.model.model_version.status.code, 21103);
      assert.equal(ok.model.model_version.active_concept_count ?? 0, 0);
      assert.equal(ok.model.model_version.train_info.params.num_clusters, 4);
    });

    it('refuses a concept-producing version without concepts', async () => {
      const st = await api.fails('PostModelVersions', post('ec-fail', { model_versions: [{}] }), 21202, 400);
      assert.match(st.details ?? '', /concepts/);
      await noVersions('ec-fail');
    });

    it('refuses a concept-thresholder threshold outside 0..1', async () => {
      const before = await versionIds(api, uai, 'ct');
      const st = await api.fails(
        'PostModelVersions',
        post('ct', { model_versions: [{ output_info: { data: { concepts: [{ id: 'cat', value: 3 }] } } }] }),
        21202,
        400,
      );
      assert.match(st.details ?? '', /threshold/);
      assert.deepEqual(await versionIds(api, uai, 'ct'), before);
    });

    it('after all the refusals above, the failing model still has no version and no job', async () => {
      await noVersions('ec-fail');
      const m = await h.server.store.models.get('tester', appId, 'ec-fail');
      assert.ok(m);
      assert.equal((await h.server.store.versions.latestOf([m.pk])).size, 0);
    });
  },
  NO_WORKER,
);
