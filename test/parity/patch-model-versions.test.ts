import assert from 'node:assert/strict';
import type { ApiObject } from '../helpers/clients.js';
import { type ParityApi, paritySuite } from './harness.js';

// Evidence (Clarifai/docs): docs/api-guide/model/ "Manage Models", section Update: "The PatchModelVersions
// endpoint allows you to change most of the model version fields like gettable, metadata, license,
// description, notes, and output_info (not including concepts)"; "Update Model Configuration" uses
// PatchModelVersions so that the model shows "only the concepts with a probability score of 0.95 or
// higher" (min_value). Snippets: code_snippets/api-guide/model/create_get_update_delete/curl/
// update_model_name_configuration_2.sh and py/…_2.py (overwrite output_config.concepts_mutually_exclusive),
// java/update_model_name_configuration_2.java (an earlier revision: overwrite output_info.params
// min_value 0.95). Clarifai/clarifai-python clarifai/client/model.py patch_version sends action "merge".

const newApp = async (api: ParityApi): Promise<ApiObject> => ({
  user_id: 'me',
  app_id: (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('app') }] })).apps[0].id,
});

/** A model (of the default type unless named) with one version of two concepts; an app without inputs is enough to patch it. */
async function modelWithVersion(api: ParityApi, uai: ApiObject, extra: ApiObject = {}, type?: string): Promise<{ modelId: string; versionId: string }> {
  const modelId = api.id('petsID');
  await api.ok('PostModels', { user_app_id: uai, models: [{ id: modelId, ...(type ? { model_type_id: type } : {}) }] });
  const versionId = (
    await api.ok('PostModelVersions', {
      user_app_id: uai,
      model_id: modelId,
      model_versions: [{ output_info: { data: { concepts: [{ id: 'positive' }, { id: 'negative' }] } }, ...extra }],
    })
  ).model.model_version.id as string;
  return { modelId, versionId };
}

const getVersion = async (api: ParityApi, uai: ApiObject, modelId: string, versionId: string): Promise<ApiObject> =>
  (await api.ok('GetModelVersion', { user_app_id: uai, model_id: modelId, version_id: versionId })).model_version;
const conceptIds = async (api: ParityApi, uai: ApiObject, modelId: string, versionId: string): Promise<string[]> =>
  ((await api.ok('ListModelConcepts', { user_app_id: uai, model_id: modelId, version_id: versionId })).concepts as ApiObject[])
    .map((c) => c.id as string)
    .sort();

