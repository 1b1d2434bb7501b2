import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import resources_pb from 'clarifai-nodejs-grpc/proto/clarifai/api/resources_pb';
import { V2Client } from 'clarifai-nodejs-grpc/proto/clarifai/api/service_grpc_pb';
import service_pb from 'clarifai-nodejs-grpc/proto/clarifai/api/service_pb';
import { cleanEnv, removeDir, runNode, type ServerProcess, selfSignedCert, startServer, tempDir } from '../helpers/modelkeep-process.js';

/**
 * The unmodified official low-level client `clarifai-nodejs-grpc` against a real modelkeep process,
 * both ways of clarifai-api.md §8.2:
 *  (a) plaintext with the package's static `V2Client` and google-protobuf messages;
 *  (b) TLS with `ClarifaiStub.grpc('localhost:PORT')` trusting a self-signed cert through
 *      GRPC_DEFAULT_SSL_ROOTS_FILE_PATH — run in a child process (grpc-tls-client.ts), because
 *      grpc-js reads that variable once, when it is first loaded.
 */

const USER = 'grpc-user';
const PAT = 'acceptance-grpc-pat-0123456789abcdef';

// google-protobuf's Struct, from the same module instance the generated messages use (the package has no typings).
const pkgRequire = createRequire(createRequire(import.meta.url).resolve('clarifai-nodejs-grpc'));
const { Struct } = pkgRequire('google-protobuf/google/protobuf/struct_pb.js') as { Struct: { fromJavaScript(o: Record<string, unknown>): unknown } };

// The static client must be built with the grpc-js instance it was generated against.
assert.equal(
  createRequire(import.meta.url).resolve('@grpc/grpc-js'),
  pkgRequire.resolve('@grpc/grpc-js'),
  'one @grpc/grpc-js shared with clarifai-nodejs-grpc',
);

const {
  PostAppsRequest,
  PostModelsRequest,
  PostModelVersionsRequest,
  GetModelVersionRequest,
  PatchModelsRequest,
  PatchModelVersionsRequest,
  ListModelsRequest,
  GetModelRequest,
  DeleteModelRequest,
  ListAppsRequest,
} = service_pb;
const { UserAppIDSet, App, Model, ModelVersion, OutputInfo, Data, Concept, OutputConfig } = resources_pb;

