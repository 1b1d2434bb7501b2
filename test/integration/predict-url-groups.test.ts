import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { URL_GROUP } from '../../src/service/predict/input-data.js';
import { describeBoth } from '../helpers/both.js';
import { pngBase64 } from '../helpers/inputs.js';
import { apiOf } from '../helpers/models.js';

// Issue 18 item 3: a PostModelOutputs with many image URLs must not hold every download until all are
// done (24 URLs took RSS from 448 to 966 MiB). Inputs with URLs are fetched and predicted URL_GROUP at a
// time; a group's bytes are let go before the next group is fetched.

/** Serves a PNG at /img/<n>, the first one slowly, and records when each request started and ended. */
async function slowFirstServer(png: Buffer): Promise<{ base: string; events: string[]; close(): Promise<void> }> {
  const events: string[] = [];
  const server: Server = createServer((req, res) => {
    const n = Number(req.url?.split('/').pop());
    events.push(`start ${n}`);
    setTimeout(
      () => {
        events.push(`end ${n}`);
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png);
      },
      n === 0 ? 400 : 10,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, events, close: () => new Promise((r) => server.close(() => r())) };
}

describeBoth('PostModelOutputs fetches image URLs a group at a time', (h) => {
  const api = apiOf(h);
  let files: Awaited<ReturnType<typeof slowFirstServer>>;
  before(async () => {
    files = await slowFirstServer(Buffer.from(await pngBase64([30, 200, 30]), 'base64'));
  });
  after(() => files.close());

  it(`the input after the first ${URL_GROUP} is fetched only once all of them are done; every output succeeds, in order`, async () => {
    const n = URL_GROUP * 2 + 3;
    const body = await api.ok('PostModelOutputs', {
      user_app_id: { user_id: 'clarifai', app_id: 'main' },
      model_id: 'general-image-embedding',
      inputs: Array.from({ length: n }, (_, i) => ({ id: `in${i}`, data: { image: { url: `${files.base}/img/${i}` } } })),
    });
    assert.deepEqual(
      body.outputs.map((o: { input: { id: string } }) => o.input.id),
      Array.from({ length: n }, (_, i) => `in${i}`),
    );
    assert.ok(body.outputs.every((o: { status: { code: number } }) => o.status.code === 10000));
    const slowEnd = files.events.indexOf('end 0');
    const nextStart = files.events.indexOf(`start ${URL_GROUP}`);
    assert.ok(slowEnd >= 0 && nextStart > slowEnd, `input ${URL_GROUP} started before input 0 (slow) finished: ${files.events.join(', ')}`);
    for (let i = 1; i < URL_GROUP; i++) assert.ok(files.events.indexOf(`start ${i}`) < slowEnd, `input ${i} is in the first group`);
  });
});
