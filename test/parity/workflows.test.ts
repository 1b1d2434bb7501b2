import assert from 'node:assert/strict';
import type { ApiObject } from '../helpers/clients.js';
import { type ParityApi, paritySuite } from './harness.js';

// Evidence: Clarifai/clarifai-python-grpc tests/client/test_workflow_crud.py
// test_post_patch_get_delete_workflow; Clarifai/docs code_snippets/api-guide/workflows/
// create_get_update_delete/curl (create.sh, get_workflows_in_app.sh, get_workflow_specific_id.sh,
// patch_workflow.sh, delete_workflow_id.sh, delete_all_workflows.sh, workflow_predict.sh) and
// common_workflows/curl/workflow_predict_text.sh, make_new_workflow_apps_default.sh. The docs' nodes
// name Clarifai's public models by id; here they are models of the app (concept thresholders, trained
// at once) and clarifai/main's text embedder, named with its user_id and app_id.

const MAIN = { user_id: 'clarifai', app_id: 'main' };

const newApp = async (api: ParityApi): Promise<{ user_id: string; app_id: string }> => ({
  user_id: 'me',
  app_id: (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('app') }] })).apps[0].id,
});

/** A concept-thresholder model with one version per threshold list; answers the version ids, oldest first. */
async function thresholder(api: ParityApi, uai: ApiObject, id: string, ...versions: [string, number][][]): Promise<string[]> {
  await api.ok('PostModels', { user_app_id: uai, models: [{ id, model_type_id: 'concept-thresholder' }] });
  const ids: string[] = [];
  for (const cs of versions) {
    const r = await api.ok('PostModelVersions', {
      user_app_id: uai,
      model_id: id,
      model_versions: [{ output_info: { data: { concepts: cs.map(([c, value]) => ({ id: c, value })) }, params: { concept_threshold_type: 'GREATER_THAN' } } }],
    });
    ids.push(r.model.model_version.id);
  }
  return ids;
}

const node = (id: string, modelId: string, versionId: string): ApiObject => ({ id, model: { id: modelId, model_version: { id: versionId } } });
const listIds = async (api: ParityApi, uai: ApiObject): Promise<string[]> =>
  (((await api.ok('ListWorkflows', { user_app_id: uai })).workflows ?? []) as ApiObject[]).map((w) => w.id as string);