type Callback<Res> = (err: grpc.ServiceError | null, res: Res) => void;
/** Calls one unary method of the static client with `authorization: Key <key>` and a deadline. */
function unary<Req, Res>(fn: (req: Req, md: grpc.Metadata, opts: Partial<grpc.CallOptions>, cb: Callback<Res>) => unknown, req: Req, key = PAT): Promise<Res> {
  const md = new grpc.Metadata();
  md.set('authorization', `Key ${key}`);
  return new Promise((resolve, reject) => {
    fn(req, md, { deadline: Date.now() + 30_000 }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

describe('clarifai-nodejs-grpc, plaintext, static V2Client', { timeout: 300_000 }, () => {
  const dataDir = tempDir();
  let server: ServerProcess | undefined;
  let client: V2Client;
  const appId = 'grpc-app';
  const uai = () => new UserAppIDSet().setUserId('me').setAppId(appId);
  let versionId = '';

  before(async () => {
    // No worker: the flow inspects the queued (21103) version before anything trains it.
    server = await startServer({
      env: { MODELKEEP_DATA_DIR: dataDir, MODELKEEP_BOOTSTRAP_USER: USER, MODELKEEP_BOOTSTRAP_PAT: PAT, MODELKEEP_WORKER: 'false' },
    });
    client = new V2Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
  });
  after(async () => {
    client?.close();
    await server?.stop();
    removeDir(dataDir);
  });

  it('PostApps', async () => {
    const res = await unary(
      client.postApps.bind(client),
      new PostAppsRequest().setUserAppId(new UserAppIDSet().setUserId('me')).setAppsList([new App().setId(appId)]),
    );
    assert.equal(res.getStatus()?.getCode(), 10000, res.getStatus()?.getDescription());
    assert.equal(res.getAppsList()[0]?.getId(), appId);
    assert.equal(res.getAppsList()[0]?.getUserId(), USER);
  });

  it('PostModels creates a model without a version', async () => {
    const res = await unary(
      client.postModels.bind(client),
      new PostModelsRequest().setUserAppId(uai()).setModel(new Model().setId('pets').setNotes('my pets')),
    );
    assert.equal(res.getStatus()?.getCode(), 10000, res.getStatus()?.getDescription());
    const model = res.getModel()!;
    assert.equal(model.getId(), 'pets');
    assert.equal(model.getModelTypeId(), 'embedding-classifier');
    assert.equal(model.getUserId(), USER);
    assert.equal(model.getAppId(), appId);
    assert.equal(model.hasModelVersion(), false, 'PostModels must not return a model_version');
  });

  it('PostModelVersions with concepts queues training (21103) with the concept set', async () => {
    const version = new ModelVersion()
      .setDescription('first')
      .setOutputInfo(
        new OutputInfo()
          .setData(new Data().setConceptsList([new Concept().setId('cat').setValue(1), new Concept().setId('dog').setValue(1)]))
          .setOutputConfig(new OutputConfig().setConceptsMutuallyExclusive(true)),
      );
    const res = await unary(
      client.postModelVersions.bind(client),
      new PostModelVersionsRequest().setUserAppId(uai()).setModelId('pets').setModelVersionsList([version]),
    );
    assert.equal(res.getStatus()?.getCode(), 10000, res.getStatus()?.getDescription());
    const v = res.getModel()!.getModelVersion()!;
    versionId = v.getId();
    assert.match(versionId, /^[0-9a-f]{32}$/);
    assert.equal(v.getStatus()?.getCode(), 21103);
    assert.equal(v.getActiveConceptCount(), 2);
    assert.equal(v.getOutputInfo()?.getOutputConfig()?.getConceptsMutuallyExclusive(), true);
    assert.equal(v.getOutputInfo()?.getParams()?.toJavaScript().max_concepts, 20, 'type defaults merged into output_info.params');
  });

  it('GetModelVersion', async () => {
    const res = await unary(client.getModelVersion.bind(client), new GetModelVersionRequest().setUserAppId(uai()).setModelId('pets').setVersionId(versionId));
    assert.equal(res.getStatus()?.getCode(), 10000, res.getStatus()?.getDescription());
    const v = res.getModelVersion()!;
    assert.equal(v.getId(), versionId);
    assert.equal(v.getDescription(), 'first');
    assert.equal(v.getStatus()?.getCode(), 21103);
    assert.equal(v.getActiveConceptCount(), 2);
    assert.equal(v.getAppId(), appId);
  });

  it('PatchModels merges the description and keeps the rest', async () => {
    const res = await unary(
      client.patchModels.bind(client),
      new PatchModelsRequest()
        .setUserAppId(uai())
        .setAction('merge')
        .setModelsList([new Model().setId('pets').setDescription('Pets and more')]),
    );
    assert.equal(res.getStatus()?.getCode(), 10000, res.getStatus()?.getDescription());
    const m = res.getModelsList()[0]!;
    assert.equal(m.getDescription(), 'Pets and more');
    assert.equal(m.getNotes(), 'my pets');
  });

  it('PatchModelVersions changes output_info params', async () => {
    const patch = new ModelVersion()
      .setId(versionId)
      .setDescription('v1')
      .setOutputInfo(new OutputInfo().setParams(Struct.fromJavaScript({ max_concepts: 5 }) as never));
    const res = await unary(
      client.patchModelVersions.bind(client),
      new PatchModelVersionsRequest().setUserAppId(uai()).setModelId('pets').setAction('merge').setModelVersionsList([patch]),
    );
    assert.equal(res.getStatus()?.getCode(), 10000, res.getStatus()?.getDescription());
    const v = res.getModelVersionsList()[0]!;
    assert.equal(v.getId(), versionId);
    assert.equal(v.getDescription(), 'v1');
    assert.equal(v.getOutputInfo()?.getParams()?.toJavaScript().max_concepts, 5);
    assert.equal(v.getActiveConceptCount(), 2, 'concepts untouched');
  });

  it('ListModels sees the model with its version', async () => {
    const res = await unary(client.listModels.bind(client), new ListModelsRequest().setUserAppId(uai()));
    assert.equal(res.getStatus()?.getCode(), 10000, res.getStatus()?.getDescription());
    const m = res.getModelsList().find((x) => x.getId() === 'pets');
    assert.ok(m, 'pets is listed');
    assert.equal(m.getDescription(), 'Pets and more');
    assert.equal(m.getModelVersion()?.getId(), versionId);
  });

  it('GetModelOutputInfo returns the concepts', async () => {
    const res = await unary(client.getModelOutputInfo.bind(client), new GetModelRequest().setUserAppId(uai()).setModelId('pets'));
    assert.equal(res.getStatus()?.getCode(), 10000, res.getStatus()?.getDescription());
    const concepts = res.getModel()?.getModelVersion()?.getOutputInfo()?.getData()?.getConceptsList() ?? [];
    assert.deepEqual(
      concepts.map((c) => c.getId()),
      ['cat', 'dog'],
    );
    assert.equal(res.getModel()?.getModelVersion()?.getOutputInfo()?.getParams()?.toJavaScript().max_concepts, 5);
  });

  it('DeleteModel, then the model is gone', async () => {
    const res = await unary(client.deleteModel.bind(client), new DeleteModelRequest().setUserAppId(uai()).setModelId('pets'));
    assert.equal(res.getStatus()?.getCode(), 10000, res.getStatus()?.getDescription());
    const gone = await unary(client.getModel.bind(client), new GetModelRequest().setUserAppId(uai()).setModelId('pets'));
    assert.equal(gone.getStatus()?.getCode(), 21200);
  });

  it('GetModel of a missing model resolves in-band with 21200 "Model does not exist"', async () => {
    const res = await unary(client.getModel.bind(client), new GetModelRequest().setUserAppId(uai()).setModelId('no-such-model'));
    assert.equal(res.getStatus()?.getCode(), 21200);
    assert.equal(res.getStatus()?.getDescription(), 'Model does not exist');
    assert.match(res.getStatus()?.getReqId() ?? '', /^[0-9a-f]{32}$/);
    assert.equal(res.hasModel(), false);
  });

  it("a wrong key resolves in-band with 11008 (CONN_KEY_INVALID, as Clarifai's own test_auth.py expects)", async () => {
    const res = await unary(client.listApps.bind(client), new ListAppsRequest().setUserAppId(new UserAppIDSet().setUserId('me')), 'wrong-key-0123456789abcdef');
    assert.equal(res.getStatus()?.getCode(), 11008);
    assert.equal(res.getAppsList().length, 0);
    const model = await unary(client.getModel.bind(client), new GetModelRequest().setUserAppId(uai()).setModelId('pets'), 'wrong-key-0123456789abcdef');
    assert.equal(model.getStatus()?.getCode(), 11008);
  });
});

describe('clarifai-nodejs-grpc, TLS, ClarifaiStub.grpc("localhost:PORT")', { timeout: 300_000 }, () => {
  const dir = tempDir();
  let server: ServerProcess | undefined;
  let cert = '';
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'grpc-tls-client.ts');

  before(async () => {
    const files = await selfSignedCert(dir);
    cert = files.cert;
    server = await startServer({
      env: {
        MODELKEEP_DATA_DIR: path.join(dir, 'data'),
        MODELKEEP_BOOTSTRAP_USER: USER,
        MODELKEEP_BOOTSTRAP_PAT: PAT,
        MODELKEEP_GRPC_TLS_CERT: files.cert,
        MODELKEEP_GRPC_TLS_KEY: files.key,
        MODELKEEP_WORKER: 'false',
      },
    });
  });
  after(async () => {
    await server?.stop();
    removeDir(dir);
  });

  /** Runs the client script in its own node process; it prints one JSON object on its last stdout line. */
  async function runClient(mode: 'flow' | 'probe', env: Record<string, string>): Promise<Record<string, any>> {
    const r = await runNode(script, [mode], cleanEnv({ MK_GRPC_ADDR: `localhost:${server!.grpcPort}`, MK_PAT: PAT, ...env }), 90_000);
    const last = r.stdout.trim().split('\n').pop() ?? '';
    assert.equal(r.code, 0, `client exited ${JSON.stringify({ code: r.code, signal: r.signal })}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    return JSON.parse(last) as Record<string, any>;
  }

  it('without the roots variable the self-signed cert is refused (the channel really is TLS)', async () => {
    const r = await runClient('probe', {});
    assert.equal(r.error?.code, grpc.status.UNAVAILABLE, JSON.stringify(r));
    assert.match(String(r.error?.details), /certificate/i);
  });

  it('with GRPC_DEFAULT_SSL_ROOTS_FILE_PATH the whole 2023 flow works', async () => {
    const r = await runClient('flow', { GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: cert });
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    const s = r.steps as Record<string, any>;

    assert.equal(s.listApps.status.code, 10000);
    assert.equal(s.postApps.status.code, 10000, JSON.stringify(s.postApps.status));
    assert.equal(s.postApps.apps[0].user_id, USER);

    assert.equal(s.postModels.status.code, 10000, JSON.stringify(s.postModels.status));
    assert.equal(s.postModels.model.id, 'pets');
    assert.equal(s.postModels.model.model_type_id, 'embedding-classifier');
    assert.equal(s.postModels.model.model_version, null, 'PostModels must not return a model_version');

    assert.equal(s.postModelVersions.status.code, 10000, JSON.stringify(s.postModelVersions.status));
    const v = s.postModelVersions.model.model_version;
    assert.match(v.id, /^[0-9a-f]{32}$/);
    assert.equal(v.status.code, 21103);
    assert.equal(v.active_concept_count, 2);

    assert.equal(s.getModelVersion.status.code, 10000);
    assert.equal(s.getModelVersion.model_version.id, v.id);
    assert.equal(s.getModelVersion.model_version.status.code, 21103);

    assert.equal(s.patchModels.status.code, 10000, JSON.stringify(s.patchModels.status));
    assert.equal(s.patchModels.models[0].description, 'Pets and more');
    assert.equal(s.patchModels.models[0].notes, 'my pets');

    assert.equal(s.patchModelVersions.status.code, 10000, JSON.stringify(s.patchModelVersions.status));
    assert.equal(s.patchModelVersions.model_versions[0].description, 'v1');
    assert.equal(s.patchModelVersions.model_versions[0].output_info.params.fields.max_concepts.numberValue, 5);
    assert.equal(s.patchModelVersions.model_versions[0].active_concept_count, 2);

    assert.equal(s.listModels.status.code, 10000);
    const listed = s.listModels.models.find((m: { id: string }) => m.id === 'pets');
    assert.ok(listed, 'pets is listed');
    assert.equal(listed.model_version.id, v.id);
    assert.equal(listed.description, 'Pets and more');

    assert.equal(s.getModelOutputInfo.status.code, 10000);
    assert.deepEqual(
      s.getModelOutputInfo.model.model_version.output_info.data.concepts.map((c: { id: string }) => c.id),
      ['cat', 'dog'],
    );

    assert.equal(s.deleteModel.status.code, 10000, JSON.stringify(s.deleteModel.status));
    assert.equal(s.getDeleted.status.code, 21200);

    assert.equal(s.getMissing.status.code, 21200);
    assert.equal(s.getMissing.status.description, 'Model does not exist');
    assert.equal(s.wrongKey.status.code, 11008);
  });
});
