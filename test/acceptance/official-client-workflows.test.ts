import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import resources_pb from 'clarifai-nodejs-grpc/proto/clarifai/api/resources_pb';
import { V2Client } from 'clarifai-nodejs-grpc/proto/clarifai/api/service_grpc_pb';
import service_pb from 'clarifai-nodejs-grpc/proto/clarifai/api/service_pb';
import { removeDir, type ServerProcess, startServer, tempDir } from '../helpers/modelkeep-process.js';
import { assertSuccess, officialUnary } from '../helpers/official-grpc.js';

/**
 * The unmodified official low-level client `clarifai-nodejs-grpc` building and running a workflow on a
 * real modelkeep process (decision 0033), in the shape of Clarifai's docs ("Workflows → Input Nodes"):
 * a node on clarifai/main's text embedder, a node pinned to a version of an app model, node_inputs
 * chaining two thresholders; results compared with PostModelOutputs on each model.
 */

const USER = 'workflow-user';
const PAT = 'acceptance-workflow-pat-0123456789abcdef';
const {
  PostAppsRequest,
  PostModelsRequest,
  PostModelVersionsRequest,
  PostWorkflowsRequest,
  GetWorkflowRequest,
  PostWorkflowResultsRequest,
  PostModelOutputsRequest,
} = service_pb;
const { UserAppIDSet, App, Model, ModelVersion, OutputInfo, Input, Data, Text, Concept, Workflow, WorkflowNode, NodeInput } = resources_pb;

const unary = officialUnary(PAT);

