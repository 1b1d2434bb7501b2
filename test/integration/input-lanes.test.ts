import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { describeBoth, uid } from '../helpers/both.js';
import { waitForInput } from '../helpers/inputs.js';
import { apiOf, newApp } from '../helpers/models.js';

// Issue 18 item 7: image URLs that never answer must not hold inputs that need no fetch (another
// app's text waited 14 s behind one such URL before), and URL inputs are fetched several at once.

describeBoth('input processing: slow URLs have a lane of their own', (h) => {
  const api = apiOf(h);
  let hanging: Server;
  const held: ServerResponse[] = [];
  let base: string;
  let released = false;
  /** Answers every held and later request with 404, so the inputs fail fast and the server stops quickly. */
  const release = (): void => {
    released = true;
    for (const r of held.splice(0)) r.writeHead(404).end();
  };
  before(async () => {
    hanging = createServer((_req, res) => (released ? res.writeHead(404).end() : void held.push(res)));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
  });
  after(async () => {
    release();
    hanging.closeAllConnections();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
  });

  it("16 image URLs that never answer do not delay another app's text input; 8 of them are fetched at once", async () => {
    const slowApp = await newApp(api, uid('slow'));
    const textApp = await newApp(api, uid('text'));
    const urls = Array.from({ length: 16 }, (_, i) => ({ id: `u${i}`, data: { image: { url: `${base}/img${i}.png` } } }));
    await api.ok('PostInputs', { user_app_id: slowApp, inputs: urls });
    const deadline = Date.now() + 5000;
    while (held.length < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(held.length, 8, 'the fetch lane fetches 8 URLs at once');
    const started = Date.now();
    await api.ok('PostInputs', { user_app_id: textApp, inputs: [{ id: 't', data: { text: { raw: 'hello there' } } }] });
    const done = await waitForInput(api, textApp, 't', 10_000);
    assert.equal(done.status.code, 30000);
    assert.ok(Date.now() - started < 5000, `the text input took ${Date.now() - started} ms`);
    const codes = await Promise.all(urls.map(async (u) => (await api.ok('GetInput', { user_app_id: slowApp, input_id: u.id })).input.status.code));
    assert.deepEqual(codes.filter((c) => c === 30003).length, 8, 'eight URL inputs are being fetched');
    assert.deepEqual(codes.filter((c) => c === 30001).length, 8, 'eight wait for the fetch lane');
    release();
    for (const u of urls) assert.equal((await waitForInput(api, slowApp, u.id, 10_000)).status.code, 30002);
  });
});
