import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { describeBoth, uid } from '../helpers/both.js';
import type { ApiObject } from '../helpers/clients.js';
import { pngBase64, waitForInput } from '../helpers/inputs.js';
import { apiOf, newApp } from '../helpers/models.js';

// Issue 18 item 6: the server must not fetch loopback, link-local, … URLs for a caller (SSRF), checked
// on the address of every connection and redirect hop, before any connection is made.

/** A server that counts the requests it got; `/img` answers a PNG, `/hop?to=…` redirects there. */
async function countingServer(host: string, png: Buffer): Promise<{ base: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/hop') res.writeHead(302, { location: u.searchParams.get('to') ?? '/' }).end();
    else res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return { base: `http://${host}:${port}`, hits: () => hits, close: () => new Promise((r) => server.close(() => r())) };
}

const SYSTEM = { user_id: 'clarifai', app_id: 'main' };

describeBoth(
  'URL fetches refuse loopback, link-local and the server itself (default policy)',
  (h) => {
    const api = apiOf(h);
    let target: Awaited<ReturnType<typeof countingServer>>;
    let opened: Awaited<ReturnType<typeof countingServer>>;
    let uai: ApiObject;
    before(async () => {
      const png = Buffer.from(await pngBase64([200, 30, 30]), 'base64');
      target = await countingServer('127.0.0.1', png);
      // 127.0.0.2 is opened by this suite's MODELKEEP_FETCH_ALLOW: an "allowed" host that redirects to a refused one.
      opened = await countingServer('127.0.0.2', png);
      uai = await newApp(api, uid('ssrf'));
    });
    after(async () => {
      await target?.close();
      await opened?.close();
    });

    const predictUrl = async (url: string): Promise<ApiObject> => {
      const r = await api.call('PostModelOutputs', { user_app_id: SYSTEM, model_id: 'general-image-embedding', inputs: [{ data: { image: { url } } }] });
      assert.equal(r.body.status.code, 10020, JSON.stringify(r.body.status));
      return r.body.outputs[0].status;
    };

    it('predict: loopback by IP, by name, IPv6 and IPv4-mapped, and 169.254.169.254 end in 30002 naming the setting; nothing is fetched', async () => {
      const port = new URL(target.base).port;
      const cases: Array<[string, RegExp]> = [
        [`${target.base}/img`, /127\.0\.0\.1 is a loopback address/],
        [`http://localhost:${port}/img`, /localhost resolves to .*loopback/],
        [`http://[::1]:${port}/img`, /::1 is a loopback/],
        [`http://[::ffff:127.0.0.1]:${port}/img`, /127\.0\.0\.1 is a loopback/],
        ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a linkLocal address/],
        [`http://0.0.0.0:${port}/img`, /unspecified/],
      ];
      for (const [url, reason] of cases) {
        const s = await predictUrl(url);
        assert.equal(s.code, 30002, url);
        assert.match(s.details, reason, url);
        assert.match(s.details, /MODELKEEP_FETCH_ALLOW/, url);
        assert.match(s.details, /was not fetched/, url);
      }
      assert.equal(target.hits(), 0, 'the loopback server was reached');
    });

    it('a redirect from an allowed host to a refused one is refused at the hop', async () => {
      const s = await predictUrl(`${opened.base}/hop?to=${encodeURIComponent(`${target.base}/img`)}`);
      assert.equal(s.code, 30002);
      assert.match(s.details, /127\.0\.0\.1 is a loopback/);
      assert.equal(opened.hits(), 1);
      assert.equal(target.hits(), 0);
    });

    it('an opened range is fetched (MODELKEEP_FETCH_ALLOW)', async () => {
      const r = await api.ok('PostModelOutputs', {
        user_app_id: SYSTEM,
        model_id: 'general-image-embedding',
        inputs: [{ data: { image: { url: `${opened.base}/img` } } }],
      });
      assert.equal(r.outputs[0].data.embeddings[0].num_dimensions, 1280);
    });

    it('PostInputs: a loopback image URL ends the input in 30002 with the same details; nothing is fetched', async () => {
      await api.ok('PostInputs', { user_app_id: uai, inputs: [{ id: 'local', data: { image: { url: `${target.base}/img` } } }] });
      const input = await waitForInput(api, uai, 'local');
      assert.equal(input.status.code, 30002);
      assert.match(input.status.details, /127\.0\.0\.1 is a loopback address.*MODELKEEP_FETCH_ALLOW/);
      assert.equal(target.hits(), 0);
    });
  },
  { MODELKEEP_FETCH_ALLOW: '127.0.0.2/32' },
);
