import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, NO_WORKER, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { apiOf, newApp, newModel, newVersion } from '../helpers/models.js';
import { TEST_USER } from '../helpers/server.js';

const MAIN = { user_id: 'clarifai', app_id: 'main' };
const conceptsIn = (id: string, ...cs: [string, number][]): ApiObject => ({ id, data: { concepts: cs.map(([c, value]) => ({ id: c, value })) } });
const node = (id: string, model: ApiObject, inputs: string[] = []): ApiObject => ({ id, model, node_inputs: inputs.map((node_id) => ({ node_id })) });
/** [node id, model id, model app, pinned version] of each node of a GetWorkflow answer. */
const shape = (w: ApiObject): [string, string, string, string][] =>
  w.nodes.map((n: ApiObject) => [n.id, n.model.id, `${n.model.user_id}/${n.model.app_id}`, n.model.model_version?.id ?? '']);
const conceptIds = (o: ApiObject): string[] => (o.data?.concepts ?? []).map((c: ApiObject) => c.id);

/**
 * Issue 19, decision 0033 ("Renames"): workflows name their models by id, so PatchModelIds rewrites
 * every workflow naming the renamed model (of its app, or of another app naming it by
 * user_id/app_id), in the rename's transaction. GetWorkflow shows the new id, PostWorkflowResults
 * runs as before, the delete guards follow, and the app's base workflow stays usable.
 */
