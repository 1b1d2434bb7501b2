import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, NO_WORKER, uid } from '../helpers/both.js';
import { apiOf, concepts, newApp, newModel, newVersion, sleep, storedVersion, versionIds } from '../helpers/models.js';

describeBoth(
  'PatchModels (decision 0003: merge / overwrite / remove on model fields only)',
  (h) => {
    const api = apiOf(h);
    const appId = uid('app');
    let uai: { user_id: string; app_id: string };
    const get = async (id: string) => (await api.ok('GetModel', { user_app_id: uai, model_id: id })).model;
    before(async () => {
      uai = await newApp(api, appId);
    });

    it('merge changes the fields sent and keeps the others; metadata deep-merges', async () => {
      await newModel(api, uai, { id: 'mg', name: 'Merge me', description: 'd0', notes: 'n0', metadata: { a: 1, nested: { x: 1 } } });
      const body = await api.ok('PatchModels', {
        user_app_id: uai,
        action: 'merge',
        models: [{ id: 'mg', description: 'd1', metadata: { b: 2, nested: { y: 2 } } }],
      });
      const m = body.models[0];
      assert.equal(m.id, 'mg');
      assert.equal(m.description, 'd1');
      assert.equal(m.notes, 'n0');
      assert.equal(m.name, 'Merge me');
      assert.deepEqual(m.metadata, { a: 1, b: 2, nested: { x: 1, y: 2 } });
      const stored = await get('mg');
      assert.equal(stored.description, 'd1');
      assert.equal(stored.notes, 'n0');
      assert.deepEqual(stored.metadata, { a: 1, b: 2, nested: { x: 1, y: 2 } });
    });

    it('a missing action means merge', async () => {
      await newModel(api, uai, { id: 'noaction', description: 'd0', notes: 'n0' });
      const body = await api.ok('PatchModels', { user_app_id: uai, models: [{ id: 'noaction', description: 'd1' }] });
      assert.equal(body.models[0].description, 'd1');
      assert.equal(body.models[0].notes, 'n0');
    });

    it('overwrite empties the fields not sent; the name falls back to the id', async () => {
      await newModel(api, uai, { id: 'ow', name: 'Fancy', description: 'd0', notes: 'n0', metadata: { a: 1 }, toolkits: ['tk'] });
      const body = await api.ok('PatchModels', { user_app_id: uai, action: 'overwrite', models: [{ id: 'ow', description: 'only this' }] });
      const m = body.models[0];
      assert.equal(m.description, 'only this');
      assert.ok(!m.notes, `notes emptied, got ${JSON.stringify(m.notes)}`);
      assert.equal(m.name, 'ow');
      assert.deepEqual(m.metadata ?? {}, {});
      assert.deepEqual(m.toolkits ?? [], []);
      const stored = await get('ow');
      assert.ok(!stored.notes);
      assert.equal(stored.name, 'ow');
      assert.deepEqual(stored.metadata ?? {}, {});
      assert.equal(stored.model_type_id, 'embedding-classifier', 'overwrite never touches the type');
    });

    it('remove deletes the metadata keys given as true and keeps the rest', async () => {
      await newModel(api, uai, { id: 'rm', description: 'keep me', metadata: { a: 1, b: 2, nested: { x: 1, y: 2 } } });
      const body = await api.ok('PatchModels', { user_app_id: uai, action: 'remove', models: [{ id: 'rm', metadata: { a: true, nested: { x: true } } }] });
      assert.deepEqual(body.models[0].metadata, { b: 2, nested: { y: 2 } });
      assert.equal(body.models[0].description, 'keep me');
      assert.deepEqual((await get('rm')).metadata, { b: 2, nested: { y: 2 } });
    });

    it('refuses a model_type_id change with 21202 and changes nothing', async () => {
      await newModel(api, uai, { id: 'typed', description: 'before' });
      const st = await api.fails(
        'PatchModels',
        { user_app_id: uai, action: 'merge', models: [{ id: 'typed', model_type_id: 'text-classifier', description: 'after' }] },
        21202,
        400,
      );
      assert.match(st.details ?? '', /model_type_id/);
      const m = await get('typed');
      assert.equal(m.model_type_id, 'embedding-classifier');
      assert.equal(m.description, 'before');
    });

    it('accepts the unchanged model_type_id echoed back', async () => {
      const body = await api.ok('PatchModels', {
        user_app_id: uai,
        action: 'merge',
        models: [{ id: 'typed', model_type_id: 'embedding-classifier', description: 'echo' }],
      });
      assert.equal(body.models[0].description, 'echo');
    });

    it('refuses an unknown action with 21203', async () => {
      const st = await api.fails('PatchModels', { user_app_id: uai, action: 'replace', models: [{ id: 'typed', description: 'x' }] }, 21203, 400);
      assert.match(st.details ?? '', /replace/);
      assert.equal((await get('typed')).description, 'echo');
    });

    it('refuses output_info with content on PatchModels (row 7) naming PatchModelVersions', async () => {
      const st = await api.fails('PatchModels', { user_app_id: uai, action: 'merge', models: [{ id: 'typed', output_info: concepts('cat') }] }, 21202, 400);
      assert.match(st.details ?? '', /PatchModelVersions/);
    });

    it('answers an unknown model with 21200, and a batch with one unknown model changes nothing', async () => {
      await api.fails('PatchModels', { user_app_id: uai, action: 'merge', models: [{ id: 'ghost', description: 'x' }] }, 21200, 404);
      await api.fails(
        'PatchModels',
        {
          user_app_id: uai,
          action: 'merge',
          models: [
            { id: 'typed', description: 'batched' },
            { id: 'ghost', description: 'x' },
          ],
        },
        21200,
        404,
      );
      assert.equal((await get('typed')).description, 'echo');
    });

    it('never creates or changes a version', async () => {
      await newModel(api, uai, { id: 'withv' });
      const v = await newVersion(api, uai, 'withv', { output_info: concepts('cat'), description: 'v-desc', metadata: { k: 'v' } });
      const before = (await api.ok('GetModelVersion', { user_app_id: uai, model_id: 'withv', version_id: v.id })).model_version;
      await sleep(5);
      for (const action of ['merge', 'overwrite', 'remove']) {
        await api.ok('PatchModels', {
          user_app_id: uai,
          action,
          models: [{ id: 'withv', description: `by ${action}`, metadata: { k: action === 'remove' ? true : 'model' } }],
        });
      }
      assert.deepEqual(await versionIds(api, uai, 'withv'), [v.id]);
      const after = (await api.ok('GetModelVersion', { user_app_id: uai, model_id: 'withv', version_id: v.id })).model_version;
      assert.equal(after.modified_at, before.modified_at);
      assert.deepEqual(after, before);
      assert.equal(after.description, 'v-desc');
      assert.deepEqual(after.metadata, { k: 'v' });
      const m = await get('withv');
      assert.equal(m.model_version.id, v.id);
    });
  },
  NO_WORKER,
);

