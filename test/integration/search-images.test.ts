import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeBoth, uid } from '../helpers/both.js';
import { fileServer, pngBase64, textInput, waitForInput } from '../helpers/inputs.js';
import { apiOf, newApp } from '../helpers/models.js';

// Visual search: the query image is embedded by the same base image embedder input processing used, so
// an uploaded copy of an input's image ranks exactly like that input's stored vector.
describeBoth('Search over inputs: rank by image bytes and URL', (h) => {
  const api = apiOf(h);
  let uai: { user_id: string; app_id: string };
  let red: string;
  let files: Awaited<ReturnType<typeof fileServer>>;
  const rankBy = (annotation: object) => api.ok('PostInputsSearches', { user_app_id: uai, searches: [{ query: { ranks: [{ annotation }] } }] });
  const hits = (body: { hits?: { input: { id: string }; score: number }[] }) => (body.hits ?? []).map((x) => [x.input.id, Number(x.score.toFixed(5))]);

  before(async () => {
    uai = await newApp(api, uid('search-img'));
    red = await pngBase64([220, 20, 20]);
    files = await fileServer({ '/red.png': Buffer.from(red, 'base64') });
    const images = { red, orange: await pngBase64([230, 120, 20]), blue: await pngBase64([20, 30, 220]) };
    await api.ok('PostInputs', {
      user_app_id: uai,
      inputs: [...Object.entries(images).map(([id, base64]) => ({ id, data: { image: { base64 } } })), textInput('words', 'a red square')],
    });
    for (const id of [...Object.keys(images), 'words']) await waitForInput(api, uai, id);
  });
  after(() => files?.close());

  it('by base64: the same image comes first with score 1, and the order equals ranking by that input id', async () => {
    const byBytes = await rankBy({ data: { image: { base64: red } } });
    assert.equal(byBytes.hits[0].input.id, 'red');
    assert.ok(Math.abs(byBytes.hits[0].score - 1) < 1e-4, `score ${byBytes.hits[0].score}`);
    assert.deepEqual(
      byBytes.hits.map((x: { input: { id: string } }) => x.input.id).sort(),
      ['blue', 'orange', 'red'],
      'text inputs have no image vector to compare',
    );
    assert.deepEqual(hits(byBytes), hits(await rankBy({ input_id: 'red' })));
  });

  it('by URL: fetched and ranked like the same bytes; an unreachable URL is refused with the fetch status', async () => {
    assert.deepEqual(hits(await rankBy({ data: { image: { url: files.url('/red.png') } } })), hits(await rankBy({ data: { image: { base64: red } } })));
    const s = await api.call('PostInputsSearches', {
      user_app_id: uai,
      searches: [{ query: { ranks: [{ annotation: { data: { image: { url: files.url('/missing.png') } } } }] } }],
    });
    assert.notEqual(s.body.status.code, 10000);
    assert.match(s.body.status.details, /ranks\[0\]\.annotation\.data\.image\.url/);
  });

  it('bytes that are not an image are refused with 40002', async () => {
    const s = await api.fails(
      'PostInputsSearches',
      { user_app_id: uai, searches: [{ query: { ranks: [{ annotation: { data: { image: { base64: Buffer.from('not an image').toString('base64') } } } }] } }] },
      40002,
      400,
    );
    assert.match(s.details ?? '', /could not be embedded/);
  });
});
