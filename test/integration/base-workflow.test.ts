import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { pngBase64, textInput, waitForInput } from '../helpers/inputs.js';
import { apiOf, newApp, newModel, newVersion } from '../helpers/models.js';
import { TEST_USER } from '../helpers/server.js';

const me = { user_id: 'me' };
const MAIN = { user_id: 'clarifai', app_id: 'main' };
const embedNode = (id: string, modelId: string, extra: ApiObject = {}): ApiObject => ({ id, model: { id: modelId, ...MAIN, ...extra } });

/**
 * Issue 19 item 3, decision 0037: an app's base workflow. PostApps / PatchApps take
 * `default_workflow_id` (or `default_workflow`, as the Python SDK sends it); an id that is neither a
 * built-in base workflow nor a usable workflow of the app is refused naming it; GetApp / ListApps
 * show it, and the built-in default (Universal) when none was set.
 */
describeBoth('Base workflow: chosen at PostApps / PatchApps, shown by GetApp', (h) => {
  const api = apiOf(h);
  let uai: { user_id: string; app_id: string };

  before(async () => {
    uai = await newApp(api, uid('base-wf'));
    await api.ok('PostWorkflows', {
      user_app_id: uai,
      workflows: [
        { id: 'img-index', nodes: [embedNode('embed', 'general-image-embedding')] },
        {
          id: 'both-index',
          nodes: [embedNode('img', 'general-image-embedding'), embedNode('txt', 'general-text-embedding')],
        },
        { id: 'two-image-embedders', nodes: [embedNode('a', 'general-image-embedding'), embedNode('b', 'general-image-embedding')] },
      ],
    });
    await newModel(api, uai, { id: 'thr', model_type_id: 'concept-thresholder' });
    await newVersion(api, uai, 'thr', { output_info: { data: { concepts: [{ id: 'cat', value: 0.5 }] } } });
    await api.ok('PostWorkflows', { user_app_id: uai, workflows: [{ id: 'no-embedder', nodes: [{ id: 't', model: { id: 'thr' } }] }] });
  });

  it('an app created without one shows the built-in default Universal (clarifai/main) in PostApps, GetApp and ListApps', async () => {
    const id = uid('plain');
    const made = await api.ok('PostApps', { user_app_id: me, apps: [{ id }] });
    assert.equal(made.apps[0].default_workflow_id, 'Universal');
    const got = (await api.ok('GetApp', { user_app_id: { user_id: 'me', app_id: id } })).app;
    assert.equal(got.default_workflow_id, 'Universal');
    assert.deepEqual([got.default_workflow.id, got.default_workflow.user_id, got.default_workflow.app_id], ['Universal', 'clarifai', 'main']);
    const listed = (await api.ok('ListApps', { user_app_id: me, per_page: 1000 })).apps.find((a: ApiObject) => a.id === id);
    assert.equal(listed.default_workflow_id, 'Universal');
  });

  it('PostApps takes a built-in base workflow by default_workflow_id, or by default_workflow naming clarifai/main (the Python SDK)', async () => {
    const a = uid('empty');
    const b = uid('text');
    const made = await api.ok('PostApps', {
      user_app_id: me,
      apps: [
        { id: a, default_workflow_id: 'Empty' },
        { id: b, default_workflow: { id: 'Text', ...MAIN } },
      ],
    });
    assert.deepEqual(
      made.apps.map((x: ApiObject) => x.default_workflow_id),
      ['Empty', 'Text'],
    );
    assert.equal((await api.ok('GetApp', { user_app_id: { user_id: 'me', app_id: b } })).app.default_workflow_id, 'Text');
  });

  it('PostApps refuses an unknown base workflow with 22102 naming it, and creates none of the batch', async () => {
    const good = uid('good');
    const st = await api.fails('PostApps', { user_app_id: me, apps: [{ id: good }, { id: uid('bad'), default_workflow_id: 'no-such-flow' }] }, 22102, 404);
    assert.match(
      st.details!,
      /apps\[1\]\.default_workflow_id 'no-such-flow' is neither a workflow of app '[^']+' nor a built-in base workflow \(Universal, General, Text, Empty\)/,
    );
    await api.fails('GetApp', { user_app_id: { user_id: 'me', app_id: good } }, 11101, 404);
    const other = await api.fails('PostApps', { user_app_id: me, apps: [{ id: uid('x'), default_workflow: { id: 'Face', ...MAIN } }] }, 22102, 404);
    assert.match(other.details!, /'Face' is not a built-in base workflow of clarifai\/main on this server; use one of: Universal, General, Text, Empty/);
    await api.fails('PostApps', { user_app_id: me, apps: [{ id: uid('x'), default_workflow_id: 'a b' }] }, 11100, 400);
    await api.fails('PostApps', { user_app_id: me, apps: [{ id: uid('x'), default_workflow_id: 'Text', default_workflow: { id: 'Empty' } }] }, 11100, 400);
  });

  it("PatchApps (action overwrite, as Clarifai's docs send it) sets one of the app's workflows; GetApp shows it with the app as owner", async () => {
    const patched = await api.ok('PatchApps', { user_app_id: me, action: 'overwrite', apps: [{ id: uai.app_id, default_workflow_id: 'img-index' }] });
    assert.equal(patched.apps[0].default_workflow_id, 'img-index');
    const got = (await api.ok('GetApp', { user_app_id: uai })).app;
    assert.equal(got.default_workflow_id, 'img-index');
    assert.deepEqual([got.default_workflow.id, got.default_workflow.app_id], ['img-index', uai.app_id]);
    // Back to a built-in one, by the SDK's shape.
    await api.ok('PatchApps', { user_app_id: me, apps: [{ id: uai.app_id, default_workflow: { id: 'General', ...MAIN } }] });
    assert.equal((await api.ok('GetApp', { user_app_id: uai })).app.default_workflow_id, 'General');
    await api.ok('PatchApps', { user_app_id: me, apps: [{ id: uai.app_id, default_workflow_id: 'both-index' }] });
    assert.equal((await api.ok('GetApp', { user_app_id: uai })).app.default_workflow_id, 'both-index');
  });

  it('PatchApps refuses workflows that cannot be a base workflow, naming the id and why, and changes nothing', async () => {
    const before = (await api.ok('GetApp', { user_app_id: uai })).app.default_workflow_id;
    const cases: [string, number, number, RegExp][] = [
      ['nope', 22102, 404, /default_workflow_id 'nope' is neither a workflow of app/],
      ['no-embedder', 22104, 400, /'no-embedder': workflow 'no-embedder' cannot be a base workflow: none of its first nodes .* is an embedder model/],
      ['two-image-embedders', 22107, 400, /node 'b' \(model 'general-image-embedding'\) and node 'a' both embed image inputs/],
    ];
    for (const [id, code, http, re] of cases) {
      const st = await api.fails('PatchApps', { user_app_id: me, apps: [{ id: uai.app_id, name: 'renamed', default_workflow_id: id }] }, code, http);
      assert.match(st.details!, re, id);
    }
    const after = (await api.ok('GetApp', { user_app_id: uai })).app;
    assert.equal(after.default_workflow_id, before);
    assert.notEqual(after.name, 'renamed');
  });

  it('PatchApps changes name, description and metadata; refuses an unknown app (11101) and a missing id', async () => {
    const id = uid('patch');
    await api.ok('PostApps', { user_app_id: me, apps: [{ id, description: 'old', metadata: { a: 1 } }] });
    const p = await api.ok('PatchApps', {
      user_app_id: me,
      action: 'overwrite',
      metadata_action: { op: 'merge' },
      apps: [{ id, name: 'New name', description: 'new', metadata: { b: 2 } }],
    });
    assert.deepEqual([p.apps[0].name, p.apps[0].description, p.apps[0].metadata], ['New name', 'new', { a: 1, b: 2 }]);
    assert.equal(p.apps[0].default_workflow_id, 'Universal');
    const st = await api.fails('PatchApps', { user_app_id: me, apps: [{ id: uid('ghost'), name: 'x' }] }, 11101, 404);
    assert.match(st.details!, /app 'ghost-[^']+' does not exist/);
    await api.fails('PatchApps', { user_app_id: me, apps: [{ name: 'x' }] }, 11100, 400);
  });

  it("the app's base workflow cannot be deleted, or patched into one that cannot index; other workflows can", async () => {
    await api.ok('PatchApps', { user_app_id: me, apps: [{ id: uai.app_id, default_workflow_id: 'img-index' }] });
    const st = await api.fails('DeleteWorkflow', { user_app_id: uai, workflow_id: 'img-index' }, 22104, 400);
    assert.match(st.details!, /Workflow 'img-index' is the base workflow of app '[^']+'; PatchApps another default_workflow_id first/);
    await api.fails('DeleteWorkflows', { user_app_id: uai, ids: ['img-index'] }, 22104, 400);
    await api.fails('DeleteWorkflows', { user_app_id: uai, delete_all: true }, 22104, 400);
    const patched = await api.fails(
      'PatchWorkflows',
      { user_app_id: uai, workflows: [{ id: 'img-index', nodes: [{ id: 't', model: { id: 'thr' } }] }] },
      22104,
      400,
    );
    assert.match(patched.details!, /base workflow of app .*none of its first nodes/);
    assert.equal((await api.ok('GetWorkflow', { user_app_id: uai, workflow_id: 'img-index' })).workflow.nodes[0].model.id, 'general-image-embedding');
    await api.ok('DeleteWorkflow', { user_app_id: uai, workflow_id: 'two-image-embedders' });
  });
});

