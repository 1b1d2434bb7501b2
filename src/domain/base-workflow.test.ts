import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BaseEmbedders,
  baseEmbeddersOf,
  effectiveBaseWorkflowId,
  isRefusal,
  type Refusal,
  type RootFacts,
  requestedBaseWorkflow,
} from './base-workflow.js';
import { Code } from './status-codes.js';

const root = (id: string, facts: Partial<RootFacts> = {}, versionId = ''): RootFacts => ({
  node: { id, modelId: `m-${id}`, versionId, inputs: [], suppressOutput: false },
  embeds: true,
  embedder: { id: 'general-image-embedding', kind: 'image' },
  trained: true,
  ...facts,
});
const text = { id: 'general-text-embedding', kind: 'text' as const };

describe('what makes a workflow usable as a base workflow', () => {
  const cases: [string, RootFacts[], BaseEmbedders | [number, RegExp]][] = [
    ['one trained image embedder', [root('e')], { image: 'general-image-embedding' }],
    ['an image and a text embedder', [root('i'), root('t', { embedder: text })], { image: 'general-image-embedding', text: 'general-text-embedding' }],
    [
      'an embedder beside a root that embeds nothing (a classifier)',
      [root('c', { embeds: false, embedder: undefined }), root('t', { embedder: text })],
      { text: 'general-text-embedding' },
    ],
    ['no root at all', [], [Code.WORKFLOW_INVALID_ARGUMENT, /none of its first nodes \(nodes without node_inputs\) is an embedder model/]],
    ['only roots that embed nothing', [root('c', { embeds: false, embedder: undefined })], [Code.WORKFLOW_INVALID_ARGUMENT, /none of its first nodes/]],
    [
      'an embedder this server cannot run',
      [root('x', { embedder: undefined })],
      [Code.WORKFLOW_INVALID_ARGUMENT, /node 'x' \(model 'm-x'\) cannot index inputs: this server has no embedder/],
    ],
    [
      'an unpinned embedder without a trained version',
      [root('u', { trained: false })],
      [Code.WORKFLOW_REQUIRE_TRAINED_MODEL, /node 'u' .* has no trained version/],
    ],
    [
      'a pinned version that is not trained',
      [root('p', { trained: false, pinnedStatus: 21103 }, 'v1')],
      [Code.WORKFLOW_REQUIRE_TRAINED_MODEL, /pins version 'v1', which has status 21103, not 21100/],
    ],
    ['two embedders of the same kind', [root('a'), root('b')], [Code.WORKFLOW_INVALID_GRAPH, /node 'b' .* and node 'a' both embed image inputs/]],
  ];
  for (const [name, roots, want] of cases) {
    it(name, () => {
      const got = baseEmbeddersOf('w', roots);
      if (Array.isArray(want)) {
        assert.ok(isRefusal(got), JSON.stringify(got));
        assert.equal((got as Refusal).code, want[0]);
        assert.match((got as Refusal).details, want[1]);
      } else assert.deepEqual(got, want);
    });
  }
});

describe('the base workflow a PostApps / PatchApps entry asks for', () => {
  const own = { userId: 'u', appId: 'a' };
  const cases: [string, Parameters<typeof requestedBaseWorkflow>[0], string | undefined | [number, RegExp]][] = [
    ['nothing sent', {}, undefined],
    ['empty strings', { default_workflow_id: '', default_workflow: {} }, undefined],
    ['default_workflow_id', { default_workflow_id: 'General' }, 'General'],
    ['default_workflow naming clarifai/main (the Python SDK)', { default_workflow: { id: 'Empty', user_id: 'clarifai', app_id: 'main' } }, 'Empty'],
    ['default_workflow naming the app itself', { default_workflow: { id: 'mine', user_id: 'u', app_id: 'a' } }, 'mine'],
    ['both, equal', { default_workflow_id: 'Text', default_workflow: { id: 'Text' } }, 'Text'],
    ['both, different', { default_workflow_id: 'Text', default_workflow: { id: 'Empty' } }, [Code.CONN_BAD_REQUEST_FORMAT, /'Text' and .*'Empty' differ/]],
    ['an invalid id', { default_workflow_id: 'a b' }, [Code.CONN_BAD_REQUEST_FORMAT, /'a b' is not a valid id/]],
    [
      'a clarifai/main workflow this server does not have',
      { default_workflow: { id: 'Face', user_id: 'clarifai', app_id: 'main' } },
      [Code.WORKFLOW_DOES_NOT_EXIST, /'Face' is not a built-in/],
    ],
    ["another app's workflow", { default_workflow: { id: 'w', user_id: 'x', app_id: 'y' } }, [Code.WORKFLOW_INVALID_ARGUMENT, /names app 'x\/y'/]],
  ];
  for (const [name, entry, want] of cases) {
    it(name, () => {
      const got = requestedBaseWorkflow(entry, own, 'apps[0]');
      if (Array.isArray(want)) {
        assert.ok(isRefusal(got), JSON.stringify(got));
        assert.equal((got as Refusal).code, want[0]);
        assert.match((got as Refusal).details, want[1]);
      } else assert.equal(got, want);
    });
  }

  it("an app's stored '' is the built-in default Universal", () => {
    assert.equal(effectiveBaseWorkflowId(''), 'Universal');
    assert.equal(effectiveBaseWorkflowId('mine'), 'mine');
  });
});