paritySuite('PatchModelVersions', (cases) => {
  cases(
    'overwrite with output_info.output_config.concepts_mutually_exclusive: true succeeds and GetModelVersion shows it; the concepts stay',
    'Clarifai/docs code_snippets/api-guide/model/create_get_update_delete/curl/update_model_name_configuration_2.sh, py/update_model_name_configuration_2.py',
    async (api) => {
      const uai = await newApp(api);
      const { modelId, versionId } = await modelWithVersion(api, uai);
      const r = await api.ok('PatchModelVersions', {
        user_app_id: uai,
        model_id: modelId,
        action: 'overwrite',
        model_versions: [{ id: versionId, output_info: { output_config: { concepts_mutually_exclusive: true } } }],
      });
      assert.equal(r.model_versions[0].id, versionId);
      const v = await getVersion(api, uai, modelId, versionId);
      assert.equal(v.output_info.output_config.concepts_mutually_exclusive, true);
      assert.deepEqual(await conceptIds(api, uai, modelId, versionId), ['negative', 'positive']);
    },
  );

  cases(
    'merge changes description, license, metadata and visibility.gettable, and keeps the fields it does not name',
    'Clarifai/docs docs/api-guide/model "Manage Models" > Update ("change … gettable, metadata, license, description … and output_info"); Clarifai/clarifai-python clarifai/client/model.py patch_version (action "merge")',
    async (api) => {
      const uai = await newApp(api);
      const { modelId, versionId } = await modelWithVersion(api, uai, { description: 'first', metadata: { team: 'a' } });
      await api.ok('PatchModelVersions', {
        user_app_id: uai,
        model_id: modelId,
        action: 'merge',
        model_versions: [{ id: versionId, license: 'Apache-2.0', metadata: { reviewed: true }, visibility: { gettable: 50 } }],
      });
      const v = await getVersion(api, uai, modelId, versionId);
      assert.deepEqual([v.description, v.license, v.visibility.gettable], ['first', 'Apache-2.0', 50]);
      assert.deepEqual(v.metadata, { team: 'a', reviewed: true });
      await api.ok('PatchModelVersions', { user_app_id: uai, model_id: modelId, action: 'merge', model_versions: [{ id: versionId, description: 'second' }] });
      const w = await getVersion(api, uai, modelId, versionId);
      assert.deepEqual([w.description, w.license], ['second', 'Apache-2.0']);
    },
  );

  cases(
    "a patch of output_info.data.concepts is refused and the version's concepts do not change",
    'Clarifai/docs docs/api-guide/model "Manage Models" > Update ("output_info (not including concepts)")',
    async (api) => {
      const uai = await newApp(api);
      const { modelId, versionId } = await modelWithVersion(api, uai);
      for (const action of ['merge', 'overwrite', 'remove']) {
        const r = await api.call('PatchModelVersions', {
          user_app_id: uai,
          model_id: modelId,
          action,
          model_versions: [{ id: versionId, output_info: { data: { concepts: [{ id: 'positive' }, { id: 'neutral' }] } } }],
        });
        assert.notEqual(r.status.code, 10000, `${action}: concepts must not be patchable`);
        assert.match(String(r.status.details), /concepts/);
        if (api.transport === 'rest') assert.equal(r.http, 400);
      }
      assert.deepEqual(await conceptIds(api, uai, modelId, versionId), ['negative', 'positive']);
    },
  );

  cases(
    'overwrite with output_info.params min_value 0.95: predictions of the version then show only concepts scoring 0.95 or higher',
    'Clarifai/docs docs/api-guide/model "Manage Models" > "Update Model Configuration"; code_snippets/api-guide/model/create_get_update_delete/java/update_model_name_configuration_2.java (output_info.params min_value)',
    async (api) => {
      const uai = await newApp(api);
      const labelled = [
        ...['I love it, wonderful', 'great, very happy', 'excellent quality'].map((raw) => ({ raw, c: 'positive' })),
        ...['awful, it broke', 'terrible and sad', 'very disappointing'].map((raw) => ({ raw, c: 'negative' })),
      ];
      await api.ok('PostInputs', { user_app_id: uai, inputs: labelled.map(({ raw, c }) => ({ data: { text: { raw }, concepts: [{ id: c, value: 1 }] } })) });
      const { modelId, versionId } = await modelWithVersion(
        api,
        uai,
        { train_info: { params: { template: 'modelkeep_text_logreg', seed: 1 } } },
        'text-classifier',
      );
      const trained = await api.until(
        'GetModelVersion',
        { user_app_id: uai, model_id: modelId, version_id: versionId },
        (b) => ![21103, 21101].includes(b.model_version?.status?.code),
      );
      assert.equal(trained.model_version.status.code, 21100, JSON.stringify(trained.model_version.status));
      const predict = async () =>
        ((
          await api.ok('PostModelOutputs', {
            user_app_id: uai,
            model_id: modelId,
            version_id: versionId,
            inputs: [{ data: { text: { raw: 'great, love it' } } }],
          })
        ).outputs[0].data.concepts ?? []) as ApiObject[];
      assert.equal((await predict()).length, 2, 'before the patch both concepts are shown');
      await api.ok('PatchModelVersions', {
        user_app_id: uai,
        model_id: modelId,
        action: 'overwrite',
        model_versions: [{ id: versionId, output_info: { params: { min_value: 0.95 } } }],
      });
      assert.equal((await getVersion(api, uai, modelId, versionId)).output_info.params.min_value, 0.95);
      const after = await predict();
      assert.ok(after.length < 2, `min_value 0.95 filters: ${JSON.stringify(after)}`);
      for (const c of after) assert.ok(c.value >= 0.95, JSON.stringify(c));
    },
  );
});
