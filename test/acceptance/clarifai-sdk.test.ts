import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { App, Model, User } from 'clarifai-nodejs';
import resources_pb from 'clarifai-nodejs-grpc/proto/clarifai/api/resources_pb';
import { removeDir, type ServerProcess, startServer, tempDir } from '../helpers/modelkeep-process.js';

/**
 * The official `clarifai-nodejs` SDK (0.4.0) pointed at a real modelkeep process with
 * `authConfig.base = "http://127.0.0.1:<grpc port>"` (the SDK speaks gRPC; http:// = plaintext).
 * See clarifai-api.md §8.1 for the SDK's quirks this tolerates.
 */

const USER = 'sdk-user';
const PAT = 'acceptance-sdk-pat-0123456789abcdef';
const APP = 'sdk-app';
const { ModelVersion, OutputInfo, Data, Concept } = resources_pb;

async function collect<T>(pages: AsyncGenerator<T[] | undefined, void, unknown>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(page ?? []));
  return out;
}

describe('clarifai-nodejs SDK against modelkeep', { timeout: 300_000 }, () => {
  const dataDir = tempDir();
  let server: ServerProcess | undefined;
  let auth: { userId: string; appId: string; pat: string; base: string };
  let versionId = '';

  before(async () => {
    server = await startServer({ env: { MODELKEEP_DATA_DIR: dataDir, MODELKEEP_BOOTSTRAP_USER: USER, MODELKEEP_BOOTSTRAP_PAT: PAT } });
    auth = { userId: USER, appId: APP, pat: PAT, base: `http://127.0.0.1:${server.grpcPort}` };
  });
  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  it('User.createApp and User.listApps', async () => {
    const user = new User({ ...auth, appId: '' });
    const created = await user.createApp({ appId: APP });
    assert.equal(created?.id, APP);
    assert.equal(created?.userId, USER);
    await user.createApp({ appId: 'sdk-other' });
    const apps = await collect(user.listApps());
    assert.deepEqual(apps.map((a) => a.id).sort(), [APP, 'sdk-other']);
    assert.ok(apps.every((a) => a.userId === USER));
  });

  it('App.createModel creates models without a version, which App.listModels leaves out (SDK quirk)', async () => {
    const app = new App({ authConfig: auth });
    const m = await app.createModel({ modelId: 'thresholds', params: { modelTypeId: 'concept-thresholder', description: 'made by the SDK' } });
    assert.equal(m.id, 'thresholds');
    assert.equal(m.modelTypeId, 'concept-thresholder');
    assert.equal(m.description, 'made by the SDK');
    assert.equal(m.appId, APP);
    assert.equal(m.userId, USER);
    assert.equal(m.modelVersion, undefined, 'PostModels returns no model_version');
    const plain = await app.createModel({ modelId: 'plain' });
    assert.equal(plain.modelTypeId, 'embedding-classifier');
    assert.deepEqual(await collect(app.listModels()), []);
  });

  it('Model.createVersion (non-trainable concept-thresholder) is ready at once with its concepts', async () => {
    const model = new Model({ modelId: 'thresholds', authConfig: auth });
    const version = new ModelVersion()
      .setDescription('v1')
      .setOutputInfo(
        new OutputInfo().setData(new Data().setConceptsList([new Concept().setId('cat').setValue(0.6), new Concept().setId('dog').setValue(0.8)])),
      );
    const res = await model.createVersion(version);
    const v = res?.modelVersion;
    assert.ok(v, 'the response carries the new version');
    versionId = v.id;
    assert.match(versionId, /^[0-9a-f]{32}$/);
    assert.equal(v.status?.code, 21100);
    assert.equal(v.activeConceptCount, 2);
    assert.equal(v.appId, APP);
  });

  it('App.listModels now lists the versioned model with its version', async () => {
    const models = await collect(new App({ authConfig: auth }).listModels());
    assert.deepEqual(
      models.map((m) => m.id),
      ['thresholds'],
    );
    assert.equal(models[0]!.modelVersion?.id, versionId);
    assert.equal(models[0]!.modelTypeId, 'concept-thresholder');
    assert.equal(models[0]!.description, 'made by the SDK');
  });

  it('Model.loadInfo and Model.listVersions', async () => {
    const model = new Model({ modelId: 'thresholds', authConfig: auth });
    await model.loadInfo();
    assert.equal(model.modelInfo.getId(), 'thresholds');
    assert.equal(model.modelInfo.getModelVersion()?.getId(), versionId);
    const versions = await collect(model.listVersions());
    assert.equal(versions.length, 1);
    assert.equal(versions[0]!.id, versionId);
    assert.equal(versions[0]!.description, 'v1');
    assert.equal(versions[0]!.status?.code, 21100);
    assert.equal(versions[0]!.activeConceptCount, 2);
  });

  it('Model.loadInfo of a missing model fails with "Model does not exist"', async () => {
    await assert.rejects(new Model({ modelId: 'no-such-model', authConfig: auth }).loadInfo(), /21200 : Model does not exist/);
  });

  it('Model.deleteVersion removes the version', async () => {
    const model = new Model({ modelId: 'thresholds', authConfig: auth });
    await model.deleteVersion(versionId);
    assert.deepEqual(await collect(model.listVersions()), []);
    assert.deepEqual(await collect(new App({ authConfig: auth }).listModels()), []);
  });

  it('a wrong PAT is refused', async () => {
    const user = new User({ ...auth, appId: '', pat: 'wrong-key-0123456789abcdef' });
    await assert.rejects(collect(user.listApps()), /Listing failed/);
  });
});
