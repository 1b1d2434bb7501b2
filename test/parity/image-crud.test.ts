import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { ApiObject } from '../helpers/clients.js';
import { fileServer, pngBase64 } from '../helpers/inputs.js';
import { type ParityApi, paritySuite } from './harness.js';

// tests/client/test_image_crud.py runs with an app-specific key (`metadata()`), so calls name no app:
// the key implies it. TRUCK_IMAGE_URL is a local stand-in.
let files: Awaited<ReturnType<typeof fileServer>>;
let truck: Buffer;
before(async () => {
  truck = Buffer.from(await pngBase64([180, 20, 20], 40), 'base64');
  files = await fileServer({ '/truck.png': truck });
});
after(() => files?.close());

/** A fresh app and an app key for it (scope All), as the python tests' CI set-up makes them. */
async function appWithKey(api: ParityApi): Promise<{ uai: ApiObject; key: string }> {
  const appId = (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('images') }] })).apps[0].id as string;
  const keys = await api.ok('PostKeys', {
    user_app_id: { user_id: 'me' },
    keys: [{ description: 'parity', scopes: ['All'], apps: [{ id: appId, user_id: 'me' }] }],
  });
  return { uai: { user_id: 'me', app_id: appId }, key: keys.keys[0].id as string };
}

/** One call with the app key, no user_app_id (the short /v2/... paths over REST). */
async function withKey(api: ParityApi, key: string, rpc: string, req: ApiObject = {}): Promise<ApiObject> {
  const b = await api.call(rpc, req, key);
  assert.equal(b.status?.code, 10000, `${rpc}: ${JSON.stringify(b.status)}`);
  return b;
}

const uploaded = (api: ParityApi, key: string, ids: string[]) =>
  Promise.all(
    ids.map(async (id) => {
      for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 100))) {
        const b = await api.call('GetInput', { input_id: id }, key);
        if (b.input?.status?.code === 30000) return;
        assert.ok(Date.now() < deadline, `input ${id}: ${JSON.stringify(b.input?.status ?? b.status)}`);
      }
    }),
  );

paritySuite("image inputs with an app key (the official client's image CRUD tests)", (cases) => {
  cases(
    'post by URL, list one per page, an empty page far out, overwrite its concepts, get shows the new concept',
    'clarifai-python-grpc tests/client/test_image_crud.py test_post_list_patch_get_delete_image',
    async (api) => {
      const { uai, key } = await appWithKey(api);
      const posted = await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: [{ data: { image: { url: files.url('/truck.png'), allow_duplicate_url: true }, concepts: [{ id: 'some-concept' }] } }],
      });
      const inputId = posted.inputs[0].id as string;
      await uploaded(api, key, [inputId]);
      assert.equal((await withKey(api, key, 'ListInputs', { per_page: 1 })).inputs.length, 1);
      assert.deepEqual((await withKey(api, key, 'ListInputs', { per_page: 500, page: 1000 })).inputs ?? [], []);
      await withKey(api, key, 'PatchInputs', { action: 'overwrite', inputs: [{ id: inputId, data: { concepts: [{ id: 'some-new-concept' }] } }] });
      assert.equal((await withKey(api, key, 'GetInput', { input_id: inputId })).input.data.concepts[0].name, 'some-new-concept');
      await withKey(api, key, 'DeleteInputs', { ids: [inputId] });
    },
  );

  cases(
    'two inputs of the same URL (allow_duplicate_url) both upload; DeleteInputs removes both',
    'clarifai-python-grpc tests/client/test_image_crud.py test_post_delete_batch_images',
    async (api) => {
      const { uai, key } = await appWithKey(api);
      const image = { url: files.url('/truck.png'), allow_duplicate_url: true };
      const posted = await api.ok('PostInputs', { user_app_id: uai, inputs: [{ data: { image } }, { data: { image } }] });
      const ids = posted.inputs.map((i: ApiObject) => i.id as string);
      await uploaded(api, key, ids);
      await withKey(api, key, 'DeleteInputs', { ids });
      for (const id of ids) assert.equal((await api.call('GetInput', { input_id: id }, key)).status.code, 11101);
    },
  );

  cases(
    'an input with id, a positive and a negative concept, geo and nested metadata reads back as sent; a merge adds a concept, moves the point and keeps the old metadata',
    'clarifai-python-grpc tests/client/test_image_crud.py test_post_patch_get_image_with_id_concepts_geo_and_metadata',
    async (api) => {
      const { uai, key } = await appWithKey(api);
      const inputId = api.id('img');
      await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: [
          {
            id: inputId,
            data: {
              image: { url: files.url('/truck.png'), allow_duplicate_url: true },
              concepts: [
                { id: 'some-positive-concept', value: 1 },
                { id: 'some-negative-concept', value: 0 },
              ],
              geo: { geo_point: { longitude: 55.0, latitude: 66 } },
              metadata: { key1: 123, key2: { 'inner-key1': 'inner-val1', 'inner-key2': 'inner-val2' } },
            },
          },
        ],
      });
      await uploaded(api, key, [inputId]);
      const inp = (await withKey(api, key, 'GetInput', { input_id: inputId })).input;
      assert.equal(inp.id, inputId);
      assert.deepEqual(
        inp.data.concepts.map((c: ApiObject) => [c.id, c.value ?? 0]),
        [
          ['some-positive-concept', 1],
          ['some-negative-concept', 0],
        ],
      );
      assert.equal(inp.data.metadata.key1, 123);
      assert.deepEqual(inp.data.metadata.key2, { 'inner-key1': 'inner-val1', 'inner-key2': 'inner-val2' });
      assert.deepEqual([inp.data.geo.geo_point.longitude, inp.data.geo.geo_point.latitude], [55, 66]);
      const patched = (
        await withKey(api, key, 'PatchInputs', {
          action: 'merge',
          inputs: [
            {
              id: inputId,
              data: {
                concepts: [{ id: 'another-positive-concept', value: 1 }],
                geo: { geo_point: { longitude: 77.0, latitude: 88.0 } },
                metadata: { 'new-key': 'new-value' },
              },
            },
          ],
        })
      ).inputs[0];
      assert.equal(patched.data.concepts[2].id, 'another-positive-concept');
      assert.deepEqual([patched.data.geo.geo_point.longitude, patched.data.geo.geo_point.latitude], [77, 88]);
      assert.equal(patched.data.metadata['new-key'], 'new-value');
      assert.equal(patched.data.metadata.key1, 123, 'merge keeps the old values');
    },
  );

  cases('an image sent as bytes uploads (30000)', 'clarifai-python-grpc tests/client/test_image_crud.py test_image_with_bytes', async (api) => {
    const { uai, key } = await appWithKey(api);
    const posted = await api.ok('PostInputs', { user_app_id: uai, inputs: [{ data: { image: { base64: truck.toString('base64') } } }] });
    await uploaded(api, key, [posted.inputs[0].id]);
    await withKey(api, key, 'DeleteInputs', { ids: [posted.inputs[0].id] });
  });
});
