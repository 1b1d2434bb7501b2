// #18 rss — memory of one PostModelOutputs of 128 image URLs (issue 18 item 3: 24 URLs once took RSS
// from 448 to 966 MiB). The server (`serve --no-worker`, default MODELKEEP_FETCH_BUDGET_MB) predicts with
// general-image-embedding, fetching the URLs from a 127.0.0.1 image server in this process; its RSS is
// sampled every 20 ms. Reported: RSS idle once the image model is loaded (a 1-URL predict first, so the
// row measures downloads and decoding, not the model's weights), peak RSS during the 128-URL call, and
// their difference and ratio. Smoke mode: 8 small images, to check that it completes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { api, type Json } from './lib/fixtures.js';
import { ProcSampler, rssBytes, sleep } from './lib/proc.js';
import { type Bench, fmtMiB, type Row } from './lib/runner.js';
import { startModelkeep, tempDir } from './lib/servers.js';

const URLS = 128;
/** Distinct images served (each under URLS / DISTINCT paths; every URL is fetched on its own). */
const DISTINCT = 8;

/** A PNG of noise (it hardly compresses): about side² × 3 bytes. Seeded, so every run serves the same bytes. */
async function noisePng(side: number, seed: number): Promise<Buffer> {
  const raw = Buffer.alloc(side * side * 3);
  let s = seed >>> 0;
  for (let i = 0; i < raw.length; i++) raw[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24;
  return sharp(raw, { raw: { width: side, height: side, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

async function imageServer(images: Buffer[]): Promise<{ base: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const n = Number((req.url ?? '').split('/').pop());
    const body = images[n % images.length];
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const PREDICT = '/v2/users/clarifai/apps/main/models/general-image-embedding/outputs';

export const urlRssBench: Bench = {
  id: 'url-rss',
  rows: '#18 rss',
  title: 'RSS during one PostModelOutputs of 128 image URLs vs idle',
  async run(ctx) {
    const count = ctx.smoke ? 8 : URLS;
    const side = ctx.smoke ? 128 : 800; // ~50 KB / ~1.9 MB per image
    const images = await Promise.all(Array.from({ length: DISTINCT }, (_, i) => noisePng(side, i + 1)));
    const files = await imageServer(images);
    const server = await startModelkeep({ dataDir: tempDir('url-rss'), worker: false, args: ['--fetch-allow', '127.0.0.1/32'] });
    try {
      const coldIdle = rssBytes(server.pid) ?? Number.NaN;
      // Loads the image model (its weights are not what this row is about).
      await api(server.base, 'POST', PREDICT, { inputs: [{ data: { image: { url: `${files.base}/img/0` } } }] });
      await sleep(ctx.smoke ? 200 : 1500);
      const idle = rssBytes(server.pid) ?? Number.NaN;
      const inputs = Array.from({ length: count }, (_, i) => ({ id: `u${i}`, data: { image: { url: `${files.base}/img/${i}` } } }));
      const sampler = new ProcSampler({ server: server.pid }, 20);
      const t0 = performance.now();
      const answer = await api(server.base, 'POST', PREDICT, { inputs });
      const seconds = (performance.now() - t0) / 1000;
      const peak = sampler.stop().server?.peakRss ?? Number.NaN;
      const failed = (answer.outputs as Json[]).filter((o) => o.status.code !== 10000);
      if (answer.outputs.length !== count || failed.length > 0)
        throw new Error(`PostModelOutputs of ${count} URLs: ${failed.length} outputs failed, e.g. ${JSON.stringify(failed[0]?.status ?? answer.status)}`);
      const downloaded = images.reduce((n, b) => n + b.length, 0) * (count / DISTINCT);
      ctx.progress(
        `${count} URLs (${fmtMiB(downloaded)} in all) predicted in ${seconds.toFixed(1)} s; RSS idle ${fmtMiB(idle)} (cold ${fmtMiB(coldIdle)}), peak ${fmtMiB(peak)}`,
      );
      const row: Row = {
        id: '18 rss',
        what: `peak RSS during one PostModelOutputs of ${count} image URLs${ctx.smoke ? ' (smoke: small images)' : ''} vs RSS idle (model loaded)`,
        baseline: `${fmtMiB(idle)} idle`,
        subject: `${fmtMiB(peak)} peak (+${fmtMiB(peak - idle)})`,
        ratio: peak / idle,
        target: '– (reported; downloads bounded by URL_GROUP per request, MODELKEEP_FETCH_BUDGET_MB per process)',
        verdict: 'info',
        notes: [
          `${count} URLs of ~${Math.round(images[0]!.length / 1024).toLocaleString('en-US')} KB (${fmtMiB(downloaded)} downloaded in all) in ${seconds.toFixed(1)} s; RSS right after start ${fmtMiB(coldIdle)}`,
        ],
        data: { count, imageBytes: images.map((b) => b.length), coldIdle, idle, peak, difference: peak - idle, seconds },
      };
      return [row];
    } finally {
      await server.stop();
      await files.close();
    }
  },
};
