import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { ApiObject } from '../helpers/clients.js';
import { fileServer, pngBase64 } from '../helpers/inputs.js';
import { type ParityApi, paritySuite } from './harness.js';

// Evidence: Clarifai/clarifai-python-grpc tests/client/test_inputs_searches.py (SetupImage and each
// test_search_by_*), tests/client/test_annotations_searches.py test_post_annotations_searches;
// Clarifai/docs code_snippets/api-guide/search/legacy_search/curl/by_custom_concepts.sh (PostSearches
// with query.ands). The dog image the tests use stands as a local PNG (the suite runs offline).

let files: Awaited<ReturnType<typeof fileServer>>;
let dogBase64: string;
before(async () => {
  dogBase64 = await pngBase64([180, 120, 60], 48);
  files = await fileServer({ '/dog.png': Buffer.from(dogBase64, 'base64') });
});
after(() => files?.close());

const newApp = async (api: ParityApi): Promise<{ user_id: string; app_id: string }> => ({
  user_id: 'me',
  app_id: (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('app') }] })).apps[0].id,
});

/** test_inputs_searches.py SetupImage: one image with a custom concept (id and name), nested metadata and a geo point. */
async function setupImage(api: ParityApi, uai: ApiObject): Promise<ApiObject> {
  const posted = await api.ok('PostInputs', {
    user_app_id: uai,
    inputs: [
      {
        data: {
          image: { url: files.url('/dog.png'), allow_duplicate_url: true },
          concepts: [{ id: api.id('my-concept-id'), name: api.id('my concept name'), value: 1 }],
          metadata: { 'some-key': 'some-value', 'another-key': { 'inner-key': 'inner-value' } },
          geo: { geo_point: { longitude: 44, latitude: 55 } },
        },
      },
    ],
  });
  const input = posted.inputs[0];
  // tests/common.py wait_for_inputs_upload.
  await api.until('GetInput', { user_app_id: uai, input_id: input.id }, (b) => b.input?.status?.code === 30000);
  return input;
}

const pagination = { page: 1, per_page: 1000 };
const hitIds = (b: ApiObject): string[] => ((b.hits ?? []) as ApiObject[]).map((h) => h.input.id as string);
const inputsSearch = (api: ParityApi, uai: ApiObject, query: ApiObject) =>
  api.ok('PostInputsSearches', { user_app_id: uai, searches: [{ query }], pagination });

