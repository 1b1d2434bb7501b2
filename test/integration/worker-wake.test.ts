import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Harness } from '../helpers/both.js';
import { restClient } from '../helpers/clients.js';
import { textInput, waitForInput } from '../helpers/inputs.js';
import { apiOf, newApp, newModel, newVersion, sleep } from '../helpers/models.js';
import { startTestServer } from '../helpers/server.js';
import { SENTIMENT } from '../helpers/training.js';

// Issue 12 item 4: a version queued in this process starts training at once (Worker.notify), not at
// the worker's next poll. The worker here polls once a minute, so only the wake-up can start it in time.

describe('a job queued in this process wakes its worker', () => {
  const h = {} as Harness;
  before(async () => {
    h.server = await startTestServer({}, undefined, { workerPollMs: 60_000 });
    h.rest = restClient(h.server.httpPort);
    h.api = h.rest;
  });
  after(() => h.server?.close());

  it('PostModelVersions of a trainable type leaves 21103 within seconds although the worker polls every 60 s', async () => {
    const api = apiOf(h);
    const uai = await newApp(api, 'wake');
    const inputs = [
      ...SENTIMENT.positive.slice(0, 3).map((t, i) => textInput(`p${i}`, t, [['positive', 1]])),
      ...SENTIMENT.negative.slice(0, 3).map((t, i) => textInput(`n${i}`, t, [['negative', 1]])),
    ];
    await api.ok('PostInputs', { user_app_id: uai, inputs });
    for (const i of inputs) assert.equal((await waitForInput(api, uai, i.id, 30_000)).status.code, 30000);
    await newModel(api, uai, { id: 'm', model_type_id: 'text-classifier' });
    const v = await newVersion(api, uai, 'm', {
      output_info: { data: { concepts: [{ id: 'positive' }, { id: 'negative' }] } },
      train_info: { params: { template: 'modelkeep_text_logreg' } },
    });
    assert.equal(v.status.code, 21103);
    const deadline = Date.now() + 15_000;
    let code = 21103;
    while (code === 21103 && Date.now() < deadline) {
      await sleep(100);
      code = (await api.ok('GetModelVersion', { user_app_id: uai, model_id: 'm', version_id: v.id })).model_version.status.code;
    }
    assert.notEqual(code, 21103, 'still queued: the worker was not woken');
  });
});