const TEXT_EMB = 'general-text-embedding';
const IMAGE_EMB = 'general-image-embedding';
const textRank = (raw: string): ApiObject => ({ searches: [{ query: { ranks: [{ annotation: { data: { text: { raw } } } }] } }] });

/**
 * Decision 0037: the base workflow's embedders are the ones new inputs are indexed with, and the
 * ones search ranks by. Checked on the stored vectors themselves (the store behind the server).
 */
describeBoth('Base workflow: it indexes new inputs, and search ranks by it', (h) => {
  const api = apiOf(h);
  const vectorsOf = async (appId: string, inputId: string): Promise<string[]> => {
    const input = await h.server.store.inputs.get(TEST_USER, appId, inputId);
    assert.ok(input, inputId);
    const out: string[] = [];
    for (const e of [TEXT_EMB, IMAGE_EMB]) if ((await h.server.store.embeddings.getMany([input.pk], e)).has(input.pk)) out.push(e);
    return out;
  };
  const post = async (uai: ApiObject, inputs: ApiObject[]): Promise<void> => {
    await api.ok('PostInputs', { user_app_id: uai, inputs });
    for (const i of inputs) assert.equal((await waitForInput(api, uai, i.id)).status.code, 30000, i.id);
  };
  let image: ApiObject;
  before(async () => {
    image = { id: 'img', data: { image: { base64: await pngBase64([200, 30, 30]) } } };
  });

  it('Universal (the default) indexes text with general-text-embedding and images with general-image-embedding', async () => {
    const uai = await newApp(api, uid('idx-default'));
    await post(uai, [textInput('t', 'fresh basil pasta'), image]);
    assert.deepEqual(await vectorsOf(uai.app_id, 't'), [TEXT_EMB]);
    assert.deepEqual(await vectorsOf(uai.app_id, 'img'), [IMAGE_EMB]);
    const hits = (await api.ok('PostInputsSearches', { user_app_id: uai, ...textRank('basil pasta') })).hits;
    assert.deepEqual(
      hits.map((x: ApiObject) => x.input.id),
      ['t'],
    );
  });

  it('Empty indexes nothing: inputs are processed (30000) without vectors, and a ranked search says why it cannot rank', async () => {
    const app = uid('idx-empty');
    await api.ok('PostApps', { user_app_id: me, apps: [{ id: app, default_workflow_id: 'Empty' }] });
    const uai = { user_id: 'me', app_id: app };
    await post(uai, [textInput('t', 'fresh basil pasta'), image]);
    assert.deepEqual(await vectorsOf(app, 't'), []);
    assert.deepEqual(await vectorsOf(app, 'img'), []);
    const st = await api.fails('PostInputsSearches', { user_app_id: uai, ...textRank('basil') }, 40002, 400);
    assert.match(
      st.details!,
      /has base workflow 'Empty', which indexes no text inputs, so there is nothing to rank by text similarity\. PatchApps a default_workflow_id/,
    );
    // Filters need no vectors: both inputs are still found.
    const all = await api.ok('PostInputsSearches', { user_app_id: uai, searches: [{ query: { filters: [{ input: { id: 't' } }] } }] });
    assert.equal(all.hits.length, 1);
  });

  it('Text indexes text only; an own workflow with one image embedder indexes images only', async () => {
    const textApp = uid('idx-text');
    await api.ok('PostApps', { user_app_id: me, apps: [{ id: textApp, default_workflow: { id: 'Text', ...MAIN } }] });
    await post({ user_id: 'me', app_id: textApp }, [textInput('t', 'fresh basil pasta'), image]);
    assert.deepEqual(await vectorsOf(textApp, 't'), [TEXT_EMB]);
    assert.deepEqual(await vectorsOf(textApp, 'img'), []);

    const uai = await newApp(api, uid('idx-own'));
    await api.ok('PostWorkflows', { user_app_id: uai, workflows: [{ id: 'images', nodes: [embedNode('embed', IMAGE_EMB)] }] });
    await api.ok('PatchApps', { user_app_id: me, apps: [{ id: uai.app_id, default_workflow_id: 'images' }] });
    await post(uai, [textInput('t', 'fresh basil pasta'), image]);
    assert.deepEqual(await vectorsOf(uai.app_id, 't'), []);
    assert.deepEqual(await vectorsOf(uai.app_id, 'img'), [IMAGE_EMB]);
    const st = await api.fails('PostInputsSearches', { user_app_id: uai, ...textRank('basil') }, 40002, 400);
    assert.match(st.details!, /base workflow 'images', which indexes no text inputs/);
    const byImage = await api.ok('PostInputsSearches', {
      user_app_id: uai,
      searches: [{ query: { ranks: [{ annotation: { data: { image: { base64: image.data.image.base64 } } } }] } }],
    });
    assert.deepEqual(
      byImage.hits.map((x: ApiObject) => x.input.id),
      ['img'],
    );
  });
});

