import assert from 'node:assert/strict';
import type { ApiObject } from '../helpers/clients.js';
import { TEST_USER } from '../helpers/server.js';
import { type ParityApi, paritySuite } from './harness.js';

// Evidence (Clarifai/docs): docs/api-guide/annotate/annotations.md (Add / List / Update / Delete
// Annotations) and its snippets under code_snippets/api-guide/annotate/curl/; the List page
// (docs/create/labeling/api/annotations-list) says "Annotations will be returned from oldest to newest".
// Clarifai/clarifai-python-grpc tests/client/test_input_search_legacy.py: ListAnnotations(input_ids)
// gives each input's annotation, which PatchAnnotations "merge" then labels.

const newApp = async (api: ParityApi): Promise<{ user_id: string; app_id: string }> => ({
  user_id: 'me',
  app_id: (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('app') }] })).apps[0].id,
});

const text = (id: string, raw: string, concepts: ApiObject[] = []) => ({ id, data: { text: { raw }, ...(concepts.length ? { concepts } : {}) } });
const labels = (a: ApiObject): [string, number][] =>
  ((a.data?.concepts ?? []) as ApiObject[]).map((c) => [c.id as string, (c.value ?? 0) as number] as [string, number]).sort(([x], [y]) => x.localeCompare(y));
const list = async (api: ParityApi, req: ApiObject): Promise<ApiObject[]> => ((await api.ok('ListAnnotations', req)).annotations ?? []) as ApiObject[];
const pause = () => new Promise((r) => setTimeout(r, 5));

