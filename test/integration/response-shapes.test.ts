import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, uid } from '../helpers/both.js';
import { pngBase64, waitForInput } from '../helpers/inputs.js';
import { apiOf, newApp } from '../helpers/models.js';
import { TEST_PAT, TEST_USER } from '../helpers/server.js';

/**
 * Issue 11 item 10, response shapes as Clarifai's docs and clients show them: concept resources
 * carry `language` (docs "Create, Get, Update" concepts output examples: "language": "en"); an
 * uploaded image keeps an `image.url` and `image.hosted` whose URL serves its bytes to the app's key
 * (clarifai-python-grpc tests/client/test_secure_data_hosting.py: 200 with a key or the
 * x-clarifai-api-key cookie, 401 with a bad one, 404 with none); a pending image has an image_info
 * placeholder.
 */
describeBoth('Response shapes: concept language, hosted image bytes, image_info placeholders', (h) => {
  const api = apiOf(h);
  let uai: { user_id: string; app_id: string };
  let appId: string;

  before(async () => {
    appId = uid('shapes');
    uai = await newApp(api, appId);
  });

  it('concepts carry language: "en" unless PostConcepts gives one; a bad code is 40003', async () => {
    const posted = await api.ok('PostConcepts', {
      user_app_id: uai,
      concepts: [
        { id: 'cat', name: 'Cat' },
        { id: 'chat', name: 'Chat', language: 'fr' },
      ],
    });
    assert.deepEqual(
      posted.concepts.map((c: { id: string; language: string }) => [c.id, c.language]),
      [
        ['cat', 'en'],
        ['chat', 'fr'],
      ],
    );
    assert.equal((await api.ok('GetConcept', { user_app_id: uai, concept_id: 'chat' })).concept.language, 'fr');
    await api.ok('PostInputs', { user_app_id: uai, inputs: [{ id: 'labelled', data: { text: { raw: 'a dog' }, concepts: [{ id: 'dog', value: 1 }] } }] });
    const listed = await api.ok('ListConcepts', { user_app_id: uai });
    assert.deepEqual(
      listed.concepts.map((c: { id: string; language: string }) => [c.id, c.language]),
      [
        ['cat', 'en'],
        ['chat', 'fr'],
        ['dog', 'en'],
      ],
    );
    const bad = await api.fails('PostConcepts', { user_app_id: uai, concepts: [{ id: 'x', language: 'not a language' }] }, 40003, 400);
    assert.match(bad.details!, /^concepts\[0\]\.language 'not a language' is not a language code/);
  });

  it('an uploaded image: pending answer has an image_info placeholder; processed, image.url and image.hosted serve its bytes', async () => {
    const b64 = await pngBase64([200, 40, 40], 24);
    const posted = await api.ok('PostInputs', { user_app_id: uai, inputs: [{ id: 'photo', data: { image: { base64: b64 } } }] });
    assert.deepEqual(posted.inputs[0].data.image.image_info, { format: 'UnknownImageFormat', color_mode: 'UnknownColorMode' });
    const done = await waitForInput(api, uai, 'photo');
    assert.equal(done.status.code, 30000);
    const image = done.data.image;
    assert.deepEqual(image.image_info, { width: 24, height: 24, format: 'PNG', color_mode: 'RGB' });
    const base = `http://127.0.0.1:${h.server.httpPort}/hosted`;
    const suffix = `users/${TEST_USER}/apps/${appId}/inputs/photo`;
    assert.deepEqual(image.hosted, { prefix: base, suffix, sizes: ['orig'] });
    assert.equal(image.url, `${base}/orig/${suffix}`);

    const get = (headers: Record<string, string>) => fetch(image.url, { headers });
    const ok = await get({ authorization: `Key ${TEST_PAT}` });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await ok.arrayBuffer()), Buffer.from(b64, 'base64'));
    assert.equal((await get({ cookie: `x-clarifai-api-key=${TEST_PAT}` })).status, 200);
    assert.equal((await get({ authorization: `Key ${'0'.repeat(32)}` })).status, 401);
    assert.equal((await get({})).status, 404);
    const missing = await fetch(`${base}/orig/users/${TEST_USER}/apps/${appId}/inputs/nope`, { headers: { authorization: `Key ${TEST_PAT}` } });
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { status: { code: number } }).status.code, 11101);
    const small = await fetch(`${base}/small/${suffix}`, { headers: { authorization: `Key ${TEST_PAT}` } });
    assert.equal(small.status, 404);

    // Every view of the input carries the same URLs: ListInputs and a dataset's inputs too.
    const listed = (await api.ok('ListInputs', { user_app_id: uai })).inputs.find((i: { id: string }) => i.id === 'photo');
    assert.equal(listed.data.image.url, image.url);
    await api.ok('PostDatasets', { user_app_id: uai, datasets: [{ id: 'photos' }] });
    await api.ok('PostDatasetInputs', { user_app_id: uai, dataset_id: 'photos', dataset_inputs: [{ input: { id: 'photo' } }] });
    const member = (await api.ok('ListDatasetInputs', { user_app_id: uai, dataset_id: 'photos' })).dataset_inputs[0].input;
    assert.deepEqual(member.data.image.hosted, image.hosted);
  });

  it('text inputs have no image fields', async () => {
    const listed = await api.ok('ListInputs', { user_app_id: uai });
    const text = listed.inputs.find((i: { id: string }) => i.id === 'labelled');
    assert.equal(text.data.image, undefined);
    assert.deepEqual(text.data.text, { raw: 'a dog' });
  });
});