paritySuite('workflows', (cases) => {
  cases(
    'PostWorkflows with two pinned nodes; PatchWorkflows overwrite repins the first to an older version; GetWorkflow shows it; DeleteWorkflow, then GetWorkflow fails',
    'clarifai-python-grpc tests/client/test_workflow_crud.py test_post_patch_get_delete_workflow; docs create.sh, patch_workflow.sh, delete_workflow_id.sh',
    async (api) => {
      const uai = await newApp(api);
      const [oldGeneral, newGeneral] = await thresholder(api, uai, 'general', [['cat', 0.5]], [['cat', 0.6]]);
      const [food] = await thresholder(api, uai, 'food', [['pizza', 0.5]]);
      const workflowId = api.id('food-and-general').slice(0, 32);
      const posted = await api.ok('PostWorkflows', {
        user_app_id: uai,
        workflows: [{ id: workflowId, nodes: [node('the-general-node', 'general', newGeneral!), node('the-food-node', 'food', food!)] }],
      });
      assert.equal(posted.workflows[0].id, workflowId);
      await api.ok('PatchWorkflows', {
        user_app_id: uai,
        action: 'overwrite',
        workflows: [{ id: workflowId, nodes: [node('the-general-node', 'general', oldGeneral!), node('the-food-node', 'food', food!)] }],
      });
      const got = await api.ok('GetWorkflow', { user_app_id: uai, workflow_id: workflowId });
      assert.equal(got.workflow.nodes[0].model.model_version.id, oldGeneral);
      assert.deepEqual(
        got.workflow.nodes.map((n: ApiObject) => [n.id, n.model.id]),
        [
          ['the-general-node', 'general'],
          ['the-food-node', 'food'],
        ],
      );
      await api.ok('DeleteWorkflow', { user_app_id: uai, workflow_id: workflowId });
      assert.notEqual((await api.call('GetWorkflow', { user_app_id: uai, workflow_id: workflowId })).status.code, 10000);
    },
  );

  cases(
    'node_inputs as the docs chain them (greater-than and less-than read the mapper) come back from GetWorkflow',
    'Clarifai/docs code_snippets/api-guide/workflows/common_workflows/curl/create_the_workflow.sh (node_inputs [{node_id}])',
    async (api) => {
      const uai = await newApp(api);
      const [mapper] = await thresholder(api, uai, 'synonym-model-id', [['people', 0.1]]);
      const [greater] = await thresholder(api, uai, 'greater-than-model-id', [['people', 0.95]]);
      const [less] = await thresholder(api, uai, 'less-than-model-id', [['people', 0.5]]);
      const from = (n: ApiObject, nodeId: string) => ({ ...n, node_inputs: [{ node_id: nodeId }] });
      await api.ok('PostWorkflows', {
        user_app_id: uai,
        workflows: [
          {
            id: 'auto-annotation-workflow-id',
            nodes: [
              node('mapper', 'synonym-model-id', mapper!),
              from(node('greater-than', 'greater-than-model-id', greater!), 'mapper'),
              from(node('less-than', 'less-than-model-id', less!), 'mapper'),
            ],
          },
        ],
      });
      const got = (await api.ok('GetWorkflow', { user_app_id: uai, workflow_id: 'auto-annotation-workflow-id' })).workflow;
      assert.deepEqual(
        got.nodes.map((n: ApiObject) => [n.id, ((n.node_inputs ?? []) as ApiObject[]).map((i) => i.node_id)]),
        [
          ['mapper', []],
          ['greater-than', ['mapper']],
          ['less-than', ['mapper']],
        ],
      );
    },
  );

  cases(
    "ListWorkflows lists the app's workflows; DeleteWorkflows with delete_all leaves none",
    'Clarifai/docs code_snippets/api-guide/workflows/create_get_update_delete/curl/get_workflows_in_app.sh, delete_all_workflows.sh',
    async (api) => {
      const uai = await newApp(api);
      const [v] = await thresholder(api, uai, 'thr', [['cat', 0.5]]);
      for (const id of ['my-custom-workflow', 'another-workflow'])
        await api.ok('PostWorkflows', { user_app_id: uai, workflows: [{ id, nodes: [node('n', 'thr', v!)] }] });
      assert.deepEqual((await listIds(api, uai)).sort(), ['another-workflow', 'my-custom-workflow']);
      await api.ok('DeleteWorkflows', { user_app_id: uai, delete_all: true });
      assert.deepEqual(await listIds(api, uai), []);
    },
  );

  cases(
    "DeleteWorkflows with ids=[one id], as the SDK's delete_workflow sends it, deletes just that one",
    'Clarifai/clarifai-python clarifai/client/app.py App.delete_workflow (DeleteWorkflowsRequest ids=[workflow_id]); clarifai-nodejs src/client/app.ts deleteWorkflow',
    async (api) => {
      const uai = await newApp(api);
      const [v] = await thresholder(api, uai, 'thr', [['cat', 0.5]]);
      for (const id of ['keep', 'drop']) await api.ok('PostWorkflows', { user_app_id: uai, workflows: [{ id, nodes: [node('n', 'thr', v!)] }] });
      await api.ok('DeleteWorkflows', { user_app_id: uai, ids: ['drop'] });
      assert.deepEqual(await listIds(api, uai), ['keep']);
    },
  );

  cases(
    'PostWorkflowResults with a text input answers one result per input, each with one output per node: the model and its data, as PostModelOutputs answers it',
    'Clarifai/docs code_snippets/api-guide/workflows/create_get_update_delete/curl/workflow_predict.sh, common_workflows/curl/workflow_predict_text.sh (results[0].outputs[i].model.id and .data)',
    async (api) => {
      const uai = await newApp(api);
      const embedder = (await api.ok('GetModel', { user_app_id: MAIN, model_id: 'general-text-embedding' })).model;
      await api.ok('PostWorkflows', {
        user_app_id: uai,
        workflows: [{ id: 'text-workflow', nodes: [{ id: 'embed', model: { id: embedder.id, ...MAIN, model_version: { id: embedder.model_version.id } } }] }],
      });
      const inputs = [{ data: { text: { raw: 'This is a test text for testing' } } }];
      const run = await api.ok('PostWorkflowResults', { user_app_id: uai, workflow_id: 'text-workflow', inputs });
      assert.equal(run.results.length, 1);
      assert.equal(run.results[0].status.code, 10000);
      assert.equal(run.results[0].input.data.text.raw, 'This is a test text for testing');
      const [out] = run.results[0].outputs;
      assert.equal(run.results[0].outputs.length, 1);
      assert.equal(out.model.id, 'general-text-embedding');
      const direct = await api.ok('PostModelOutputs', { user_app_id: MAIN, model_id: 'general-text-embedding', inputs });
      const close = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) < 1e-5);
      assert.ok(close(out.data.embeddings[0].vector, direct.outputs[0].data.embeddings[0].vector), 'the node answers what the model answers');
    },
  );

  cases(
    "PatchApps overwrite sets the app's default_workflow_id to a workflow of the app; GetApp shows it",
    'Clarifai/docs code_snippets/api-guide/workflows/common_workflows/curl/make_new_workflow_apps_default.sh',
    async (api) => {
      const uai = await newApp(api);
      const embedder = (await api.ok('GetModel', { user_app_id: MAIN, model_id: 'general-text-embedding' })).model;
      await api.ok('PostWorkflows', {
        user_app_id: uai,
        workflows: [
          {
            id: 'auto-annotation-workflow-id',
            nodes: [{ id: 'general-embed', model: { id: embedder.id, ...MAIN, model_version: { id: embedder.model_version.id } } }],
          },
        ],
      });
      const patched = await api.ok('PatchApps', {
        user_app_id: { user_id: 'me' },
        action: 'overwrite',
        apps: [{ id: uai.app_id, default_workflow_id: 'auto-annotation-workflow-id' }],
      });
      assert.equal(patched.apps[0].default_workflow_id, 'auto-annotation-workflow-id');
      assert.equal((await api.ok('GetApp', { user_app_id: uai })).app.default_workflow_id, 'auto-annotation-workflow-id');
    },
  );
});
