import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { textInput, waitForInput } from '../helpers/inputs.js';
import { type Api, apiOf, newApp, newModel, newVersion, sleep } from '../helpers/models.js';

async function waitTrained(api: Api, uai: ApiObject, modelId: string, versionId: string): Promise<ApiObject> {
  for (const deadline = Date.now() + 60_000; ; await sleep(100)) {
    const v = (await api.ok('GetModelVersion', { user_app_id: uai, model_id: modelId, version_id: versionId })).model_version;
    if (![21103, 21101].includes(v.status.code)) return v;
    assert.ok(Date.now() < deadline, `still ${JSON.stringify(v.status)}`);
  }
}

const idsOf = (body: ApiObject): string[] => ((body.inputs ?? []) as ApiObject[]).map((i) => String(i.id)).sort();

describeBoth('ListModelInputs: the inputs a version was trained on', (h) => {
  const api = apiOf(h);
  let uai: { user_id: string; app_id: string };
  let first: string;
  let second: string;

  before(async () => {
    uai = await newApp(api, uid('modelinputs'));
    const inputs = [
      textInput('w1', 'the striker scored a goal', [['sports', 1]]),
      textInput('w2', 'simmer the sauce slowly', [['cooking', 1]]),
      textInput('w3', 'the team won the match', [
        ['sports', 1],
        ['cooking', 0],
      ]),
      textInput('other', 'unrelated note', [['misc', 1]]),
      textInput('bare', 'no labels at all'),
    ];
    await api.ok('PostInputs', { user_app_id: uai, inputs });
    for (const i of inputs) assert.equal((await waitForInput(api, uai, String(i.id))).status.code, 30000);
    await newModel(api, uai, { id: 'topics', model_type_id: 'text-classifier' });
    const version = {
      output_info: { data: { concepts: [{ id: 'sports' }, { id: 'cooking' }] } },
      train_info: { params: { template: 'modelkeep_text_logreg', seed: 1 } },
    };
    first = String((await newVersion(api, uai, 'topics', version)).id);
    assert.equal((await waitTrained(api, uai, 'topics', first)).status.code, 21100);
    // Labelled after the first version trained: only the second version learns from it.
    await api.ok('PatchInputs', { user_app_id: uai, action: 'merge', inputs: [{ id: 'bare', data: { concepts: [{ id: 'cooking', value: 1 }] } }] });
    second = String((await newVersion(api, uai, 'topics', version)).id);
    assert.equal((await waitTrained(api, uai, 'topics', second)).status.code, 21100);
  });

  it('lists exactly the labelled inputs each version trained on; without version_id, the latest trained version', async () => {
    assert.deepEqual(idsOf(await api.ok('ListModelInputs', { user_app_id: uai, model_id: 'topics', version_id: first })), ['w1', 'w2', 'w3']);
    assert.deepEqual(idsOf(await api.ok('ListModelInputs', { user_app_id: uai, model_id: 'topics', version_id: second })), ['bare', 'w1', 'w2', 'w3']);
    assert.deepEqual(idsOf(await api.ok('ListModelInputs', { user_app_id: uai, model_id: 'topics' })), ['bare', 'w1', 'w2', 'w3']);
    const page = await api.ok('ListModelInputs', { user_app_id: uai, model_id: 'topics', version_id: first, per_page: 2, page: 2 });
    assert.equal((page.inputs as ApiObject[]).length, 1);
    // Shown as the inputs are now: with their current labels.
    const w3 = ((await api.ok('ListModelInputs', { user_app_id: uai, model_id: 'topics', version_id: first })).inputs as ApiObject[]).find(
      (i) => i.id === 'w3',
    )!;
    assert.deepEqual(w3.data.concepts.map((c: ApiObject) => c.id).sort(), ['cooking', 'sports']);
  });

  it('an input deleted since drops out; unknown models and versions are 21200', async () => {
    await api.ok('DeleteInputs', { user_app_id: uai, ids: ['w2'] });
    assert.deepEqual(idsOf(await api.ok('ListModelInputs', { user_app_id: uai, model_id: 'topics', version_id: first })), ['w1', 'w3']);
    await api.fails('ListModelInputs', { user_app_id: uai, model_id: 'topics', version_id: 'nope' }, 21200, 404);
    await api.fails('ListModelInputs', { user_app_id: uai, model_id: 'nope' }, 21200, 404);
  });
});
