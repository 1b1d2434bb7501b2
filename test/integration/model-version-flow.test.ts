import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeBoth, NO_WORKER, uid } from '../helpers/both.js';
import { assertConforms } from '../helpers/conformance.js';
import { TEST_USER } from '../helpers/server.js';

describeBoth(
  '2023-01-20 model/version flow',
  (h) => {
    const app = uid('app');
    const uai = () => ({ user_id: 'me', app_id: app });

    it('creates an app', async () => {
      const r = await h.api.call('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: app }] });
      assert.equal(r.body.status.code, 10000, JSON.stringify(r.body.status));
      assert.equal(r.body.apps[0].id, app);
      assert.equal(r.body.apps[0].user_id, TEST_USER);
    });

    it('PostModels creates a model and no version', async () => {
      const r = await h.api.call('PostModels', { user_app_id: uai(), model: { id: 'pets', notes: 'my pets' } });
      assert.equal(r.body.status.code, 10000, JSON.stringify(r.body.status));
      assert.equal(r.body.model.id, 'pets');
      assert.equal(r.body.model.model_type_id, 'embedding-classifier');
      assert.equal(r.body.model.model_version, undefined);
      if (h.api.transport === 'rest') assertConforms('PostModels', r.body);
      const versions = await h.api.call('ListModelVersions', { user_app_id: uai(), model_id: 'pets' });
      assert.deepEqual(versions.body.model_versions ?? [], []);
    });

    it('PostModelVersions on a trainable type queues training with the version config', async () => {
      const r = await h.api.call('PostModelVersions', {
        user_app_id: uai(),
        model_id: 'pets',
        model_versions: [
          {
            output_info: {
              data: {
                concepts: [
                  { id: 'cat', value: 1 },
                  { id: 'dog', value: 1 },
                ],
              },
              output_config: { concepts_mutually_exclusive: true },
            },
          },
        ],
      });
      assert.equal(r.body.status.code, 10000, JSON.stringify(r.body.status));
      const v = r.body.model.model_version;
      assert.match(v.id, /^[0-9a-f]{32}$/);
      assert.equal(v.status.code, 21103);
      assert.equal(v.active_concept_count, 2);
      assert.equal(v.output_info.params.max_concepts, 20);
      assert.equal(v.output_info.output_config.concepts_mutually_exclusive, true);
      if (h.api.transport === 'rest') assertConforms('PostModelVersions', r.body);
      const info = await h.api.call('GetModelOutputInfo', { user_app_id: uai(), model_id: 'pets' });
      assert.deepEqual(
        info.body.model.model_version.output_info.data.concepts.map((c: { id: string }) => c.id),
        ['cat', 'dog'],
      );
    });

    it('PatchModels changes model fields only and never makes a version', async () => {
      const r = await h.api.call('PatchModels', {
        user_app_id: uai(),
        action: 'merge',
        models: [{ id: 'pets', description: 'Pets', metadata: { team: 'a' } }],
      });
      assert.equal(r.body.status.code, 10000, JSON.stringify(r.body.status));
      assert.equal(r.body.models[0].description, 'Pets');
      assert.equal(r.body.models[0].notes, 'my pets');
      const versions = await h.api.call('ListModelVersions', { user_app_id: uai(), model_id: 'pets' });
      assert.equal(versions.body.model_versions.length, 1);
    });

    it('PatchModelVersions changes output_info but refuses concepts', async () => {
      const list = await h.api.call('ListModelVersions', { user_app_id: uai(), model_id: 'pets' });
      const vid = list.body.model_versions[0].id;
      const ok = await h.api.call('PatchModelVersions', {
        user_app_id: uai(),
        model_id: 'pets',
        action: 'merge',
        model_versions: [{ id: vid, description: 'v1', output_info: { params: { max_concepts: 5 } } }],
      });
      assert.equal(ok.body.status.code, 10000, JSON.stringify(ok.body.status));
      assert.equal(ok.body.model_versions[0].output_info.params.max_concepts, 5);
      assert.equal(ok.body.model_versions[0].description, 'v1');
      const bad = await h.api.call('PatchModelVersions', {
        user_app_id: uai(),
        model_id: 'pets',
        action: 'merge',
        model_versions: [{ id: vid, output_info: { data: { concepts: [{ id: 'bird' }] } } }],
      });
      assert.equal(bad.body.status.code, 21202);
      assert.match(bad.body.status.details, /concepts/);
      if (h.api.transport === 'rest') assert.equal(bad.http, 400);
    });
  },
  NO_WORKER,
);