paritySuite('searches: PostInputsSearches, PostSearches, PostAnnotationsSearches', (cases) => {
  cases(
    'filter by the custom concept id, and by its name as PostInputs answered it (value 1), finds the input',
    'clarifai-python-grpc tests/client/test_inputs_searches.py test_search_by_custom_concept_id, test_search_by_custom_concept_name',
    async (api) => {
      const uai = await newApp(api);
      const input = await setupImage(api, uai);
      const { id, name } = input.data.concepts[0];
      assert.ok(name, 'PostInputs answers the concept with its name');
      assert.ok(hitIds(await inputsSearch(api, uai, { filters: [{ annotation: { data: { concepts: [{ id, value: 1 }] } } }] })).includes(input.id));
      assert.ok(hitIds(await inputsSearch(api, uai, { filters: [{ annotation: { data: { concepts: [{ name, value: 1 }] } } }] })).includes(input.id));
    },
  );

  cases(
    'filter by a nested metadata sub-object finds the input; every hit carries a score and the input',
    'clarifai-python-grpc tests/client/test_inputs_searches.py test_search_by_metadata',
    async (api) => {
      const uai = await newApp(api);
      const input = await setupImage(api, uai);
      const r = await inputsSearch(api, uai, { filters: [{ annotation: { data: { metadata: { 'another-key': { 'inner-key': 'inner-value' } } } } }] });
      assert.ok(r.hits.length >= 1);
      assert.ok(hitIds(r).includes(input.id));
      for (const h of r.hits) assert.equal(typeof h.score, 'number');
    },
  );

  cases(
    'filter by geo point (43, 56) within 1000 km, and by the geo box (43, 54)–(45, 56), finds the input at (44, 55)',
    'clarifai-python-grpc tests/client/test_inputs_searches.py test_search_by_geo_point_and_limit, test_search_by_geo_box',
    async (api) => {
      const uai = await newApp(api);
      const input = await setupImage(api, uai);
      const near = { geo_point: { longitude: 43, latitude: 56 }, geo_limit: { value: 1000, type: 'withinKilometers' } };
      assert.ok(hitIds(await inputsSearch(api, uai, { filters: [{ annotation: { data: { geo: near } } }] })).includes(input.id));
      const box = { geo_box: [{ geo_point: { longitude: 43, latitude: 54 } }, { geo_point: { longitude: 45, latitude: 56 } }] };
      assert.ok(hitIds(await inputsSearch(api, uai, { filters: [{ annotation: { data: { geo: box } } }] })).includes(input.id));
    },
  );

  cases(
    'rank by the image URL (alone, and with the geo box filter) finds the input',
    'clarifai-python-grpc tests/client/test_inputs_searches.py test_search_by_image_url, test_search_by_image_url_and_geo_box',
    async (api) => {
      const uai = await newApp(api);
      const input = await setupImage(api, uai);
      const ranks = [{ annotation: { data: { image: { url: files.url('/dog.png') } } } }];
      const ranked = await inputsSearch(api, uai, { ranks });
      assert.ok(ranked.hits.length >= 1);
      assert.ok(hitIds(ranked).includes(input.id));
      const box = { geo_box: [{ geo_point: { longitude: 43, latitude: 54 } }, { geo_point: { longitude: 45, latitude: 56 } }] };
      assert.ok(hitIds(await inputsSearch(api, uai, { ranks, filters: [{ annotation: { data: { geo: box } } }] })).includes(input.id));
    },
  );

  cases(
    'rank by the image bytes (image.base64) finds the input',
    'clarifai-python-grpc tests/client/test_inputs_searches.py test_search_by_image_bytes',
    async (api) => {
      const uai = await newApp(api);
      const input = await setupImage(api, uai);
      const ranked = await inputsSearch(api, uai, { ranks: [{ annotation: { data: { image: { base64: dogBase64 } } } }] });
      assert.ok(ranked.hits.length >= 1);
      assert.ok(hitIds(ranked).includes(input.id));
    },
  );

  cases(
    'PostSearches with query.ands of input.data.concepts (name, value 1) finds the labelled input and not the other',
    'Clarifai/docs code_snippets/api-guide/search/legacy_search/curl/by_custom_concepts.sh',
    async (api) => {
      const uai = await newApp(api);
      await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: [
          { id: 'crowd', data: { text: { raw: 'a crowd of people' }, concepts: [{ id: 'people', name: 'people', value: 1 }] } },
          { id: 'empty', data: { text: { raw: 'an empty street' } } },
        ],
      });
      for (const id of ['crowd', 'empty']) await api.until('GetInput', { user_app_id: uai, input_id: id }, (b) => b.input?.status?.code === 30000);
      const r = await api.ok('PostSearches', { user_app_id: uai, query: { ands: [{ input: { data: { concepts: [{ name: 'people', value: 1 }] } } }] } });
      assert.deepEqual(hitIds(r), ['crowd']);
    },
  );

  cases(
    'PostAnnotationsSearches: each concept finds its annotation\'s input; both concepts as two filters find nothing ("no single annotation can have two concepts")',
    'clarifai-python-grpc tests/client/test_annotations_searches.py test_post_annotations_searches (the palm and water annotations label the whole input here: modelkeep labels whole inputs only, decision 0005)',
    async (api) => {
      const uai = await newApp(api);
      const input = await setupImage(api, uai);
      for (const concept of ['palm', 'water']) {
        await api.ok('PostAnnotations', { user_app_id: uai, annotations: [{ input_id: input.id, data: { concepts: [{ id: concept, value: 1 }] } }] });
      }
      const filter = (id: string) => ({ annotation: { data: { concepts: [{ id, value: 1 }] } } });
      const search = (filters: ApiObject[]) => api.ok('PostAnnotationsSearches', { user_app_id: uai, searches: [{ query: { filters } }], pagination });
      assert.ok(hitIds(await search([filter('palm')])).includes(input.id));
      assert.ok(hitIds(await search([filter('water')])).includes(input.id));
      assert.equal((await search([filter('palm'), filter('water')])).hits?.length ?? 0, 0);
    },
  );
});
