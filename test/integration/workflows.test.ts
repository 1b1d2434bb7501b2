import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, NO_WORKER, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { apiOf, newApp, newModel, newVersion } from '../helpers/models.js';

const conceptsIn = (id: string, ...cs: [string, number][]): ApiObject => ({ id, data: { concepts: cs.map(([c, value]) => ({ id: c, value })) } });
const pairs = (out: ApiObject): [string, number][] => (out.data?.concepts ?? []).map((c: ApiObject) => [c.id, Math.round(c.value * 1e4) / 1e4]);
const node = (id: string, modelId: string, versionId?: string, inputs: string[] = []): ApiObject => ({
  id,
  model: { id: modelId, ...(versionId ? { model_version: { id: versionId } } : {}) },
  node_inputs: inputs.map((node_id) => ({ node_id })),
});

/**
 * Issue 19 items 1–2, decision 0033: workflows pin model versions; PostWorkflowResults runs the
 * graph through PostModelOutputs' path. The operators (concept-thresholder) are TRAINED at once, so
 * a chain of them is a real two-step graph: the second node reads the first node's concepts.
 */
describeBoth(
  'Workflows: CRUD, graph rules, runs, pinned versions',
  (h) => {
    const api = apiOf(h);
    let uai: { user_id: string; app_id: string };
    let loose: string; // thr-a's only version (cat > 0.5, dog > 0.8)
    let strictOld: string; // thr-b's first version (cat > 0.7)
    let strictNew: string; // thr-b's newer version (cat > 0.9, bird > 0.5)
    before(async () => {
      uai = await newApp(api, uid('wf'));
      await newModel(api, uai, { id: 'thr-a', model_type_id: 'concept-thresholder' });
      await newModel(api, uai, { id: 'thr-b', model_type_id: 'concept-thresholder' });
      await newModel(api, uai, { id: 'ec', model_type_id: 'embedding-classifier' });
      loose = (
        await newVersion(api, uai, 'thr-a', {
          output_info: {
            data: {
              concepts: [
                { id: 'cat', value: 0.5 },
                { id: 'dog', value: 0.8 },
              ],
            },
          },
        })
      ).id;
      strictOld = (await newVersion(api, uai, 'thr-b', { output_info: { data: { concepts: [{ id: 'cat', value: 0.7 }] } } })).id;
      strictNew = (
        await newVersion(api, uai, 'thr-b', {
          output_info: {
            data: {
              concepts: [
                { id: 'cat', value: 0.9 },
                { id: 'bird', value: 0.5 },
              ],
            },
          },
        })
      ).id;
    });

    it("PostWorkflows stores the graph; GetWorkflow / ListWorkflows answer it in Clarifai's shape; PatchWorkflows replaces nodes; deletes", async () => {
      const made = await api.ok('PostWorkflows', {
        user_app_id: uai,
        workflows: [{ id: 'chain', description: 'two steps', nodes: [node('first', 'thr-a', loose), node('second', 'thr-b', undefined, ['first'])] }],
      });
      assert.equal(made.workflows[0].id, 'chain');
      const got = (await api.ok('GetWorkflow', { user_app_id: uai, workflow_id: 'chain' })).workflow;
      assert.equal(got.description, 'two steps');
      assert.equal(got.app_id, uai.app_id);
      assert.deepEqual(
        got.nodes.map((n: ApiObject) => [n.id, n.model.id, n.model.model_version?.id ?? '', (n.node_inputs ?? []).map((x: ApiObject) => x.node_id)]),
        [
          ['first', 'thr-a', loose, []],
          ['second', 'thr-b', '', ['first']],
        ],
      );
      await api.ok('PostWorkflows', { user_app_id: uai, workflows: [{ id: 'other', nodes: [node('only', 'thr-b', strictOld)] }] });
      assert.deepEqual(
        (await api.ok('ListWorkflows', { user_app_id: uai })).workflows.map((w: ApiObject) => w.id),
        ['chain', 'other'],
      );
      assert.deepEqual(
        (await api.ok('ListWorkflows', { user_app_id: uai, page: 2, per_page: 1 })).workflows.map((w: ApiObject) => w.id),
        ['other'],
      );

      const patched = await api.ok('PatchWorkflows', {
        user_app_id: uai,
        action: 'overwrite',
        workflows: [{ id: 'other', nodes: [node('only', 'thr-b', strictNew)] }],
      });
      assert.equal(patched.workflows[0].nodes[0].model.model_version.id, strictNew);
      await api.fails('PatchWorkflows', { user_app_id: uai, workflows: [{ id: 'nope', description: 'x' }] }, 22102, 404);

      await api.fails('PostWorkflows', { user_app_id: uai, workflows: [{ id: 'chain', nodes: [node('n', 'thr-a')] }] }, 40010, 409);
      const s = await api.fails('DeleteWorkflows', { user_app_id: uai, ids: ['other', 'ghost'] }, 22102, 404);
      assert.match(s.details!, /'ghost'.*nothing was deleted/);
      await api.ok('GetWorkflow', { user_app_id: uai, workflow_id: 'other' });
      await api.ok('DeleteWorkflow', { user_app_id: uai, workflow_id: 'other' });
      await api.fails('GetWorkflow', { user_app_id: uai, workflow_id: 'other' }, 22102, 404);
      await api.fails('DeleteWorkflow', { user_app_id: uai, workflow_id: 'other' }, 22102, 404);
    });

    it('invalid graphs are refused with the status and a detail naming the node', async () => {
      const post = (nodes: ApiObject[]) => ({ user_app_id: uai, workflows: [{ id: uid('bad'), nodes }] });
      let s = await api.fails('PostWorkflows', post([node('a', 'thr-a', undefined, ['b']), node('b', 'thr-b', undefined, ['a'])]), 22107, 400);
      assert.match(s.details!, /cycle: (a -> b -> a|b -> a -> b)/);
      s = await api.fails('PostWorkflows', post([node('a', 'thr-a', undefined, ['zzz'])]), 22107, 400);
      assert.match(s.details!, /node_input 'zzz', which is no node of this workflow/);
      s = await api.fails('PostWorkflows', post([node('a', 'thr-a', undefined, ['a'])]), 22107, 400);
      assert.match(s.details!, /lists itself/);
      s = await api.fails('PostWorkflows', post([node('a', 'no-such-model')]), 21200, 404);
      assert.match(s.details!, /nodes\[0\] \('a'\).*Model 'no-such-model' does not exist/);
      s = await api.fails('PostWorkflows', post([node('a', 'thr-a', 'no-such-version')]), 21200, 404);
      assert.match(s.details!, /has no version 'no-such-version'/);
      s = await api.fails('PostWorkflows', post([node('a', 'thr-a'), node('b', 'ec', undefined, ['a'])]), 22107, 400);
      assert.match(s.details!, /cannot read node 'a'.*takes embeddings but its input produces concepts/);
      s = await api.fails('PostWorkflows', post([node('a', 'thr-a'), node('a', 'thr-b')]), 22107, 400);
      assert.match(s.details!, /used by two nodes/);
      s = await api.fails('PostWorkflows', post([]), 22104, 400);
      assert.match(s.details!, /at least one node/);
      await api.fails('PostWorkflows', post([{ id: 'a', model: {} }]), 22104, 400);
      // Nothing of a refused batch is kept.
      await api.fails(
        'PostWorkflows',
        {
          user_app_id: uai,
          workflows: [
            { id: 'half-ok', nodes: [node('a', 'thr-a')] },
            { id: 'half-bad', nodes: [node('a', 'nope')] },
          ],
        },
        21200,
        404,
      );
      await api.fails('GetWorkflow', { user_app_id: uai, workflow_id: 'half-ok' }, 22102, 404);
    });

    it('PostWorkflowResults answers what calling each model in turn answers; unpinned nodes take the newest TRAINED version', async () => {
      const wf = uid('run');
      await api.ok('PostWorkflows', {
        user_app_id: uai,
        workflows: [
          { id: wf, nodes: [node('first', 'thr-a', loose), node('second', 'thr-b', undefined, ['first']), node('pinned', 'thr-b', strictOld, ['first'])] },
        ],
      });
      const inputs = [conceptsIn('x1', ['cat', 0.95], ['dog', 0.7], ['bird', 0.6]), conceptsIn('x2', ['cat', 0.8], ['dog', 0.9], ['bird', 0.1])];
      const run = await api.ok('PostWorkflowResults', { user_app_id: uai, workflow_id: wf, inputs });
      assert.equal(run.workflow.id, wf);
      assert.deepEqual(
        run.results.map((r: ApiObject) => r.input.id),
        ['x1', 'x2'],
      );
      assert.deepEqual(
        run.results.map((r: ApiObject) => r.status.code),
        [10000, 10000],
      );

      // The same, model by model: thr-a on the inputs, then thr-b (newest and pinned) on thr-a's concepts.
      const a = await api.ok('PostModelOutputs', { user_app_id: uai, model_id: 'thr-a', version_id: loose, inputs });
      const fed = a.outputs.map((o: ApiObject, i: number) => ({ id: inputs[i]!.id, data: { concepts: o.data.concepts } }));
      const b = await api.ok('PostModelOutputs', { user_app_id: uai, model_id: 'thr-b', inputs: fed });
      const p = await api.ok('PostModelOutputs', { user_app_id: uai, model_id: 'thr-b', version_id: strictOld, inputs: fed });
      for (const [i, r] of run.results.entries()) {
        assert.deepEqual(
          r.outputs.map((o: ApiObject) => o.model.id),
          ['thr-a', 'thr-b', 'thr-b'],
        );
        assert.deepEqual(
          r.outputs.map((o: ApiObject) => o.model.model_version.id),
          [loose, strictNew, strictOld],
        );
        assert.deepEqual(r.outputs.map(pairs), [pairs(a.outputs[i]), pairs(b.outputs[i]), pairs(p.outputs[i])]);
      }
      // Concretely: thr-a drops dog 0.7 from x1; thr-b's newest keeps cat 0.95 and bird 0.6 but not x2's cat 0.8;
      // the pinned old one (cat > 0.7 only) keeps all of x2's.
      assert.deepEqual(
        run.results[0].outputs[1].data.concepts.map((c: ApiObject) => c.id),
        ['cat', 'bird'],
      );
      assert.deepEqual(
        run.results[1].outputs[1].data.concepts.map((c: ApiObject) => c.id),
        ['dog'],
      );
      assert.deepEqual(
        run.results[1].outputs[2].data.concepts.map((c: ApiObject) => c.id),
        ['dog', 'cat', 'bird'],
      );

      // output_config of the request applies to every concept node, like the same override on each PostModelOutputs.
      const top1 = await api.ok('PostWorkflowResults', { user_app_id: uai, workflow_id: wf, inputs, output_config: { max_concepts: 1 } });
      assert.deepEqual(
        top1.results[0].outputs.map((o: ApiObject) => o.data.concepts.length),
        [1, 1, 1],
      );
    });

    it('suppress_output hides a node; a failing input fails its outputs, not the call; request limits', async () => {
      const wf = uid('sup');
      await api.ok('PostWorkflows', {
        user_app_id: uai,
        workflows: [{ id: wf, nodes: [{ ...node('first', 'thr-a'), suppress_output: true }, node('second', 'thr-b', strictOld, ['first'])] }],
      });
      const r = await api.call('PostWorkflowResults', {
        user_app_id: uai,
        workflow_id: wf,
        inputs: [conceptsIn('c', ['cat', 0.9]), { id: 't', data: { text: { raw: 'no concepts here' } } }],
      });
      assert.equal(r.body.status.code, 10010, JSON.stringify(r.body.status));
      const [good, bad] = r.body.results;
      assert.deepEqual(
        good.outputs.map((o: ApiObject) => o.model.id),
        ['thr-b'],
      );
      assert.deepEqual(pairs(good.outputs[0]), [['cat', 0.9]]);
      assert.equal(bad.status.code, 10020);
      assert.equal(bad.outputs[0].status.code, 10020);
      assert.match(bad.outputs[0].status.details, /input node 'first' failed/);

      await api.fails('PostWorkflowResults', { user_app_id: uai, workflow_id: 'ghost', inputs: [conceptsIn('c', ['cat', 1])] }, 22102, 404);
      await api.fails('PostWorkflowResults', { user_app_id: uai, workflow_id: wf, inputs: [] }, 22104, 400);
      const many = Array.from({ length: 129 }, (_, i) => conceptsIn(`i${i}`, ['cat', 1]));
      const s = await api.fails('PostWorkflowResults', { user_app_id: uai, workflow_id: wf, inputs: many }, 22104, 400);
      assert.match(s.details!, /128/);
    });

    it("a node may use a model of a public app (clarifai/main's text embedder); the run answers what PostModelOutputs there answers", async () => {
      const wf = uid('main');
      const embed = { id: 'embed', model: { id: 'general-text-embedding', user_id: 'clarifai', app_id: 'main' } };
      await api.ok('PostWorkflows', { user_app_id: uai, workflows: [{ id: wf, nodes: [embed] }] });
      const got = (await api.ok('GetWorkflow', { user_app_id: uai, workflow_id: wf })).workflow;
      assert.deepEqual([got.nodes[0].model.user_id, got.nodes[0].model.app_id], ['clarifai', 'main']);
      const inputs = [{ id: 't1', data: { text: { raw: 'a cat on a mat' } } }];
      const run = await api.ok('PostWorkflowResults', { user_app_id: uai, workflow_id: wf, inputs });
      const direct = await api.ok('PostModelOutputs', { user_app_id: { user_id: 'clarifai', app_id: 'main' }, model_id: 'general-text-embedding', inputs });
      const out = run.results[0].outputs[0];
      assert.equal(out.model.id, 'general-text-embedding');
      assert.equal(out.data.embeddings[0].vector.length, 2048);
      assert.deepEqual(out.data.embeddings[0].vector, direct.outputs[0].data.embeddings[0].vector);
      // Half an app reference, or an app the caller cannot see, is refused.
      await api.fails(
        'PostWorkflows',
        { user_app_id: uai, workflows: [{ id: uid('half'), nodes: [{ id: 'e', model: { id: 'general-text-embedding', app_id: 'main' } }] }] },
        22104,
        400,
      );
      await api.fails(
        'PostWorkflows',
        { user_app_id: uai, workflows: [{ id: uid('hidden'), nodes: [{ id: 'e', model: { id: 'x', user_id: 'someone-else', app_id: 'private' } }] }] },
        11101,
        404,
      );
    });

    it('a version a workflow pins, or a model it uses, cannot be deleted; the refusal names the workflow and node', async () => {
      await newModel(api, uai, { id: 'thr-pin', model_type_id: 'concept-thresholder' });
      const v = (await newVersion(api, uai, 'thr-pin', { output_info: { data: { concepts: [{ id: 'cat', value: 0.5 }] } } })).id;
      const wf = uid('pins');
      await api.ok('PostWorkflows', { user_app_id: uai, workflows: [{ id: wf, nodes: [node('keeper', 'thr-pin', v)] }] });
      const s = await api.fails('DeleteModelVersion', { user_app_id: uai, model_id: 'thr-pin', version_id: v }, 21203, 400);
      assert.match(s.details!, new RegExp(`pinned by workflow '${wf}' \\(node 'keeper'\\)`));
      await api.ok('GetModelVersion', { user_app_id: uai, model_id: 'thr-pin', version_id: v });
      // Deleting the model (which takes its versions) is refused the same way, by id and by delete_all.
      const m = await api.fails('DeleteModel', { user_app_id: uai, model_id: 'thr-pin' }, 21203, 400);
      assert.match(m.details!, new RegExp(`Workflow '${wf}' \\(node 'keeper': model 'thr-pin'\\) uses the model`));
      await api.fails('DeleteModels', { user_app_id: uai, ids: ['thr-pin'] }, 21203, 400);
      await api.fails('DeleteModels', { user_app_id: uai, delete_all: true }, 21203, 400);
      await api.ok('GetModel', { user_app_id: uai, model_id: 'thr-pin' });
      await api.ok('DeleteWorkflow', { user_app_id: uai, workflow_id: wf });
      await api.ok('DeleteModelVersion', { user_app_id: uai, model_id: 'thr-pin', version_id: v });
    });
  },
  NO_WORKER,
);