paritySuite('annotations', (cases) => {
  cases(
    'PostInputs makes an input-level annotation holding the posted concepts; ListAnnotations by input_ids shows it',
    'Clarifai/docs docs/api-guide/annotate/annotations.md ("we will create an input level annotation for each input"); code_snippets/api-guide/annotate/curl/list_user_created_annotations_input_ids.sh',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostInputs', { user_app_id: uai, inputs: [text('in1', 'a park', [{ id: 'grass', value: 1 }])] });
      const got = await list(api, { user_app_id: uai, page: 1, per_page: 10, input_ids: ['in1'] });
      assert.equal(got.length, 1);
      assert.equal(got[0]!.input_id, 'in1');
      assert.deepEqual(labels(got[0]!), [['grass', 1]]);
    },
  );

  cases(
    'PostAnnotations with tree 1 / water 0 answers the annotation (input_id, a generated id, the concepts, 24150); GetInput shows the labels',
    'Clarifai/docs code_snippets/api-guide/annotate/curl/annotate_images_concepts.sh',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostInputs', { user_app_id: uai, inputs: [text('in1', 'a lake')] });
      const posted = await api.ok('PostAnnotations', {
        user_app_id: uai,
        annotations: [
          {
            input_id: 'in1',
            data: {
              concepts: [
                { id: 'tree', value: 1 },
                { id: 'water', value: 0 },
              ],
            },
          },
        ],
      });
      const a = posted.annotations[0];
      assert.equal(a.input_id, 'in1');
      assert.ok(String(a.id).length > 0);
      assert.equal(a.status.code, 24150);
      assert.deepEqual(labels(a), [
        ['tree', 1],
        ['water', 0],
      ]);
      const input = (await api.ok('GetInput', { user_app_id: uai, input_id: 'in1' })).input;
      assert.deepEqual(labels(input), [
        ['tree', 1],
        ['water', 0],
      ]);
    },
  );

  cases(
    'ListAnnotations returns annotations from oldest to newest, pages with per_page, and accepts list_all_annotations=true',
    'Clarifai/docs docs/api-guide/annotate/annotations.md "List Annotations" ("Annotations will be returned from oldest to newest"); code_snippets/api-guide/annotate/curl/list_user_created_annotations_app.sh, list_all_annotations_app.sh',
    async (api) => {
      const uai = await newApp(api);
      for (const id of ['first', 'second', 'third']) {
        await api.ok('PostInputs', { user_app_id: uai, inputs: [text(id, id)] });
        await pause();
      }
      const added = await api.ok('PostAnnotations', { user_app_id: uai, annotations: [{ input_id: 'first', data: { concepts: [{ id: 'late', value: 1 }] } }] });
      const order = (await list(api, { user_app_id: uai, page: 1, per_page: 10 })).map((a) => `${a.input_id}/${a.id}`);
      const firstLevel = (await list(api, { user_app_id: uai, input_ids: ['first'] })).find((a) => a.input_level === true)!;
      assert.deepEqual(
        order.map((k) => k.split('/')[0]),
        ['first', 'second', 'third', 'first'],
      );
      assert.equal(order[0], `first/${firstLevel.id}`, 'the oldest (an input-level annotation) first');
      assert.equal(order[3], `first/${added.annotations[0].id}`, 'the annotation added last comes last');
      const page2 = await list(api, { user_app_id: uai, page: 2, per_page: 2 });
      assert.deepEqual(
        page2.map((a) => `${a.input_id}/${a.id}`),
        order.slice(2),
      );
      assert.equal((await list(api, { user_app_id: uai, page: 1, per_page: 10, list_all_annotations: true })).length, 4);
    },
  );

  cases(
    'ListAnnotations with input_ids and ids matches them pair by pair (the number of input ids equals the number of annotation ids)',
    'Clarifai/docs code_snippets/api-guide/annotate/curl/list_annotations_input_annotation_ids.sh; docs/create/labeling/api/annotations-list "List Annotations by Input IDs and Annotation IDs"',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostInputs', { user_app_id: uai, inputs: [text('in1', 'one'), text('in2', 'two')] });
      await api.ok('PostAnnotations', {
        user_app_id: uai,
        annotations: [
          { input_id: 'in1', id: 'ann1', data: { concepts: [{ id: 'a', value: 1 }] } },
          { input_id: 'in2', id: 'ann2', data: { concepts: [{ id: 'b', value: 1 }] } },
          { input_id: 'in2', id: 'ann1', data: { concepts: [{ id: 'c', value: 1 }] } },
        ],
      });
      const got = await list(api, { user_app_id: uai, page: 1, per_page: 10, input_ids: ['in1', 'in2'], ids: ['ann1', 'ann2'] });
      assert.deepEqual(got.map((a) => `${a.input_id}/${a.id}`).sort(), ['in1/ann1', 'in2/ann2']);
    },
  );

  cases(
    "ListAnnotations by user_ids lists the annotations those users made (here the app owner's); by model_version_ids, a model's (none: a user made these)",
    'Clarifai/docs code_snippets/api-guide/annotate/curl/list_annotations_user_ids.sh, list_annotations_model_version_ids.sh; docs/api-guide/annotate/annotations.md ("An annotation is created by either a user or a model")',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostInputs', { user_app_id: uai, inputs: [text('in1', 'one', [{ id: 'a', value: 1 }])] });
      await api.ok('PostAnnotations', { user_app_id: uai, annotations: [{ input_id: 'in1', data: { concepts: [{ id: 'b', value: 1 }] } }] });
      assert.equal((await list(api, { user_app_id: uai, page: 1, per_page: 10, user_ids: [TEST_USER, 'someone-else'] })).length, 2);
      assert.deepEqual(await list(api, { user_app_id: uai, page: 1, per_page: 10, user_ids: ['someone-else'] }), []);
      assert.deepEqual(await list(api, { user_app_id: uai, page: 1, per_page: 10, model_version_ids: ['aa48ab7d5c9f4ed28a9cb4bd1b7a5ea6'] }), []);
    },
  );

  cases(
    "PatchAnnotations merge adds apple to the input's annotation (found with ListAnnotations by input_ids); remove takes it away again",
    'Clarifai/docs code_snippets/api-guide/annotate/curl/update_annotation_concepts.sh; Clarifai/clarifai-python-grpc tests/client/test_input_search_legacy.py (ListAnnotations then PatchAnnotations merge)',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostInputs', { user_app_id: uai, inputs: [text('in1', 'fruit bowl', [{ id: 'bowl', value: 1 }])] });
      const own = (await list(api, { user_app_id: uai, input_ids: ['in1'] }))[0]!;
      const merged = await api.ok('PatchAnnotations', {
        user_app_id: uai,
        action: 'merge',
        annotations: [{ input_id: 'in1', id: own.id, data: { concepts: [{ id: 'apple', value: 1 }] } }],
      });
      assert.deepEqual(labels(merged.annotations[0]), [
        ['apple', 1],
        ['bowl', 1],
      ]);
      assert.deepEqual(labels((await api.ok('GetInput', { user_app_id: uai, input_id: 'in1' })).input), [
        ['apple', 1],
        ['bowl', 1],
      ]);
      await api.ok('PatchAnnotations', {
        user_app_id: uai,
        action: 'remove',
        annotations: [{ input_id: 'in1', id: own.id, data: { concepts: [{ id: 'apple' }] } }],
      });
      assert.deepEqual(labels((await list(api, { user_app_id: uai, input_ids: ['in1'] }))[0]!), [['bowl', 1]]);
    },
  );

  cases(
    'PatchAnnotations merge with status ANNOTATION_SUCCESS succeeds and leaves the labels as they were',
    'Clarifai/docs docs/api-guide/annotate/annotations.md "Update Annotation Status"; code_snippets/api-guide/annotate/curl/update_annotation_status.sh',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostInputs', { user_app_id: uai, inputs: [text('in1', 'x')] });
      const posted = await api.ok('PostAnnotations', { user_app_id: uai, annotations: [{ input_id: 'in1', data: { concepts: [{ id: 'dog', value: 1 }] } }] });
      const id = posted.annotations[0].id;
      // The REST docs send the enum by name; the gRPC clients send its number.
      const code = api.transport === 'rest' ? 'ANNOTATION_SUCCESS' : 24150;
      const r = await api.ok('PatchAnnotations', { user_app_id: uai, action: 'merge', annotations: [{ input_id: 'in1', id, status: { code } }] });
      assert.equal(r.annotations[0].status.code, 24150);
      assert.deepEqual(labels(r.annotations[0]), [['dog', 1]]);
    },
  );

  cases(
    'DeleteAnnotation by input id and annotation id removes that annotation only',
    'Clarifai/docs code_snippets/api-guide/annotate/curl/delete_annotation_input_annotation_ids.sh',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostInputs', { user_app_id: uai, inputs: [text('in1', 'x', [{ id: 'keep', value: 1 }])] });
      const posted = await api.ok('PostAnnotations', { user_app_id: uai, annotations: [{ input_id: 'in1', data: { concepts: [{ id: 'drop', value: 1 }] } }] });
      await api.ok('DeleteAnnotation', { user_app_id: uai, input_id: 'in1', annotation_id: posted.annotations[0].id });
      const left = await list(api, { user_app_id: uai, input_ids: ['in1'] });
      assert.deepEqual(
        left.map((a) => labels(a)),
        [[['keep', 1]]],
      );
    },
  );

  cases(
    'DeleteAnnotations with input_ids and ids deletes those pairs; with input_ids alone every annotation of those inputs except the input-level ones',
    'Clarifai/docs code_snippets/api-guide/annotate/curl/bulk_delete_annotations_input_annotation_ids.sh, bulk_delete_annotations_input_ids.sh; docs/api-guide/annotate/annotations.md "Bulk Delete" ("The number of input IDs has to match the number of annotation IDs")',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostInputs', { user_app_id: uai, inputs: [text('in1', 'one'), text('in2', 'two')] });
      const post = async (input_id: string, concept: string) =>
        (await api.ok('PostAnnotations', { user_app_id: uai, annotations: [{ input_id, data: { concepts: [{ id: concept, value: 1 }] } }] })).annotations[0]
          .id as string;
      const [a1, a2] = [await post('in1', 'x'), await post('in2', 'y')];
      await post('in1', 'z');
      await api.ok('DeleteAnnotations', { user_app_id: uai, input_ids: ['in1', 'in2'], ids: [a1, a2] });
      const afterPairs = await list(api, { user_app_id: uai, input_ids: ['in1', 'in2'] });
      assert.deepEqual(afterPairs.map((a) => `${a.input_id}:${labels(a).map(([c]) => c)}`).sort(), ['in1:', 'in1:z', 'in2:']);
      await api.ok('DeleteAnnotations', { user_app_id: uai, input_ids: ['in1', 'in2'] });
      const afterAll = await list(api, { user_app_id: uai, input_ids: ['in1', 'in2'] });
      assert.deepEqual(afterAll.map((a) => [a.input_id, a.input_level]).sort(), [
        ['in1', true],
        ['in2', true],
      ]);
    },
  );
});
