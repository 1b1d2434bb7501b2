import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { ApiObject } from '../helpers/clients.js';
import { fileServer, pngBase64 } from '../helpers/inputs.js';
import { TEST_PAT } from '../helpers/server.js';
import { type ParityApi, paritySuite } from './harness.js';

let files: Awaited<ReturnType<typeof fileServer>>;
let png: Buffer;
before(async () => {
  png = Buffer.from(await pngBase64([10, 150, 60], 32), 'base64');
  files = await fileServer({ '/metro-north.png': png, '/negative_sentence_12.txt': Buffer.from('This is a terrible and sad day.', 'utf8') });
});
after(() => files?.close());

const newApp = async (api: ParityApi): Promise<{ user_id: string; app_id: string }> => ({
  user_id: 'me',
  app_id: (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('app') }] })).apps[0].id,
});

const processed = (api: ParityApi, uai: ApiObject, id: string) =>
  api.until('GetInput', { user_app_id: uai, input_id: id }, (b) => [30000, 30002].includes(b.input?.status?.code));

paritySuite('inputs and concepts', (cases) => {
  cases(
    'PostConcepts then GetConcept returns id and name; a concept resource carries value 1 and language "en"; posting the id again is 40003 "Invalid request" naming the duplicate',
    'clarifai-python-grpc tests/client/test_concept_crud.py test_concept_post_get_patch; docs code_snippets/api-guide/concepts/code_output_examples/add_concepts.js, list_concepts.js',
    async (api) => {
      const uai = await newApp(api);
      const id = api.id('concept');
      const posted = await api.ok('PostConcepts', { user_app_id: uai, concepts: [{ id, name: 'Cat Name' }] });
      assert.deepEqual([posted.concepts[0].id, posted.concepts[0].name, posted.concepts[0].value, posted.concepts[0].language], [id, 'Cat Name', 1, 'en']);
      assert.equal(posted.concepts[0].visibility.gettable, 10);
      const got = await api.ok('GetConcept', { user_app_id: uai, concept_id: id });
      assert.deepEqual([got.concept.id, got.concept.name], [id, 'Cat Name']);
      const dup = await api.call('PostConcepts', { user_app_id: uai, concepts: [{ id, name: 'again' }] });
      assert.equal(dup.status.code, 40003);
      assert.equal(dup.status.description, 'Invalid request');
      assert.match(dup.status.details.toLowerCase(), /duplicate/);
      const listed = await api.ok('ListConcepts', { user_app_id: uai });
      assert.deepEqual(
        listed.concepts.map((c: ApiObject) => [c.id, c.language]),
        [[id, 'en']],
      );
    },
  );

  cases(
    'an image added by URL (with allow_duplicate_url) is downloaded: GetInput ends in 30000 "Download complete" and keeps the URL; GetInputCount counts it processed',
    'docs code_snippets/api-guide/data/create_get_update_delete/curl/add_inputs_via_url.sh, get_input_by_id.sh, get_inputs_status.sh',
    async (api) => {
      const uai = await newApp(api);
      const url = files.url('/metro-north.png');
      const posted = await api.ok('PostInputs', { user_app_id: uai, inputs: [{ id: 'train1', data: { image: { url, allow_duplicate_url: true } } }] });
      assert.equal(posted.inputs[0].status.code, 30001);
      assert.equal(posted.inputs[0].status.description, 'Download pending');
      const done = await processed(api, uai, 'train1');
      assert.deepEqual([done.input.status.code, done.input.status.description], [30000, 'Download complete']);
      assert.equal(done.input.data.image.url, url);
      const counts = (await api.ok('GetInputCount', { user_app_id: uai })).counts;
      assert.equal(counts.processed, 1);
      assert.equal(counts.errors ?? 0, 0);
    },
  );

  cases(
    "an uploaded image's hosted URL (prefix/size/suffix) serves its bytes to the app's key: 200 with Key or the x-clarifai-api-key cookie, 401 with a bad key, 404 with none",
    'clarifai-python-grpc tests/client/test_secure_data_hosting.py test_adding_inputs, verify_url_with_all_auths, verify_url_with_bad_auth',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostInputs', { user_app_id: uai, inputs: [{ id: 'bytes1', data: { image: { base64: png.toString('base64') } } }] });
      const got = (await processed(api, uai, 'bytes1')).input;
      const listed = (await api.ok('ListInputs', { user_app_id: uai })).inputs.find((i: ApiObject) => i.id === 'bytes1');
      const url = (i: ApiObject) => [i.data.image.hosted.prefix, 'orig', i.data.image.hosted.suffix].join('/');
      assert.equal(url(listed), url(got), 'URL from Get and List calls match');
      assert.deepEqual(got.data.image.hosted.sizes, ['orig']);
      const fetchWith = (headers: Record<string, string>) => fetch(url(got), { headers });
      const ok = await fetchWith({ authorization: `Key ${TEST_PAT}` });
      assert.equal(ok.status, 200);
      assert.deepEqual(Buffer.from(await ok.arrayBuffer()), png);
      assert.equal((await fetchWith({ cookie: `x-clarifai-api-key=${TEST_PAT}` })).status, 200);
      assert.equal((await fetchWith({ authorization: `Key ${'0'.repeat(32)}` })).status, 401);
      assert.equal((await fetchWith({})).status, 404);
    },
  );

  cases(
    'text by URL is fetched, stored and usable like raw text',
    'clarifai-python client/input.py get_input_from_url (Text(url=…)); docs predict text with Text(url="…/negative_sentence_12.txt")',
    async (api) => {
      const uai = await newApp(api);
      const url = files.url('/negative_sentence_12.txt');
      await api.ok('PostInputs', { user_app_id: uai, inputs: [{ id: 'sentence', data: { text: { url } } }] });
      const done = (await processed(api, uai, 'sentence')).input;
      assert.equal(done.status.code, 30000, JSON.stringify(done.status));
      assert.deepEqual(done.data.text, { raw: 'This is a terrible and sad day.', url });
      const out = await api.ok('PostModelOutputs', {
        user_app_id: { user_id: 'clarifai', app_id: 'main' },
        model_id: 'general-text-embedding',
        inputs: [{ data: { text: { url } } }],
      });
      assert.equal(out.outputs[0].status.code, 10000);
    },
  );

  cases(
    'a deleted input reads as CONN_DOES_NOT_EXIST (11101), which is what the clients poll for after DeleteInputs',
    'clarifai-python-grpc tests/common.py wait_for_inputs_delete',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostInputs', { user_app_id: uai, inputs: [{ id: 'gone', data: { text: { raw: 'x' } } }] });
      await api.ok('DeleteInputs', { user_app_id: uai, ids: ['gone'] });
      const b = await api.call('GetInput', { user_app_id: uai, input_id: 'gone' });
      assert.equal(b.status.code, 11101);
      if (api.transport === 'rest') assert.equal(b.http, 404);
    },
  );

  cases(
    'PatchInputs merge adds the documented concepts (tree 1, water 0) to two inputs at once; overwrite replaces them; remove takes one away',
    'docs code_snippets/api-guide/data/create_get_update_delete/curl/update_input_concepts.sh, bulk_update_inputs_concepts.sh ("Supported actions are overwrite, merge, and remove")',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: [
          { id: 'in1', data: { text: { raw: 'a park' }, concepts: [{ id: 'grass', value: 1 }] } },
          { id: 'in2', data: { text: { raw: 'a zoo' } } },
        ],
      });
      await api.ok('PatchInputs', {
        user_app_id: uai,
        action: 'merge',
        inputs: [
          {
            id: 'in1',
            data: {
              concepts: [
                { id: 'tree', value: 1 },
                { id: 'water', value: 0 },
              ],
            },
          },
          {
            id: 'in2',
            data: {
              concepts: [
                { id: 'animal', value: 1 },
                { id: 'fruit', value: 0 },
              ],
            },
          },
        ],
      });
      const labels = async (id: string) =>
        ((await api.ok('GetInput', { user_app_id: uai, input_id: id })).input.data.concepts as ApiObject[])
          .map((c) => [c.id, c.value ?? 0])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      assert.deepEqual(await labels('in1'), [
        ['grass', 1],
        ['tree', 1],
        ['water', 0],
      ]);
      assert.deepEqual(await labels('in2'), [
        ['animal', 1],
        ['fruit', 0],
      ]);
      await api.ok('PatchInputs', { user_app_id: uai, action: 'overwrite', inputs: [{ id: 'in1', data: { concepts: [{ id: 'tree', value: 1 }] } }] });
      assert.deepEqual(await labels('in1'), [['tree', 1]]);
      await api.ok('PatchInputs', { user_app_id: uai, action: 'remove', inputs: [{ id: 'in2', data: { concepts: [{ id: 'fruit' }] } }] });
      assert.deepEqual(await labels('in2'), [['animal', 1]]);
    },
  );

  cases(
    'PatchConcepts overwrite renames an app concept; patching a concept the app does not have (a public one) is 11101 "Resource does not exist"',
    'clarifai-python-grpc tests/client/test_concept_crud.py test_concept_post_get_patch, test_patching_public_concept_fails',
    async (api) => {
      const uai = await newApp(api);
      const id = api.id('concept');
      await api.ok('PostConcepts', { user_app_id: uai, concepts: [{ id, name: 'first name' }] });
      await api.ok('PatchConcepts', { user_app_id: uai, action: 'overwrite', concepts: [{ id, name: 'some new concept name' }] });
      assert.equal((await api.ok('GetConcept', { user_app_id: uai, concept_id: id })).concept.name, 'some new concept name');
      const pub = await api.call('PatchConcepts', {
        user_app_id: uai,
        action: 'overwrite',
        concepts: [{ id: 'ai_98Xb0K3q', name: "this new name won't be applied" }],
      });
      assert.equal(pub.status.code, 11101);
      assert.equal(pub.status.description, 'Resource does not exist');
    },
  );
});