describe('clarifai-nodejs-grpc: PostWorkflows and PostWorkflowResults', { timeout: 300_000 }, () => {
  const dataDir = tempDir();
  let server: ServerProcess | undefined;
  let client: V2Client;
  const appId = 'workflow-app';
  const uai = () => new UserAppIDSet().setUserId('me').setAppId(appId);
  const ok = assertSuccess;
  const thresholds = (...cs: [string, number][]) =>
    new OutputInfo().setData(new Data().setConceptsList(cs.map(([id, v]) => new Concept().setId(id).setValue(v))));
  const conceptInput = (id: string, ...cs: [string, number][]) =>
    new Input().setId(id).setData(new Data().setConceptsList(cs.map(([c, v]) => new Concept().setId(c).setValue(v))));
  let pinned = '';

  before(async () => {
    server = await startServer({ env: { MODELKEEP_DATA_DIR: dataDir, MODELKEEP_BOOTSTRAP_USER: USER, MODELKEEP_BOOTSTRAP_PAT: PAT } });
    client = new V2Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
    ok(await unary(client.postApps.bind(client), new PostAppsRequest().setUserAppId(new UserAppIDSet().setUserId('me')).setAppsList([new App().setId(appId)])));
    for (const id of ['thr-a', 'thr-b']) {
      ok(
        await unary(
          client.postModels.bind(client),
          new PostModelsRequest().setUserAppId(uai()).setModelsList([new Model().setId(id).setModelTypeId('concept-thresholder')]),
        ),
      );
    }
    const a = await unary(
      client.postModelVersions.bind(client),
      new PostModelVersionsRequest()
        .setUserAppId(uai())
        .setModelId('thr-a')
        .setModelVersionsList([new ModelVersion().setOutputInfo(thresholds(['cat', 0.5], ['dog', 0.8]))]),
    );
    ok(a);
    pinned = a.getModel()!.getModelVersion()!.getId();
    ok(
      await unary(
        client.postModelVersions.bind(client),
        new PostModelVersionsRequest()
          .setUserAppId(uai())
          .setModelId('thr-b')
          .setModelVersionsList([new ModelVersion().setOutputInfo(thresholds(['cat', 0.9]))]),
      ),
    );
  });
  after(async () => {
    client?.close();
    await server?.stop();
    removeDir(dataDir);
  });

  it('a chain of pinned and unpinned nodes answers what the models answer one after the other', async () => {
    const first = new WorkflowNode().setId('first').setModel(new Model().setId('thr-a').setModelVersion(new ModelVersion().setId(pinned)));
    const second = new WorkflowNode()
      .setId('second')
      .setModel(new Model().setId('thr-b'))
      .setNodeInputsList([new NodeInput().setNodeId('first')]);
    ok(
      await unary(
        client.postWorkflows.bind(client),
        new PostWorkflowsRequest().setUserAppId(uai()).setWorkflowsList([new Workflow().setId('chain').setNodesList([first, second])]),
      ),
    );
    const got = await unary(client.getWorkflow.bind(client), new GetWorkflowRequest().setUserAppId(uai()).setWorkflowId('chain'));
    ok(got);
    assert.deepEqual(
      got
        .getWorkflow()!
        .getNodesList()
        .map((n) => [n.getId(), n.getModel()!.getModelVersion()?.getId() ?? '', n.getNodeInputsList().map((x) => x.getNodeId())]),
      [
        ['first', pinned, []],
        ['second', '', ['first']],
      ],
    );

    const inputs = [conceptInput('x', ['cat', 0.95], ['dog', 0.7], ['bird', 0.2])];
    const run = await unary(
      client.postWorkflowResults.bind(client),
      new PostWorkflowResultsRequest().setUserAppId(uai()).setWorkflowId('chain').setInputsList(inputs),
    );
    ok(run);
    const [result] = run.getResultsList();
    assert.equal(result!.getInput()!.getId(), 'x');
    const concepts = (o: { getData(): InstanceType<typeof Data> | undefined }) =>
      o
        .getData()!
        .getConceptsList()
        .map((c) => c.getId());
    const outs = result!.getOutputsList();
    assert.deepEqual(
      outs.map((o) => o.getModel()!.getId()),
      ['thr-a', 'thr-b'],
    );

    const a = await unary(
      client.postModelOutputs.bind(client),
      new PostModelOutputsRequest().setUserAppId(uai()).setModelId('thr-a').setVersionId(pinned).setInputsList(inputs),
    );
    ok(a);
    const fed = new Input().setId('x').setData(new Data().setConceptsList(a.getOutputsList()[0]!.getData()!.getConceptsList()));
    const b = await unary(client.postModelOutputs.bind(client), new PostModelOutputsRequest().setUserAppId(uai()).setModelId('thr-b').setInputsList([fed]));
    ok(b);
    assert.deepEqual(concepts(outs[0]!), concepts(a.getOutputsList()[0]!));
    assert.deepEqual(concepts(outs[1]!), concepts(b.getOutputsList()[0]!));
    assert.deepEqual(concepts(outs[1]!), ['cat', 'bird'], 'thr-a dropped dog 0.7; thr-b kept cat 0.95 (> 0.9) and bird (not listed)');
  });

  it("a node on clarifai/main's text embedder embeds like PostModelOutputs there", async () => {
    const embed = new WorkflowNode().setId('embed').setModel(new Model().setId('general-text-embedding').setUserId('clarifai').setAppId('main'));
    ok(
      await unary(
        client.postWorkflows.bind(client),
        new PostWorkflowsRequest().setUserAppId(uai()).setWorkflowsList([new Workflow().setId('embed-text').setNodesList([embed])]),
      ),
    );
    const inputs = [new Input().setId('t').setData(new Data().setText(new Text().setRaw('a dog in the park')))];
    const run = await unary(
      client.postWorkflowResults.bind(client),
      new PostWorkflowResultsRequest().setUserAppId(uai()).setWorkflowId('embed-text').setInputsList(inputs),
    );
    ok(run);
    const direct = await unary(
      client.postModelOutputs.bind(client),
      new PostModelOutputsRequest()
        .setUserAppId(new UserAppIDSet().setUserId('clarifai').setAppId('main'))
        .setModelId('general-text-embedding')
        .setInputsList(inputs),
    );
    ok(direct);
    const vec = run.getResultsList()[0]!.getOutputsList()[0]!.getData()!.getEmbeddingsList()[0]!.getVectorList();
    assert.equal(vec.length, 2048);
    assert.deepEqual(vec, direct.getOutputsList()[0]!.getData()!.getEmbeddingsList()[0]!.getVectorList());
  });
});
