import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { App, Input, User } from 'clarifai-nodejs';
import resources_pb from 'clarifai-nodejs-grpc/proto/clarifai/api/resources_pb';
import { restClient } from '../helpers/clients.js';
import { removeDir, type ServerProcess, startServer, tempDir } from '../helpers/modelkeep-process.js';

/**
 * The official `clarifai-nodejs` SDK's labelling helpers against a real modelkeep process:
 * `Input.getTextInput` (with `geoInfo`, `labels` and `datasetId`) sent by `Input.uploadInputs` (which
 * sets `inputs_add_job_id` on every call: accepted, not tracked),
 * `Input.uploadAnnotations` (PostAnnotations; it returns the annotations to retry, so an empty
 * list is success) and `App.deleteDataset` (DeleteDatasets). What the server kept is read back
 * over REST.
 */

const USER = 'sdk-anno-user';
const PAT = 'acceptance-sdk-anno-pat-0123456789abcdef';
const APP = 'sdk-anno-app';
const { Annotation, Data, Concept } = resources_pb;

describe('clarifai-nodejs SDK: inputs with geo, annotations, datasets', { timeout: 300_000 }, () => {
  const dataDir = tempDir();
  let server: ServerProcess | undefined;
  let auth: { userId: string; appId: string; pat: string; base: string };

  before(async () => {
    server = await startServer({
      env: { MODELKEEP_DATA_DIR: dataDir, MODELKEEP_BOOTSTRAP_USER: USER, MODELKEEP_BOOTSTRAP_PAT: PAT, MODELKEEP_WORKER: 'false' },
    });
    auth = { userId: USER, appId: APP, pat: PAT, base: `http://127.0.0.1:${server.grpcPort}` };
    await new User({ ...auth, appId: '' }).createApp({ appId: APP });
  });
  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  it('uploads a text input with geoInfo and labels into a dataset, then labels it more with uploadAnnotations', async () => {
    const app = new App({ authConfig: auth });
    await app.createDataset({ datasetId: 'sdk-ds' });
    const input = new Input({ authConfig: auth });
    // SDK 0.4.0 quirk: getTextInput validates geoInfo as a list of points but reads .longitude / .latitude
    // off it, so only a list carrying the point's fields itself gets through both.
    const point = { longitude: 13.4, latitude: 52.52 };
    const geoInfo = Object.assign([point], point) as unknown as typeof point;
    const proto = Input.getTextInput({ inputId: 'sdk-t1', rawText: 'a dog in the park', datasetId: 'sdk-ds', geoInfo, labels: ['dog'] });
    const jobId = await input.uploadInputs({ inputs: [proto], showLog: false });
    assert.match(jobId, /^[0-9a-f-]{36}$/);
    const retry = await input.uploadAnnotations({
      showLog: false,
      batchAnnot: [new Annotation().setInputId('sdk-t1').setData(new Data().setConceptsList([new Concept().setId('park').setValue(1)]))],
    });
    assert.deepEqual(retry, [], 'nothing to retry: PostAnnotations succeeded');

    const rest = restClient(server!.httpPort);
    const got = await rest.call('GetInput', { user_app_id: { user_id: USER, app_id: APP }, input_id: 'sdk-t1' }, PAT);
    assert.equal(got.body.status.code, 10000, JSON.stringify(got.body.status));
    const data = got.body.input.data;
    // The SDK names a label's concept `id-<label>`.
    assert.deepEqual(data.concepts.map((c: { id: string }) => c.id).sort(), ['id-dog', 'park']);
    assert.ok(Math.abs(data.geo.geo_point.longitude - 13.4) < 1e-4 && Math.abs(data.geo.geo_point.latitude - 52.52) < 1e-4);
    assert.deepEqual(got.body.input.dataset_ids, ['sdk-ds']);
    const anns = await rest.call('ListAnnotations', { user_app_id: { user_id: USER, app_id: APP }, input_ids: ['sdk-t1'] }, PAT);
    assert.deepEqual(anns.body.annotations.map((a: { input_level?: boolean }) => a.input_level ?? false).sort(), [false, true]);

    await app.deleteDataset({ datasetId: 'sdk-ds' });
    const gone = await rest.call('GetDataset', { user_app_id: { user_id: USER, app_id: APP }, dataset_id: 'sdk-ds' }, PAT);
    assert.equal(gone.body.status.code, 11101);
  });
});