describeBoth(
  'PatchModelIds: workflows naming the model follow the rename',
  (h) => {
    const api = apiOf(h);
    let uai: { user_id: string; app_id: string };
    let other: { user_id: string; app_id: string };
    let pinned: string; // thr-a's version (cat > 0.5)
    const inputs = [conceptsIn('x1', ['cat', 0.9], ['dog', 0.3]), conceptsIn('x2', ['cat', 0.4], ['dog', 0.95])];

    before(async () => {
      uai = await newApp(api, uid('rename'));
      other = await newApp(api, uid('rename-other'));
      await newModel(api, uai, { id: 'thr-a', model_type_id: 'concept-thresholder' });
      await newModel(api, uai, { id: 'thr-b', model_type_id: 'concept-thresholder' });
      pinned = (await newVersion(api, uai, 'thr-a', { output_info: { data: { concepts: [{ id: 'cat', value: 0.5 }] } } })).id;
      await newVersion(api, uai, 'thr-b', { output_info: { data: { concepts: [{ id: 'dog', value: 0.2 }] } } });
    });

    it('GetWorkflow shows the new id (pins kept) in the app and in another app naming it; runs answer as before; other workflows are untouched', async () => {
      const chain = uid('chain');
      const bystander = uid('bystander');
      const cross = uid('cross');
      await api.ok('PostWorkflows', {
        user_app_id: uai,
        workflows: [
          { id: chain, nodes: [node('first', { id: 'thr-a', model_version: { id: pinned } }), node('second', { id: 'thr-b' }, ['first'])] },
          { id: bystander, nodes: [node('only', { id: 'thr-b' })] },
        ],
      });
      // A workflow of another app of the user, naming thr-a by its app.
      await api.ok('PostWorkflows', {
        user_app_id: other,
        workflows: [{ id: cross, nodes: [node('remote', { id: 'thr-a', user_id: TEST_USER, app_id: uai.app_id })] }],
      });
      const runBefore = await api.ok('PostWorkflowResults', { user_app_id: uai, workflow_id: chain, inputs });
      const bystanderBefore = (await api.ok('GetWorkflow', { user_app_id: uai, workflow_id: bystander })).workflow;

      const renamed = await api.ok('PatchModelIds', { user_app_id: uai, action: 'overwrite', ids: [{ id: 'thr-a', new_id: 'thr-renamed' }] });
      assert.equal(renamed.models[0].id, 'thr-renamed');

      const own = `${TEST_USER}/${uai.app_id}`;
      const got = (await api.ok('GetWorkflow', { user_app_id: uai, workflow_id: chain })).workflow;
      assert.deepEqual(shape(got), [
        ['first', 'thr-renamed', own, pinned],
        ['second', 'thr-b', own, ''],
      ]);
      assert.deepEqual(
        got.nodes.map((n: ApiObject) => (n.node_inputs ?? []).map((x: ApiObject) => x.node_id)),
        [[], ['first']],
      );
      const listed = (await api.ok('ListWorkflows', { user_app_id: uai })).workflows.find((w: ApiObject) => w.id === chain);
      assert.equal(listed.nodes[0].model.id, 'thr-renamed');
      assert.deepEqual((await api.ok('GetWorkflow', { user_app_id: uai, workflow_id: bystander })).workflow, bystanderBefore);
      const remote = (await api.ok('GetWorkflow', { user_app_id: other, workflow_id: cross })).workflow;
      assert.deepEqual(shape(remote), [['remote', 'thr-renamed', own, '']]);

      // The run answers what it answered before, naming the model by its new id.
      const runAfter = await api.ok('PostWorkflowResults', { user_app_id: uai, workflow_id: chain, inputs });
      for (const [i, r] of runAfter.results.entries()) {
        assert.equal(r.status.code, 10000, JSON.stringify(r.status));
        assert.deepEqual(
          r.outputs.map((o: ApiObject) => [o.model.id, o.model.model_version.id]),
          [
            ['thr-renamed', pinned],
            ['thr-b', runBefore.results[i].outputs[1].model.model_version.id],
          ],
        );
        assert.deepEqual(r.outputs.map(conceptIds), runBefore.results[i].outputs.map(conceptIds));
      }
      // thr-a drops x2's cat 0.4 (not > 0.5) and passes dog, which it has no threshold for.
      assert.deepEqual(
        runAfter.results.map((r: ApiObject) => conceptIds(r.outputs[0])),
        [['cat', 'dog'], ['dog']],
      );
      const crossRun = await api.ok('PostWorkflowResults', { user_app_id: other, workflow_id: cross, inputs });
      assert.deepEqual(
        crossRun.results.map((r: ApiObject) => [r.outputs[0].model.id, conceptIds(r.outputs[0])]),
        [
          ['thr-renamed', ['cat', 'dog']],
          ['thr-renamed', ['dog']],
        ],
      );

      // The guards follow the rename: the pinned version and the model stay undeletable, naming the workflow.
      const v = await api.fails('DeleteModelVersion', { user_app_id: uai, model_id: 'thr-renamed', version_id: pinned }, 21203, 400);
      assert.match(v.details!, new RegExp(`Version '${pinned}' of model 'thr-renamed' is pinned by workflow '${chain}' \\(node 'first'\\)`));
      const m = await api.fails('DeleteModel', { user_app_id: uai, model_id: 'thr-renamed' }, 21203, 400);
      assert.match(m.details!, new RegExp(`Workflow '${chain}' \\(node 'first': model 'thr-renamed'\\)`));
      // The old id names nothing any more, in new workflows either.
      await api.fails('GetModel', { user_app_id: uai, model_id: 'thr-a' }, 21200, 404);
      const gone = await api.fails('PostWorkflows', { user_app_id: uai, workflows: [{ id: uid('old'), nodes: [node('n', { id: 'thr-a' })] }] }, 21200, 404);
      assert.match(gone.details!, /thr-a/);

      // Renamed back, the workflows follow again.
      await api.ok('PatchModelIds', { user_app_id: uai, action: 'overwrite', ids: [{ id: 'thr-renamed', new_id: 'thr-a' }] });
      assert.equal((await api.ok('GetWorkflow', { user_app_id: uai, workflow_id: chain })).workflow.nodes[0].model.id, 'thr-a');
      assert.equal((await api.ok('GetWorkflow', { user_app_id: other, workflow_id: cross })).workflow.nodes[0].model.id, 'thr-a');
      await api.ok('DeleteWorkflow', { user_app_id: other, workflow_id: cross });
    });

    it('a refused rename in a batch renames nothing and leaves every workflow as it was', async () => {
      const wf = uid('batch');
      await newModel(api, uai, { id: 'taken', model_type_id: 'concept-thresholder' });
      await api.ok('PostWorkflows', { user_app_id: uai, workflows: [{ id: wf, nodes: [node('b', { id: 'thr-b' }), node('a', { id: 'thr-a' })] }] });
      const before = (await api.ok('GetWorkflow', { user_app_id: uai, workflow_id: wf })).workflow;
      const st = await api.fails(
        'PatchModelIds',
        {
          user_app_id: uai,
          action: 'overwrite',
          ids: [
            { id: 'thr-b', new_id: 'thr-b-next' },
            { id: 'thr-a', new_id: 'taken' },
          ],
        },
        40010,
        409,
      );
      assert.match(st.details!, /'taken' already exists/);
      assert.deepEqual((await api.ok('GetWorkflow', { user_app_id: uai, workflow_id: wf })).workflow, before);
      await api.ok('GetModel', { user_app_id: uai, model_id: 'thr-b' });
      await api.ok('DeleteWorkflow', { user_app_id: uai, workflow_id: wf });
    });

    it("the app's base workflow (decision 0037) names the renamed model: it follows and stays the usable base workflow", async () => {
      const app = await newApp(api, uid('rename-base'));
      await newModel(api, app, { id: 'gate', model_type_id: 'concept-thresholder' });
      await newVersion(api, app, 'gate', { output_info: { data: { concepts: [{ id: 'cat', value: 0.5 }] } } });
      await api.ok('PostWorkflows', {
        user_app_id: app,
        workflows: [{ id: 'base', nodes: [node('embed', { id: 'general-text-embedding', ...MAIN }), node('gate', { id: 'gate' })] }],
      });
      await api.ok('PatchApps', { user_app_id: { user_id: 'me' }, action: 'overwrite', apps: [{ id: app.app_id, default_workflow_id: 'base' }] });

      await api.ok('PatchModelIds', { user_app_id: app, action: 'overwrite', ids: [{ id: 'gate', new_id: 'gate-2' }] });

      assert.equal((await api.ok('GetApp', { user_app_id: app })).app.default_workflow_id, 'base');
      const base = (await api.ok('GetWorkflow', { user_app_id: app, workflow_id: 'base' })).workflow;
      assert.deepEqual(
        shape(base).map(([id, model]) => [id, model]),
        [
          ['embed', 'general-text-embedding'],
          ['gate', 'gate-2'],
        ],
      );
      const run = await api.ok('PostWorkflowResults', {
        user_app_id: app,
        workflow_id: 'base',
        inputs: [{ id: 't', data: { text: { raw: 'a cat' }, concepts: [{ id: 'cat', value: 0.9 }] } }],
      });
      const outs = run.results[0].outputs;
      assert.deepEqual(
        outs.map((o: ApiObject) => [o.model.id, o.status.code]),
        [
          ['general-text-embedding', 10000],
          ['gate-2', 10000],
        ],
      );
      assert.equal(outs[0].data.embeddings[0].vector.length, 2048);
      assert.deepEqual(conceptIds(outs[1]), ['cat']);
      // Still the base workflow, guarded as one: its nodes re-sent (the new id) pass the usability check,
      // and it cannot be deleted.
      await api.ok('PatchWorkflows', { user_app_id: app, action: 'overwrite', workflows: [{ id: 'base', nodes: base.nodes }] });
      const del = await api.fails('DeleteWorkflow', { user_app_id: app, workflow_id: 'base' }, 22104, 400);
      assert.match(del.details!, /is the base workflow of app/);
      // PatchWorkflows without nodes keeps the renamed graph.
      const described = await api.ok('PatchWorkflows', { user_app_id: app, action: 'merge', workflows: [{ id: 'base', description: 'indexes text' }] });
      assert.equal(described.workflows[0].nodes[1].model.id, 'gate-2');
    });
  },
  NO_WORKER,
);
