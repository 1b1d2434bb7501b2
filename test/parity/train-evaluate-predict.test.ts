import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { ApiObject } from '../helpers/clients.js';
import { fileServer, pngBase64 } from '../helpers/inputs.js';
import { type ParityApi, paritySuite } from './harness.js';

// Stand-ins for Clarifai's sample images (the suite runs offline): two different pictures on a local server.
let files: Awaited<ReturnType<typeof fileServer>>;
before(async () => {
  files = await fileServer({
    '/truck.png': Buffer.from(await pngBase64([200, 30, 30], 48), 'base64'),
    '/dog.png': Buffer.from(await pngBase64([30, 30, 200], 48), 'base64'),
  });
});
after(() => files?.close());

const newApp = async (api: ParityApi): Promise<{ user_id: string; app_id: string }> => ({
  user_id: 'me',
  app_id: (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('app') }] })).apps[0].id,
});

/** tests/common.py wait_for_inputs_upload: polls GetInput until INPUT_DOWNLOAD_SUCCESS. */
const waitUploaded = (api: ParityApi, uai: ApiObject, ids: string[]) =>
  Promise.all(ids.map((id) => api.until('GetInput', { user_app_id: uai, input_id: id }, (b) => b.input?.status?.code === 30000)));

/** tests/common.py wait_for_model_trained / wait_for_model_evaluated. */
const waitTrained = (api: ParityApi, uai: ApiObject, modelId: string, versionId: string) =>
  api.until('GetModelVersion', { user_app_id: uai, model_id: modelId, version_id: versionId }, (b) => ![21103, 21101].includes(b.model_version?.status?.code));
const waitEvaluated = (api: ParityApi, uai: ApiObject, modelId: string, versionId: string) =>
  api.until(
    'GetModelVersionMetrics',
    { user_app_id: uai, model_id: modelId, version_id: versionId },
    (b) => ![21302, 21303, 21301].includes(b.model_version?.metrics?.status?.code),
  );

paritySuite("train, evaluate, predict and clean up (the official client tests' model flow)", (cases) => {
  cases(
    'two image inputs, a one-concept version of the default model type: trains (21100), evaluates (21300) and predicts that concept; deleted inputs read 11101',
    'clarifai-python-grpc tests/client/test_model_crud.py test_post_patch_get_train_evaluate_predict_delete_model, tests/common.py wait_for_inputs_delete',
    async (api) => {
      const uai = await newApp(api);
      const [c1, c2] = [api.id('concept-id'), api.id('concept-id')];
      // As the test sends them: Concept(id=…) with no value (gRPC: 0; REST JSON: 1).
      const posted = await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: [
          { data: { image: { url: files.url('/truck.png'), allow_duplicate_url: true }, concepts: [{ id: c1 }] } },
          { data: { image: { url: files.url('/dog.png'), allow_duplicate_url: true }, concepts: [{ id: c2 }] } },
        ],
      });
      const inputIds = posted.inputs.map((i: ApiObject) => i.id as string);
      await waitUploaded(api, uai, inputIds);

      const modelId = api.id('model-id');
      await api.ok('PostModels', { user_app_id: uai, models: [{ id: modelId }] });
      await api.ok('PatchModels', { user_app_id: uai, action: 'overwrite', models: [{ id: modelId, name: 'some new name' }] });
      const versionId = (
        await api.ok('PostModelVersions', { user_app_id: uai, model_id: modelId, model_versions: [{ output_info: { data: { concepts: [{ id: c2 }] } } }] })
      ).model.model_version.id;
      const trained = await waitTrained(api, uai, modelId, versionId);
      assert.equal(trained.model_version.status.code, 21100, JSON.stringify(trained.model_version.status));

      const info = await api.ok('GetModelOutputInfo', { user_app_id: uai, model_id: modelId });
      assert.equal(info.model.name, 'some new name');
      assert.deepEqual(
        info.model.model_version.output_info.data.concepts.map((c: ApiObject) => c.id),
        [c2],
      );

      await api.ok('PostModelVersionMetrics', { user_app_id: uai, model_id: modelId, version_id: versionId });
      const evaluated = await waitEvaluated(api, uai, modelId, versionId);
      assert.equal(evaluated.model_version.metrics.status.code, 21300, JSON.stringify(evaluated.model_version.metrics.status));

      const out = await api.ok('PostModelOutputs', {
        user_app_id: uai,
        model_id: modelId,
        version_id: versionId,
        inputs: [{ data: { image: { url: files.url('/dog.png') } } }],
      });
      assert.equal(out.outputs.length, 1);
      assert.deepEqual(
        out.outputs[0].data.concepts.map((c: ApiObject) => c.id),
        [c2],
      );

      await api.ok('DeleteModel', { user_app_id: uai, model_id: modelId });
      await api.ok('DeleteInputs', { user_app_id: uai, ids: inputIds });
      for (const id of inputIds) assert.equal((await api.call('GetInput', { user_app_id: uai, input_id: id })).status.code, 11101);
    },
  );

  cases(
    'prediction settings at model.output_info.output_config (select_concepts, max_concepts, min_value) are applied',
    'docs code_snippets/api-guide/predict/curl/prediction_parameters_select_concepts.sh (and its max_concepts / min_value neighbours)',
    async (api) => {
      const uai = await newApp(api);
      const labelled = [
        ...['I love it, wonderful', 'great, very happy', 'excellent quality'].map((raw) => ({ raw, c: 'positive' })),
        ...['awful, it broke', 'terrible and sad', 'very disappointing'].map((raw) => ({ raw, c: 'negative' })),
      ];
      const posted = await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: labelled.map(({ raw, c }) => ({ data: { text: { raw }, concepts: [{ id: c, value: 1 }] } })),
      });
      await waitUploaded(
        api,
        uai,
        posted.inputs.map((i: ApiObject) => i.id),
      );
      const modelId = api.id('sentiment');
      await api.ok('PostModels', { user_app_id: uai, models: [{ id: modelId, model_type_id: 'text-classifier' }] });
      const versionId = (
        await api.ok('PostModelVersions', {
          user_app_id: uai,
          model_id: modelId,
          model_versions: [
            {
              output_info: { data: { concepts: [{ id: 'positive' }, { id: 'negative' }] }, output_config: { concepts_mutually_exclusive: true } },
              train_info: { params: { template: 'modelkeep_text_logreg', seed: 1 } },
            },
          ],
        })
      ).model.model_version.id;
      assert.equal((await waitTrained(api, uai, modelId, versionId)).model_version.status.code, 21100);
      const predict = (outputConfig: ApiObject) =>
        api.ok('PostModelOutputs', {
          user_app_id: uai,
          model_id: modelId,
          inputs: [{ data: { text: { raw: 'great, love it' } } }],
          model: { output_info: { output_config: outputConfig } },
        });
      const selected = await predict({ select_concepts: [{ name: 'negative' }] });
      assert.deepEqual(
        selected.outputs[0].data.concepts.map((c: ApiObject) => c.id),
        ['negative'],
      );
      assert.equal((await predict({ max_concepts: 1 })).outputs[0].data.concepts.length, 1);
      const high = await predict({ min_value: 0.99999 });
      assert.ok((high.outputs[0].data.concepts ?? []).every((c: ApiObject) => c.value >= 0.99999));
    },
  );
});