describeBoth(
  'PatchModelIds / DeleteModel / DeleteModels',
  (h) => {
    const api = apiOf(h);
    const appId = uid('app');
    let uai: { user_id: string; app_id: string };
    before(async () => {
      uai = await newApp(api, appId);
    });

    it('PatchModelIds renames a model and its versions follow', async () => {
      await newModel(api, uai, { id: 'old-name', description: 'renamed' });
      const v = await newVersion(api, uai, 'old-name', { output_info: concepts('cat') });
      const body = await api.ok('PatchModelIds', { user_app_id: uai, action: 'overwrite', ids: [{ id: 'old-name', new_id: 'new-name' }] });
      assert.equal(body.models[0].id, 'new-name');
      assert.equal(body.models[0].description, 'renamed');
      assert.equal(body.models[0].model_version.id, v.id);
      await api.fails('GetModel', { user_app_id: uai, model_id: 'old-name' }, 21200, 404);
      const got = await api.ok('GetModel', { user_app_id: uai, model_id: 'new-name' });
      assert.equal(got.model.model_version.id, v.id);
      assert.deepEqual(await versionIds(api, uai, 'new-name'), [v.id]);
      const gv = await api.ok('GetModelVersion', { user_app_id: uai, model_id: 'new-name', version_id: v.id });
      assert.equal(gv.model_version.id, v.id);
    });

    it('PatchModelIds to an id already taken is 40010 (HTTP 409) naming the id, and renames nothing', async () => {
      await newModel(api, uai, { id: 'taken' });
      await newModel(api, uai, { id: 'mover' });
      const st = await api.fails('PatchModelIds', { user_app_id: uai, action: 'overwrite', ids: [{ id: 'mover', new_id: 'taken' }] }, 40010, 409);
      assert.match(st.details ?? '', /'taken'/);
      await api.ok('GetModel', { user_app_id: uai, model_id: 'mover' });
      await api.ok('GetModel', { user_app_id: uai, model_id: 'taken' });
    });

    it('PatchModelIds of an unknown model is 21200; a bad new_id is 21202', async () => {
      await api.fails('PatchModelIds', { user_app_id: uai, action: 'overwrite', ids: [{ id: 'ghost', new_id: 'ghost2' }] }, 21200, 404);
      await api.fails('PatchModelIds', { user_app_id: uai, action: 'overwrite', ids: [{ id: 'mover', new_id: 'bad id' }] }, 21202, 400);
      await api.ok('GetModel', { user_app_id: uai, model_id: 'mover' });
    });

    it('DeleteModel deletes the model and its versions', async () => {
      await newModel(api, uai, { id: 'doomed' });
      const v = await newVersion(api, uai, 'doomed', { id: 'doomed-v1', output_info: concepts('cat') });
      const { version } = await storedVersion(h, appId, 'doomed', v.id);
      assert.ok(version);
      await api.ok('DeleteModel', { user_app_id: uai, model_id: 'doomed' });
      await api.fails('GetModel', { user_app_id: uai, model_id: 'doomed' }, 21200, 404);
      await api.fails('GetModelVersion', { user_app_id: uai, model_id: 'doomed', version_id: v.id }, 21200, 404);
      assert.equal(await h.server.store.versions.getByPk(version.pk), undefined, 'the version row is gone');
      assert.deepEqual(await h.server.store.jobs.getForVersion(version.pk), [], 'its training job is gone');
      // A new model under the same id starts without the old version.
      await newModel(api, uai, { id: 'doomed' });
      const st = await api.fails('GetModelVersion', { user_app_id: uai, model_id: 'doomed', version_id: v.id }, 21200, 404);
      assert.match(st.details ?? '', /doomed-v1/);
      assert.deepEqual(await versionIds(api, uai, 'doomed'), []);
    });

    it('DeleteModel of an unknown model is 21200', async () => {
      await api.fails('DeleteModel', { user_app_id: uai, model_id: 'ghost' }, 21200, 404);
    });

    it('DeleteModels deletes the models given by ids and nothing else', async () => {
      for (const id of ['del-1', 'del-2', 'del-keep']) await newModel(api, uai, { id });
      await api.ok('DeleteModels', { user_app_id: uai, ids: ['del-1', 'del-2'] });
      await api.fails('GetModel', { user_app_id: uai, model_id: 'del-1' }, 21200, 404);
      await api.fails('GetModel', { user_app_id: uai, model_id: 'del-2' }, 21200, 404);
      await api.ok('GetModel', { user_app_id: uai, model_id: 'del-keep' });
    });

    it('DeleteModels with one unknown id deletes nothing', async () => {
      await newModel(api, uai, { id: 'survivor' });
      const st = await api.fails('DeleteModels', { user_app_id: uai, ids: ['survivor', 'ghost'] }, 21200, 404);
      assert.match(st.details ?? '', /ghost/);
      await api.ok('GetModel', { user_app_id: uai, model_id: 'survivor' });
    });

    it('DeleteModels needs ids or delete_all', async () => {
      await api.fails('DeleteModels', { user_app_id: uai }, 21203, 400);
    });

    it('DeleteModels with delete_all empties the app (and only that app)', async () => {
      const otherId = uid('other');
      const other = await newApp(api, otherId);
      await newModel(api, other, { id: 'elsewhere' });
      await newVersion(api, uai, 'survivor', { output_info: concepts('cat') });
      const before = (await api.ok('ListModels', { user_app_id: uai })).models;
      assert.ok(before.length >= 3);
      await api.ok('DeleteModels', { user_app_id: uai, delete_all: true });
      assert.deepEqual((await api.ok('ListModels', { user_app_id: uai })).models ?? [], []);
      await api.fails('GetModel', { user_app_id: uai, model_id: 'survivor' }, 21200, 404);
      await api.ok('GetModel', { user_app_id: other, model_id: 'elsewhere' });
    });
  },
  NO_WORKER,
);
