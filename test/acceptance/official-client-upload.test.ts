import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import resources_pb from 'clarifai-nodejs-grpc/proto/clarifai/api/resources_pb';
import { V2Client } from 'clarifai-nodejs-grpc/proto/clarifai/api/service_grpc_pb';
import service_pb from 'clarifai-nodejs-grpc/proto/clarifai/api/service_pb';
import { headConfig, zipPackage } from '../helpers/model-package.js';
import { removeDir, type ServerProcess, startServer, tempDir } from '../helpers/modelkeep-process.js';
import { assertSuccess, officialUnary } from '../helpers/official-grpc.js';
import { linearModel } from '../helpers/onnx-graph.js';

/**
 * The unmodified official client `clarifai-nodejs-grpc` uploading a model version the way Clarifai's
 * Python ModelBuilder streams one (upload_config, then content_parts numbered from 1), then polling
 * GetModelVersion until MODEL_TRAINED and predicting with it, on a real modelkeep process.
 */
const USER = 'upload-user';
const PAT = 'acceptance-upload-pat-0123456789abcdef';
const { PostAppsRequest, PostModelsRequest, PostModelVersionsUploadRequest, PostModelVersionsUploadConfig, GetModelVersionRequest, PostModelOutputsRequest } =
  service_pb;
const { UserAppIDSet, App, Model, ModelVersion, UploadContentPart, Input, Data, Text } = resources_pb;
const unary = officialUnary(PAT);

describe('clarifai-nodejs-grpc: PostModelVersionsUpload', { timeout: 120_000 }, () => {
  const dataDir = tempDir();
  let server: ServerProcess | undefined;
  let client: V2Client;
  const uai = () => new UserAppIDSet().setUserId('me').setAppId('own-models');

  before(async () => {
    server = await startServer({ env: { MODELKEEP_DATA_DIR: dataDir, MODELKEEP_BOOTSTRAP_USER: USER, MODELKEEP_BOOTSTRAP_PAT: PAT } });
    client = new V2Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
    assertSuccess(
      await unary(
        client.postApps.bind(client),
        new PostAppsRequest().setUserAppId(new UserAppIDSet().setUserId('me')).setAppsList([new App().setId('own-models')]),
      ),
    );
    assertSuccess(
      await unary(
        client.postModels.bind(client),
        new PostModelsRequest().setUserAppId(uai()).setModelsList([new Model().setId('topics').setModelTypeId('text-classifier')]),
      ),
    );
  });
  after(async () => {
    client?.close();
    await server?.stop();
    removeDir(dataDir);
  });

  it('streams, answers UPLOAD_IN_PROGRESS then MODEL_BUILDING, and the version becomes TRAINED and predicts', async () => {
    const w = Array.from({ length: 2048 }, (_, i) => [Math.sin(i) * 0.3, Math.cos(i) * 0.3]);
    const bytes = await zipPackage({ 'model.onnx': linearModel(w, [0.2, -0.2], { softmax: false }), 'config.json': headConfig(2048, ['good', 'bad']) });
    const md = new grpc.Metadata();
    md.set('authorization', `Key ${PAT}`);
    const call = client.postModelVersionsUpload(md);
    const answers: service_pb.PostModelVersionsUploadResponse[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      call.on('data', (r: service_pb.PostModelVersionsUploadResponse) => answers.push(r));
      call.on('end', () => resolve());
      call.on('error', reject);
    });
    call.write(
      new PostModelVersionsUploadRequest().setUploadConfig(
        new PostModelVersionsUploadConfig()
          .setUserAppId(uai())
          .setModelId('topics')
          .setModelVersion(new ModelVersion().setId('official'))
          .setTotalSize(bytes.length),
      ),
    );
    const chunk = 4096;
    for (let i = 0, part = 1; i < bytes.length; i += chunk, part++) {
      const data = bytes.subarray(i, i + chunk);
      // As Clarifai's Python client does: range_start is the offset after the chunk.
      call.write(
        new PostModelVersionsUploadRequest().setContentPart(
          new UploadContentPart()
            .setData(data)
            .setPartNumber(part)
            .setRangeStart(i + data.length),
        ),
      );
    }
    call.end();
    await ended;
    const codes = answers.map((a) => a.getStatus()?.getCode());
    assert.equal(codes[0], 68000);
    assert.equal(codes.at(-1), 21107, JSON.stringify(answers.at(-1)?.getStatus()?.toObject()));
    assert.ok(codes.slice(0, -1).every((c) => c === 68000));
    assert.equal(answers.at(-1)?.getModelVersionId(), 'official');

    let code = 21107;
    for (let deadline = Date.now() + 30_000; code === 21107; ) {
      assert.ok(Date.now() < deadline, 'still building');
      const got = await unary(
        client.getModelVersion.bind(client),
        new GetModelVersionRequest().setUserAppId(uai()).setModelId('topics').setVersionId('official'),
      );
      code = got.getModelVersion()?.getStatus()?.getCode() ?? 0;
      if (code === 21107) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(code, 21100);
    const out = await unary(
      client.postModelOutputs.bind(client),
      new PostModelOutputsRequest()
        .setUserAppId(uai())
        .setModelId('topics')
        .setInputsList([new Input().setData(new Data().setText(new Text().setRaw('a fine day')))]),
    );
    assertSuccess(out);
    const concepts = out.getOutputsList()[0]?.getData()?.getConceptsList() ?? [];
    assert.deepEqual(concepts.map((c) => c.getId()).sort(), ['bad', 'good']);
    assert.ok(Math.abs(concepts.reduce((s, c) => s + c.getValue(), 0) - 1) < 1e-5, 'softmax scores sum to 1');
  });
});
