import assert from 'node:assert/strict';
import type { ApiObject } from '../helpers/clients.js';
import { type ParityApi, paritySuite } from './harness.js';

// Evidence: Clarifai/docs code_snippets/api-guide/data/create_get_update_delete/curl/delete_input_by_id.sh
// (DELETE …/inputs/{input_id}) and get_input_by_id.sh; Clarifai/clarifai-python-grpc tests/common.py
// wait_for_inputs_delete (polls GetInput until CONN_DOES_NOT_EXIST). GetAnnotation has no docs snippet:
// its route is the proto's binding GET …/inputs/{input_id}/annotations/{annotation_id}, and the annotation
// it answers is checked against the shape docs/api-guide/annotate/annotations.md shows for PostAnnotations
// (input_id, id, data.concepts with value, status 24150 for a concept annotation).

const newApp = async (api: ParityApi): Promise<{ user_id: string; app_id: string }> => ({
  user_id: 'me',
  app_id: (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('app') }] })).apps[0].id,
});

const labels = (a: ApiObject): [string, number][] =>
  ((a.data?.concepts ?? []) as ApiObject[]).map((c) => [c.id as string, (c.value ?? 0) as number] as [string, number]).sort(([x], [y]) => x.localeCompare(y));

paritySuite('DeleteInput and GetAnnotation', (cases) => {
  cases(
    'DELETE …/inputs/{input_id} deletes that input only; GetInput of it then answers 11101 (HTTP 404), the other still reads',
    'Clarifai/docs code_snippets/api-guide/data/create_get_update_delete/curl/delete_input_by_id.sh, get_input_by_id.sh; clarifai-python-grpc tests/common.py wait_for_inputs_delete',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: [
          { id: 'doomed', data: { text: { raw: 'to be deleted' } } },
          { id: 'kept', data: { text: { raw: 'stays' } } },
        ],
      });
      await api.ok('DeleteInput', { user_app_id: uai, input_id: 'doomed' });
      const gone = await api.until('GetInput', { user_app_id: uai, input_id: 'doomed' }, (b) => b.status?.code !== 10000);
      assert.equal(gone.status.code, 11101);
      if (api.transport === 'rest') assert.equal(gone.http, 404);
      assert.equal((await api.ok('GetInput', { user_app_id: uai, input_id: 'kept' })).input.id, 'kept');
    },
  );

  cases(
    'GetAnnotation of a posted annotation answers it as PostAnnotations did: id, input_id, the concepts and their values, status 24150',
    'Clarifai/docs docs/api-guide/annotate/annotations.md and code_snippets/api-guide/annotate/curl/annotate_images_concepts.sh (the annotation posted); proto binding GET …/inputs/{input_id}/annotations/{annotation_id}',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostInputs', { user_app_id: uai, inputs: [{ id: 'lake', data: { text: { raw: 'a lake among trees' } } }] });
      const posted = (
        await api.ok('PostAnnotations', {
          user_app_id: uai,
          annotations: [
            {
              input_id: 'lake',
              data: {
                concepts: [
                  { id: 'tree', value: 1 },
                  { id: 'water', value: 0 },
                ],
              },
            },
          ],
        })
      ).annotations[0];
      const got = (await api.ok('GetAnnotation', { user_app_id: uai, input_id: 'lake', annotation_id: posted.id })).annotation;
      assert.deepEqual([got.id, got.input_id, got.status.code], [posted.id, 'lake', 24150]);
      assert.deepEqual(labels(got), [
        ['tree', 1],
        ['water', 0],
      ]);
    },
  );

  cases(
    'GetAnnotation of an annotation id the input does not have is not a success',
    'proto binding GET …/inputs/{input_id}/annotations/{annotation_id}: the annotation is read under its input',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: [
          { id: 'a', data: { text: { raw: 'first' } } },
          { id: 'b', data: { text: { raw: 'second' } } },
        ],
      });
      const onA = (await api.ok('PostAnnotations', { user_app_id: uai, annotations: [{ input_id: 'a', data: { concepts: [{ id: 'x', value: 1 }] } }] }))
        .annotations[0];
      assert.notEqual((await api.call('GetAnnotation', { user_app_id: uai, input_id: 'b', annotation_id: onA.id })).status.code, 10000);
      assert.notEqual((await api.call('GetAnnotation', { user_app_id: uai, input_id: 'a', annotation_id: 'no-such-annotation' })).status.code, 10000);
    },
  );
});
