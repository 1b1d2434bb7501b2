import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeBoth, uid } from '../helpers/both.js';
import { fileServer, waitForInput } from '../helpers/inputs.js';
import { apiOf, newApp } from '../helpers/models.js';
import { TEST_USER } from '../helpers/server.js';

/**
 * Issue 11 item 9: `data.text.url` (clarifai-python client/input.py builds `Text(url=…)` for text
 * inputs by URL; Clarifai's docs predict text with `Text(url="…/negative_sentence_12.txt")`) is
 * fetched like an image URL — same guarded fetcher, limits and 30002 details — and the text it
 * serves is stored and embedded.
 */
describeBoth('PostInputs: text by URL (data.text.url)', (h) => {
  const api = apiOf(h);
  const appId = uid('text-url');
  let uai: { user_id: string; app_id: string };
  let files: Awaited<ReturnType<typeof fileServer>>;

  before(async () => {
    uai = await newApp(api, appId);
    files = await fileServer({
      '/review.txt': Buffer.from('a wonderful little café, très bien', 'utf8'),
      '/latin1.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff]), // "café" in Latin-1: not UTF-8
      '/empty.txt': Buffer.alloc(0),
    });
  });
  after(() => files?.close());

  it("is fetched, stored as the input's text (the URL kept) and embedded with general-text-embedding", async () => {
    const url = files.url('/review.txt');
    const posted = await api.ok('PostInputs', {
      user_app_id: uai,
      inputs: [{ id: 'by-url', data: { text: { url }, concepts: [{ id: 'review', value: 1 }] } }],
    });
    assert.equal(posted.inputs[0].data.text.url, url);
    assert.equal(posted.inputs[0].status.code, 30001);
    const done = await waitForInput(api, uai, 'by-url');
    assert.equal(done.status.code, 30000, JSON.stringify(done.status));
    assert.deepEqual(done.data.text, { raw: 'a wonderful little café, très bien', url });
    const stored = await h.server.store.inputs.get(TEST_USER, appId, 'by-url');
    assert.deepEqual(
      (await h.server.store.embeddings.listFor(stored!.pk)).map((e) => e.embedderId),
      ['general-text-embedding'],
    );
  });

  it('a 404, bytes that are not UTF-8 and an empty body: 30002 with details naming data.text.url', async () => {
    await api.ok('PostInputs', {
      user_app_id: uai,
      inputs: [
        { id: 'missing', data: { text: { url: files.url('/nope.txt') } } },
        { id: 'latin1', data: { text: { url: files.url('/latin1.txt') } } },
        { id: 'empty', data: { text: { url: files.url('/empty.txt') } } },
      ],
    });
    const missing = await waitForInput(api, uai, 'missing');
    assert.equal(missing.status.code, 30002);
    assert.match(missing.status.details, /^data\.text\.url http:\/\/127\.0\.0\.1:\d+\/nope\.txt answered HTTP 404.*it must answer 200 with the text\.$/);
    const latin1 = await waitForInput(api, uai, 'latin1');
    assert.equal(latin1.status.code, 30002);
    assert.match(latin1.status.details, /did not answer with UTF-8 text; serve the text as UTF-8, or send it in data\.text\.raw/);
    const empty = await waitForInput(api, uai, 'empty');
    assert.equal(empty.status.code, 30002);
    assert.match(empty.status.details, /data\.text\.url .* answered with an empty body; it must answer with the text/);
  });

  it('the fetch policy applies: a refused address is 30002 naming the setting (no connection)', async () => {
    await api.ok('PostInputs', { user_app_id: uai, inputs: [{ id: 'metadata-svc', data: { text: { url: 'http://169.254.169.254/latest/meta-data' } } }] });
    const done = await waitForInput(api, uai, 'metadata-svc');
    assert.equal(done.status.code, 30002);
    assert.match(
      done.status.details,
      /^data\.text\.url http:\/\/169\.254\.169\.254\/latest\/meta-data was not fetched: 169\.254\.169\.254 is a linkLocal address.*MODELKEEP_FETCH_ALLOW/,
    );
  });

  it("PostModelOutputs fetches data.text.url too: the same vector as the raw text; a 404 is that output's 30002", async () => {
    const SYSTEM = { user_id: 'clarifai', app_id: 'main' };
    const r = await api.call('PostModelOutputs', {
      user_app_id: SYSTEM,
      model_id: 'general-text-embedding',
      inputs: [
        { data: { text: { url: files.url('/review.txt') } } },
        { data: { text: { raw: 'a wonderful little café, très bien' } } },
        { data: { text: { url: files.url('/nope.txt') } } },
      ],
    });
    assert.equal(r.body.status.code, 10010, JSON.stringify(r.body.status));
    const [byUrl, byRaw, missing] = r.body.outputs;
    assert.deepEqual(byUrl.data.embeddings[0].vector, byRaw.data.embeddings[0].vector);
    assert.equal(missing.status.code, 30002);
    assert.match(missing.status.details, /^data\.text\.url .*answered HTTP 404/);
  });

  it('refused whole with the index: a non-http URL (30106), raw and url together (30104); nothing written', async () => {
    const before = await api.ok('GetInputCount', { user_app_id: uai });
    const bad = await api.fails(
      'PostInputs',
      {
        user_app_id: uai,
        inputs: [
          { id: 'fine', data: { text: { raw: 'ok' } } },
          { id: 'ftp', data: { text: { url: 'ftp://example.com/a.txt' } } },
        ],
      },
      30106,
      400,
    );
    assert.match(bad.details!, /^inputs\[1\]\.data\.text\.url uses ftp; only http and https URLs are fetched\. Send the data itself in data\.text\.raw\.$/);
    const both = await api.fails(
      'PostInputs',
      { user_app_id: uai, inputs: [{ id: 'two', data: { text: { raw: 'x', url: files.url('/review.txt') } } }] },
      30104,
      400,
    );
    assert.match(both.details!, /^inputs\[0\] has data\.text\.raw and data\.text\.url; an input carries exactly one of them\.$/);
    assert.deepEqual((await api.ok('GetInputCount', { user_app_id: uai })).counts, before.counts);
  });
});
