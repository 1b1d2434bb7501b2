import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeBoth, uid } from '../helpers/both.js';
import { fileServer, labelsOf, pngBase64, textInput, waitForInput } from '../helpers/inputs.js';
import { freePort } from '../helpers/modelkeep-process.js';
import { apiOf, newApp } from '../helpers/models.js';
import { TEST_USER } from '../helpers/server.js';

const HEX32 = /^[0-9a-f]{32}$/;

describeBoth('PostInputs: upload, asynchronous processing, embeddings', (h) => {
  const api = apiOf(h);
  const appId = uid('inputs');
  let uai: { user_id: string; app_id: string };
  let files: Awaited<ReturnType<typeof fileServer>>;
  const post = (inputs: unknown[]) => api.call('PostInputs', { user_app_id: uai, inputs });
  const embeddingsOf = async (inputId: string) => {
    const stored = await h.server.store.inputs.get(TEST_USER, appId, inputId);
    assert.ok(stored, `input ${inputId} is stored`);
    return h.server.store.embeddings.listFor(stored.pk);
  };

  before(async () => {
    uai = await newApp(api, appId);
    files = await fileServer({ '/red.png': Buffer.from(await pngBase64([220, 30, 30]), 'base64') });
  });
  after(() => files?.close());

  it('text input with positive and negative concepts: 30001 at once, then 30000 with a text embedding; concepts created with name = id', async () => {
    const r = await post([
      textInput(
        't1',
        'a small grey cat sleeps',
        [
          ['cat', 1],
          ['dog', 0],
        ],
        {
          data: {
            text: { raw: 'a small grey cat sleeps' },
            concepts: [
              { id: 'cat', value: 1 },
              { id: 'dog', value: 0 },
            ],
            metadata: { source: 'test' },
          },
        },
      ),
    ]);
    assert.equal(r.body.status.code, 10000, JSON.stringify(r.body.status));
    const [posted] = r.body.inputs;
    assert.equal(posted.id, 't1');
    assert.ok([30001, 30003, 30000].includes(posted.status.code), JSON.stringify(posted.status));
    assert.deepEqual(labelsOf(posted), [
      ['cat', 1],
      ['dog', 0],
    ]);
    const done = await waitForInput(api, uai, 't1');
    assert.equal(done.status.code, 30000, JSON.stringify(done.status));
    assert.equal(done.status.description, 'Download complete');
    assert.equal(done.data.text.raw, 'a small grey cat sleeps');
    assert.deepEqual(done.data.metadata, { source: 'test' });
    const emb = await embeddingsOf('t1');
    assert.deepEqual(
      emb.map((e) => e.embedderId),
      ['general-text-embedding'],
    );
    assert.ok(emb[0]!.dim > 0);
    const concept = await api.ok('GetConcept', { user_app_id: uai, concept_id: 'dog' });
    assert.equal(concept.concept.name, 'dog');
  });

  it('a generated id is 32 hex characters', async () => {
    const body = await api.ok('PostInputs', { user_app_id: uai, inputs: [{ data: { text: { raw: 'no id given' } } }] });
    assert.match(body.inputs[0].id, HEX32);
  });

  it('base64 PNG: 30000 with image_info and an image embedding', async () => {
    await api.ok('PostInputs', {
      user_app_id: uai,
      inputs: [{ id: 'img1', data: { image: { base64: await pngBase64([10, 200, 10], 40) }, concepts: [{ id: 'green', value: 1 }] } }],
    });
    const done = await waitForInput(api, uai, 'img1');
    assert.equal(done.status.code, 30000, JSON.stringify(done.status));
    assert.deepEqual(done.data.image.image_info, { width: 40, height: 40, format: 'PNG', color_mode: 'RGB' });
    const emb = await embeddingsOf('img1');
    assert.deepEqual(emb, [{ embedderId: 'general-image-embedding', dim: 1280 }]);
  });

  it('base64 that is not an image: 30002 with details naming data.image.base64', async () => {
    await api.ok('PostInputs', {
      user_app_id: uai,
      inputs: [{ id: 'bad-b64', data: { image: { base64: Buffer.from('this is not an image').toString('base64') } } }],
    });
    const done = await waitForInput(api, uai, 'bad-b64');
    assert.equal(done.status.code, 30002);
    assert.equal(done.status.description, 'Download failed');
    assert.match(done.status.details, /data\.image\.base64/);
    assert.deepEqual(await embeddingsOf('bad-b64'), []);
  });

  it('image URL on a local server is fetched; the bytes are kept', async () => {
    await api.ok('PostInputs', { user_app_id: uai, inputs: [{ id: 'url-ok', data: { image: { url: files.url('/red.png') } } }] });
    const done = await waitForInput(api, uai, 'url-ok');
    assert.equal(done.status.code, 30000, JSON.stringify(done.status));
    assert.equal(done.data.image.url, files.url('/red.png'));
    const stored = await h.server.store.inputs.get(TEST_USER, appId, 'url-ok');
    assert.ok((await h.server.store.inputs.imageBytes(stored!.pk))?.length);
  });

  it('unreachable URL and a 404: 30002 with details a user can act on', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/x.png`;
    await api.ok('PostInputs', {
      user_app_id: uai,
      inputs: [
        { id: 'url-down', data: { image: { url: closed } } },
        { id: 'url-404', data: { image: { url: files.url('/missing.png') } } },
      ],
    });
    const down = await waitForInput(api, uai, 'url-down');
    assert.equal(down.status.code, 30002);
    assert.match(down.status.details, /could not be fetched.*ECONNREFUSED/);
    const missing = await waitForInput(api, uai, 'url-404');
    assert.equal(missing.status.code, 30002);
    assert.match(missing.status.details, /HTTP 404/);
  });

  it('more than 128 inputs: 39999 and nothing written', async () => {
    const before = await api.ok('GetInputCount', { user_app_id: uai });
    const many = Array.from({ length: 129 }, (_, i) => ({ id: `many-${i}`, data: { text: { raw: `t${i}` } } }));
    const st = await api.fails('PostInputs', { user_app_id: uai, inputs: many }, 39999, 400);
    assert.match(st.details ?? '', /at most 128/);
    assert.deepEqual((await api.ok('GetInputCount', { user_app_id: uai })).counts, before.counts);
  });

  it('duplicate ids: 40010 (HTTP 409) against stored inputs and within one request; nothing written', async () => {
    const st = await api.fails('PostInputs', { user_app_id: uai, inputs: [textInput('fresh-1', 'x'), textInput('t1', 'again')] }, 40010, 409);
    assert.match(st.details ?? '', /'t1' already exists/);
    await api.fails('GetInput', { user_app_id: uai, input_id: 'fresh-1' }, 11101, 404);
    const st2 = await api.fails('PostInputs', { user_app_id: uai, inputs: [textInput('twice', 'a'), textInput('twice', 'b')] }, 40010, 409);
    assert.match(st2.details ?? '', /more than once/);
  });

  it('bad entries are refused with their field named, before anything is written', async () => {
    assert.match((await api.fails('PostInputs', { user_app_id: uai, inputs: [{ id: 'empty', data: {} }] }, 30104, 400)).details ?? '', /no data/);
    assert.match(
      (await api.fails('PostInputs', { user_app_id: uai, inputs: [{ data: { image: { url: 'ftp://example.com/a.png' } } }] }, 30106, 400)).details ?? '',
      /http/,
    );
    assert.match(
      (await api.fails('PostInputs', { user_app_id: uai, inputs: [{ data: { text: { raw: 'x' }, image: { url: 'http://a/b' } } }] }, 30104, 400)).details ?? '',
      /exactly one/,
    );
    assert.match((await api.fails('PostInputs', { user_app_id: uai, inputs: [textInput('v', 'x', [['cat', 0.5]])] }, 30104, 400)).details ?? '', /value/);
    assert.match(
      (await api.fails('PostInputs', { user_app_id: uai, inputs: [{ data: { text: { raw: 'x' } }, dataset_ids: ['nope'] }] }, 30104, 400)).details ?? '',
      /PostDatasets/,
    );
    assert.match((await api.fails('PostInputs', { user_app_id: uai, inputs: [] }, 39999, 400)).details ?? '', /at least one/);
  });

  it('GetInputCount counts per status', async () => {
    const c = (await api.ok('GetInputCount', { user_app_id: uai })).counts;
    assert.ok(c.processed >= 4, JSON.stringify(c));
    assert.ok(c.errors >= 3, JSON.stringify(c));
  });
});
