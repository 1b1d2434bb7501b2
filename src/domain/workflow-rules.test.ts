import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from './errors.js';
import { Code } from './status-codes.js';
import { namesModel, orderNodes, parseWorkflow, pinsOf, renameModelInNodes, typeMismatch } from './workflow-rules.js';
import type { WorkflowNode } from './workflows.js';

const n = (id: string, inputs: string[] = [], modelId = 'm', versionId = ''): WorkflowNode => ({ id, modelId, versionId, inputs, suppressOutput: false });
const refused = (fn: () => unknown, code: number, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ApiError && e.code === code && re.test(e.details));

describe('workflow graph rules', () => {
  it('orders nodes after their inputs, whatever order they are listed in', () => {
    const order = orderNodes([n('c', ['b']), n('b', ['a']), n('a'), n('d', ['a', 'c'])]).map((x) => x.id);
    assert.deepEqual(order, ['a', 'b', 'c', 'd']);
  });

  const cases: [string, WorkflowNode[], RegExp][] = [
    ['two-node cycle', [n('a', ['b']), n('b', ['a'])], /cycle: a -> b -> a/],
    ['longer cycle behind a root', [n('r'), n('x', ['r', 'z']), n('y', ['x']), n('z', ['y'])], /cycle: x -> z -> y -> x/],
    ['self input', [n('a', ['a'])], /lists itself/],
    ['unknown node input', [n('a', ['ghost'])], /node_input 'ghost', which is no node of this workflow \(nodes: a\)/],
    ['duplicate node id', [n('a'), n('a')], /used by two nodes/],
  ];
  for (const [name, nodes, re] of cases) it(`refuses a graph with a ${name} (22107)`, () => refused(() => orderNodes(nodes), Code.WORKFLOW_INVALID_GRAPH, re));

  it('parses API nodes: pinned version, node_inputs, suppress_output, output_info_override', () => {
    const p = parseWorkflow(
      {
        id: 'w',
        nodes: [
          { id: 'e', model: { id: 'emb', model_version: { id: 'v1' } }, suppress_output: true },
          { id: 'c', model: { id: 'cls' }, node_inputs: [{ node_id: 'e' }], output_info_override: { output_config: { max_concepts: 2 }, ignored: 1 } },
        ],
      },
      0,
      true,
    );
    assert.deepEqual(p.nodes, [
      { id: 'e', modelId: 'emb', versionId: 'v1', inputs: [], suppressOutput: true },
      { id: 'c', modelId: 'cls', versionId: '', inputs: ['e'], suppressOutput: false, outputInfo: { output_config: { max_concepts: 2 } } },
    ]);
  });

  it("refuses malformed workflows (22104) and prefixes graph errors with the workflow's place", () => {
    refused(() => parseWorkflow({ id: 'bad id!', nodes: [] }, 0, true), Code.WORKFLOW_INVALID_ARGUMENT, /workflows\[0\]\.id 'bad id!' is invalid/);
    refused(() => parseWorkflow({ id: 'w', nodes: [] }, 1, true), Code.WORKFLOW_INVALID_ARGUMENT, /workflows\[1\]\.nodes is empty/);
    refused(() => parseWorkflow({ id: 'w', nodes: [{ id: 'a', model: {} }] }, 0, true), Code.WORKFLOW_INVALID_ARGUMENT, /nodes\[0\]\.model\.id is required/);
    refused(
      () => parseWorkflow({ id: 'w', nodes: [{ id: 'a', model: { id: 'm' }, node_inputs: [{}] }] }, 0, true),
      Code.WORKFLOW_INVALID_ARGUMENT,
      /node_inputs\[0\]\.node_id is required/,
    );
    refused(() => parseWorkflow({ id: 'w', metadata: [1] }, 0, false), Code.WORKFLOW_INVALID_ARGUMENT, /metadata must be a JSON object/);
    refused(
      () => parseWorkflow({ id: 'w', nodes: Array.from({ length: 21 }, (_, i) => ({ id: `n${i}`, model: { id: 'm' } })) }, 0, true),
      Code.WORKFLOW_INVALID_ARGUMENT,
      /at most 20/,
    );
    refused(
      () => parseWorkflow({ id: 'w', nodes: [{ id: 'a', model: { id: 'm' }, node_inputs: [{ node_id: 'a' }] }] }, 2, true),
      Code.WORKFLOW_INVALID_GRAPH,
      /^workflows\[2\]: /,
    );
    refused(
      () => parseWorkflow({ id: 'w', nodes: [{ id: 'a', model: { id: 'm', app_id: 'main' } }] }, 0, true),
      Code.WORKFLOW_INVALID_ARGUMENT,
      /names app_id without user_id/,
    );
    const other = parseWorkflow({ id: 'w', nodes: [{ id: 'a', model: { id: 'm', user_id: 'clarifai', app_id: 'main' } }] }, 0, true);
    assert.deepEqual(other.nodes?.[0]?.modelApp, { userId: 'clarifai', appId: 'main' });
    // A patch may leave nodes out.
    assert.deepEqual(parseWorkflow({ id: 'w', description: 'd' }, 0, false), { id: 'w', description: 'd' });
  });

  it('a node reads a parent only when the parent produces one of its input fields', () => {
    assert.equal(typeMismatch(['concepts'], ['concepts']), undefined);
    assert.equal(typeMismatch(['embeddings'], ['embeddings']), undefined);
    assert.equal(typeMismatch(['concepts'], ['image', 'text', 'concepts']), undefined);
    assert.equal(typeMismatch(['concepts'], ['embeddings']), 'it takes embeddings but its input produces concepts');
    assert.equal(typeMismatch(['embeddings'], ['text']), 'it takes text but its input produces embeddings');
  });

  it('finds the nodes pinning a version', () => {
    const nodes = [n('a', [], 'm', 'v1'), n('b', [], 'm', ''), n('c', [], 'other', 'v1'), n('d', [], 'm', 'v1')];
    assert.deepEqual(
      pinsOf(nodes, 'm', 'v1').map((x) => x.id),
      ['a', 'd'],
    );
    assert.deepEqual(pinsOf(nodes, 'm', 'v2'), []);
    // A node on another app's model 'm' is no pin of this app's 'm'.
    assert.deepEqual(pinsOf([{ ...n('x', [], 'm', 'v1'), modelApp: { userId: 'clarifai', appId: 'main' } }], 'm', 'v1'), []);
  });

  describe('a model rename (PatchModelIds) in the nodes that name it', () => {
    const own = { userId: 'u', appId: 'a' };
    const main = { userId: 'clarifai', appId: 'main' };
    const at = (node: WorkflowNode, app: { userId: string; appId: string }): WorkflowNode => ({ ...node, modelApp: app });
    // [case, workflow's app, renamed model's app, nodes, expected model ids after (undefined: untouched)]
    const cases: [string, typeof own, typeof own, WorkflowNode[], string[] | undefined][] = [
      ['an own node, pinned or not', own, own, [n('a', [], 'm', 'v1'), n('b', ['a'], 'm'), n('c', [], 'x')], ['m2', 'm2', 'x']],
      ['no node names it', own, own, [n('a', [], 'x'), n('b', [], 'mm')], undefined],
      ["another app's model of the same id", own, own, [at(n('a', [], 'm'), main)], undefined],
      ['a node naming its own app explicitly', own, own, [at(n('a', [], 'm'), own)], ['m2']],
      ["a workflow of another app naming the model's app", { userId: 'u', appId: 'b' }, own, [at(n('a', [], 'm'), own), n('b', [], 'm')], ['m2', 'm']],
      ["a workflow of another user naming the model's (public) app", { userId: 'w', appId: 'z' }, own, [at(n('a', [], 'm', 'v'), own)], ['m2']],
      ['a rename in another app of the same user', own, { userId: 'u', appId: 'b' }, [n('a', [], 'm')], undefined],
    ];
    for (const [name, owner, model, nodes, want] of cases) {
      it(name, () => {
        const got = renameModelInNodes(nodes, owner, model, 'm', 'm2');
        assert.deepEqual(
          got?.map((x) => x.modelId),
          want,
        );
        if (!got) return;
        // Only the model id changes: pins, inputs, the app reference and the node order stay.
        assert.deepEqual(
          got.map(({ modelId: _, ...rest }) => rest),
          nodes.map(({ modelId: _, ...rest }) => rest),
        );
        assert.equal(
          got.some((x) => namesModel(x, owner, model, 'm')),
          false,
        );
      });
    }
  });
});