/**
 * Decision 0037: changing the base workflow re-indexes the app's processed inputs in the background
 * (30501 → 30503 → 30500), with progress in GetInputCount's reindex counts; the re-indexed inputs
 * then rank in search like new ones.
 */
describeBoth('Base workflow: changing it re-indexes existing inputs, progress in GetInputCount', (h) => {
  const api = apiOf(h);
  // gRPC leaves zero counts out of the message; REST prints them.
  const KEYS = ['processed', 'to_process', 'errors', 'processing', 'reindexed', 'to_reindex', 'reindex_errors', 'reindexing'] as const;
  const countsOf = async (uai: ApiObject): Promise<Record<(typeof KEYS)[number], number>> => {
    const c = (await api.ok('GetInputCount', { user_app_id: uai })).counts;
    return Object.fromEntries(KEYS.map((k) => [k, c[k] ?? 0])) as Record<(typeof KEYS)[number], number>;
  };

  it('Empty → Universal: every processed input is queued, then re-indexed with the new embedders and found by a ranked search', async () => {
    const app = uid('reindex');
    const uai = { user_id: 'me', app_id: app };
    await api.ok('PostApps', { user_app_id: me, apps: [{ id: app, default_workflow_id: 'Empty' }] });
    const texts = ['fresh basil pasta', 'tomato sauce recipe', 'mountain bike trail'];
    const inputs = [...texts.map((t, i) => textInput(`t${i}`, t)), { id: 'img', data: { image: { base64: await pngBase64([30, 200, 30]) } } }];
    await api.ok('PostInputs', { user_app_id: uai, inputs });
    for (const i of inputs) assert.equal((await waitForInput(api, uai, i.id)).status.code, 30000);
    const before = await countsOf(uai);
    assert.deepEqual([before.processed, before.to_reindex, before.reindexed], [4, 0, 0]);

    await api.ok('PatchApps', { user_app_id: me, apps: [{ id: app, default_workflow_id: 'Universal' }], reindex: true });
    // Right after the change every input is queued, under way or done — none is left as merely processed.
    const right = await countsOf(uai);
    assert.equal(right.processed, 0, JSON.stringify(right));
    assert.equal(right.to_reindex + right.reindexing + right.reindexed, 4, JSON.stringify(right));

    let counts = right;
    for (const deadline = Date.now() + 120_000; counts.reindexed < 4; await new Promise((r) => setTimeout(r, 100))) {
      assert.ok(Date.now() < deadline, JSON.stringify(counts));
      counts = await countsOf(uai);
    }
    assert.deepEqual([counts.to_reindex, counts.reindexing, counts.reindex_errors, counts.processed], [0, 0, 0, 0]);
    assert.equal((await api.ok('GetInput', { user_app_id: uai, input_id: 't0' })).input.status.code, 30500);
    const hits = (await api.ok('PostInputsSearches', { user_app_id: uai, ...textRank('basil pasta') })).hits;
    assert.equal(hits[0].input.id, 't0');
    assert.equal(hits.length, 3);

    // Universal → General indexes with the same embedders: nothing to re-index.
    await api.ok('PatchApps', { user_app_id: me, apps: [{ id: app, default_workflow_id: 'General' }] });
    assert.equal((await countsOf(uai)).to_reindex, 0);
  });
});
