import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { systemModelVersionId } from '../../src/domain/system-app.js';
import { describeBoth, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { pngBase64, textInput, waitForInput } from '../helpers/inputs.js';
import { type Api, apiOf, newApp, newModel, newVersion, sleep } from '../helpers/models.js';
import { SENTIMENT } from '../helpers/training.js';

async function waitTrained(api: Api, uai: ApiObject, modelId: string, versionId: string): Promise<ApiObject> {
  for (const deadline = Date.now() + 120_000; ; await sleep(100)) {
    const v = (await api.ok('GetModelVersion', { user_app_id: uai, model_id: modelId, version_id: versionId })).model_version;
    if (![21103, 21101].includes(v.status.code)) return v;
    assert.ok(Date.now() < deadline, `still ${JSON.stringify(v.status)}`);
  }
}

const imageInput = async (id: string, rgb: [number, number, number], concept: string): Promise<ApiObject> => ({
  id,
  data: { image: { base64: await pngBase64(rgb) }, concepts: [{ id: concept, value: 1 }] },
});

/**
 * Issue 11 item 8: an embedding-classifier version without input_info.base_embed_model takes the
 * embedder of its training inputs' kind, records it (with its version id, item 10) in input_info,
 * answers 21202 naming the field when text and images are mixed, and a version that finds only
 * inputs of the other kind says so precisely.
 */
describeBoth('The base embedder follows the training data (embedding-classifier)', (h) => {
  const api = apiOf(h);
  let uai: { user_id: string; app_id: string };

  before(async () => {
    uai = await newApp(api, uid('base'));
    const inputs = [
      ...SENTIMENT.positive.slice(0, 4).map((t, i) => textInput(`p${i}`, t, [['positive', 1]])),
      ...SENTIMENT.negative.slice(0, 4).map((t, i) => textInput(`n${i}`, t, [['negative', 1]])),
      await imageInput('red', [220, 20, 20], 'red'),
      await imageInput('blue', [20, 20, 220], 'blue'),
      await imageInput('pos-img', [20, 220, 20], 'positive'),
    ];
    await api.ok('PostInputs', { user_app_id: uai, inputs });
    for (const i of inputs) assert.equal((await waitForInput(api, uai, i.id)).status.code, 30000);
  });

  it('created without a base model, input_info has none; trained on text, it names general-text-embedding with its version id', async () => {
    await newModel(api, uai, { id: 'sentiment-ec', model_type_id: 'embedding-classifier' });
    // dataset-free: the version's concepts select the text inputs p*, n* and the image pos-img — use red/blue-free concepts
    const created = await newVersion(api, uai, 'sentiment-ec', {
      output_info: { data: { concepts: [{ id: 'negative' }] } },
      train_info: { params: { seed: 1 } },
    });
    assert.equal(created.input_info?.base_embed_model, undefined);
    const v = await waitTrained(api, uai, 'sentiment-ec', created.id);
    assert.equal(v.status.code, 21100, JSON.stringify(v.status));
    assert.deepEqual(v.input_info.base_embed_model, {
      id: 'general-text-embedding',
      app_id: 'main',
      user_id: 'clarifai',
      model_type_id: 'text-embedder',
      model_version: { id: systemModelVersionId('general-text-embedding') },
    });
    const logs = await api.ok('ListLogEntries', {
      user_app_id: uai,
      model_id: 'sentiment-ec',
      model_version_id: v.id,
      log_type: 'training',
      page: 1,
      per_page: 1000,
    });
    assert.match(
      logs.log_entries.map((e: ApiObject) => e.message).join('\n'),
      /base model: general-text-embedding \(input_info.base_embed_model is not set and the training inputs are text\)/,
    );
    const out = await api.ok('PostModelOutputs', {
      user_app_id: uai,
      model_id: 'sentiment-ec',
      inputs: [{ data: { text: { raw: 'awful and disappointing' } } }],
    });
    assert.equal(out.outputs[0].data.concepts[0].id, 'negative');
  });

  it('trained on images, it names general-image-embedding', async () => {
    await newModel(api, uai, { id: 'colours', model_type_id: 'embedding-classifier' });
    const created = await newVersion(api, uai, 'colours', {
      output_info: { data: { concepts: [{ id: 'red' }, { id: 'blue' }] } },
      train_info: { params: { seed: 1 } },
    });
    const v = await waitTrained(api, uai, 'colours', created.id);
    assert.equal(v.status.code, 21100, JSON.stringify(v.status));
    assert.equal(v.input_info.base_embed_model.id, 'general-image-embedding');
    assert.equal(v.input_info.base_embed_model.model_version.id, systemModelVersionId('general-image-embedding'));
  });

  it('text and images mixed without a base model: 21202 naming input_info.base_embed_model', async () => {
    await newModel(api, uai, { id: 'mixed', model_type_id: 'embedding-classifier' });
    const created = await newVersion(api, uai, 'mixed', { output_info: { data: { concepts: [{ id: 'positive' }] } } });
    const v = await waitTrained(api, uai, 'mixed', created.id);
    assert.equal(v.status.code, 21202, JSON.stringify(v.status));
    assert.match(
      v.status.details,
      /input_info.base_embed_model is not set and the inputs labelled with positive are both text \(4\) and images \(1\); create a new version naming the base model/,
    );
  });

  it('a named base model that finds only the other kind says precisely why', async () => {
    await newModel(api, uai, { id: 'wrong-kind', model_type_id: 'embedding-classifier' });
    const created = await newVersion(api, uai, 'wrong-kind', {
      output_info: { data: { concepts: [{ id: 'negative' }] } },
      input_info: { base_embed_model: { id: 'general-image-embedding', app_id: 'main', user_id: 'clarifai' } },
    });
    assert.equal(
      created.input_info.base_embed_model.model_version.id,
      systemModelVersionId('general-image-embedding'),
      'a named built-in shows its version id',
    );
    const v = await waitTrained(api, uai, 'wrong-kind', created.id);
    assert.equal(v.status.code, 21110, JSON.stringify(v.status));
    assert.match(
      v.status.details,
      /^the 4 labelled inputs are text; this version's base model is general-image-embedding, which embeds images\. Create a new version with input_info.base_embed_model \{"id": "general-text-embedding"\}/,
    );
  });

  it('a text-classifier given only images says so', async () => {
    await newModel(api, uai, { id: 'texts-only', model_type_id: 'text-classifier' });
    const created = await newVersion(api, uai, 'texts-only', {
      output_info: { data: { concepts: [{ id: 'red' }] } },
      train_info: { params: { template: 'modelkeep_text_logreg' } },
    });
    const v = await waitTrained(api, uai, 'texts-only', created.id);
    assert.equal(v.status.code, 21110, JSON.stringify(v.status));
    assert.match(
      v.status.details,
      /^the 1 labelled input is an image; model type text-classifier works on text \(general-text-embedding\)\. Use a visual-classifier for them/,
    );
  });
});
