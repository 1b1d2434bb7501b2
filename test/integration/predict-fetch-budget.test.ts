import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import sharp from 'sharp';
import { describeBoth, uid } from '../helpers/both.js';
import { waitForInput } from '../helpers/inputs.js';
import { apiOf, newApp } from '../helpers/models.js';

// Issue 18 item 3 (docs/decisions/0038): every URL download of a process reserves its bytes from one
// budget, MODELKEEP_FETCH_BUDGET_MB, and holds them until they are dropped. With a budget of 1 MiB and
// images of ~350 KB, two concurrent PostModelOutputs of 10 image URLs each (20 × 350 KB = 7 MB if held
// at once) must never hold more than 1 MiB, and still answer every input.

const BUDGET = 1024 * 1024;

/** An uncompressed PNG of noise: about `side² × 3` bytes, and a real image the embedder decodes. */
async function noisePng(side: number): Promise<Buffer> {
  return sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

/**
 * Serves `/cl/<name>` with a Content-Length and `/chunked/<name>` without one (64 KB chunks, a few ms
 * apart), so both ways of reserving are exercised. Counts the GETs of each path.
 */
async function imageServer(files: Record<string, Buffer>): Promise<{ base: string; gets: Map<string, number>; close(): Promise<void> }> {
  const gets = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const [, how, name] = (req.url ?? '').split('?')[0]!.split('/');
    const body = files[name ?? ''];
    gets.set(req.url ?? '', (gets.get(req.url ?? '') ?? 0) + 1);
    if (!body) return void res.writeHead(404).end();
    if (how === 'cl') return void res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length }).end(body);
    res.writeHead(200, { 'content-type': 'image/png' });
    let at = 0;
    const next = (): void => {
      if (res.destroyed) return;
      if (at >= body.length) return void res.end();
      res.write(body.subarray(at, at + 65536));
      at += 65536;
      setTimeout(next, 2);
    };
    next();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    gets,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The value of an unlabelled gauge in a Prometheus scrape. */
const gauge = (text: string, name: string): number => {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  assert.ok(m, `${name} in /metrics`);
  return Number(m[1]);
};

describeBoth(
  'MODELKEEP_FETCH_BUDGET_MB bounds the bytes of URL downloads a process holds',
  (h) => {
    const api = apiOf(h);
    let files: Awaited<ReturnType<typeof imageServer>>;
    let imageBytes = 0;
    before(async () => {
      const images = await Promise.all([noisePng(350), noisePng(350), noisePng(350)]);
      imageBytes = Math.min(...images.map((b) => b.length));
      files = await imageServer({ a: images[0]!, b: images[1]!, c: images[2]!, huge: await noisePng(640) });
    });
    after(() => files.close());

    const predict = (inputs: object[]) =>
      api.call('PostModelOutputs', { user_app_id: { user_id: 'clarifai', app_id: 'main' }, model_id: 'general-image-embedding', inputs });

    // First, so the peak it checks is input processing's own: the budget is the process's, not predict's.
    it('input processing reserves from the same budget: 6 image URLs are processed without holding more than it', async () => {
      const uai = await newApp(api, uid('budget'));
      const ids = Array.from({ length: 6 }, (_, i) => `p${i}`);
      await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: ids.map((id, i) => ({ id, data: { image: { url: `${files.base}/cl/${'abc'[i % 3]}?${id}` } } })),
      });
      for (const id of ids) assert.equal((await waitForInput(api, uai, id)).status.code, 30000, id);
      const budget = h.server.fetchBudget;
      assert.ok(budget.peak >= imageBytes, `input processing reserved its downloads (peak ${budget.peak})`);
      assert.ok(budget.peak <= BUDGET, `peak ${budget.peak} over the budget`);
      assert.equal(budget.used, 0);
    });

    it('two concurrent predicts of 10 large images each never hold more than the budget, and every input succeeds', async () => {
      assert.ok(imageBytes > 300_000 && 3 * imageBytes > BUDGET, `each image is about a third of the budget (${imageBytes} bytes)`);
      const inputsOf = (tag: string) =>
        Array.from({ length: 10 }, (_, i) => ({
          id: `${tag}${i}`,
          // Two of each ten without a Content-Length: reserved chunk by chunk as they arrive.
          data: { image: { url: `${files.base}/${i % 5 === 4 ? 'chunked' : 'cl'}/${'abc'[i % 3]}?${tag}${i}` } },
        }));
      const [one, two] = await Promise.all([predict(inputsOf('x')), predict(inputsOf('y'))]);
      for (const [tag, res] of [
        ['x', one],
        ['y', two],
      ] as const) {
        const failed = (res.body.outputs ?? []).filter((o: { status: { code: number } }) => o.status.code !== 10000);
        assert.equal(
          res.body.status.code,
          10000,
          JSON.stringify(failed.length > 0 ? failed.map((o: { input: { id: string }; status: object }) => [o.input.id, o.status]) : res.body.status),
        );
        assert.deepEqual(
          res.body.outputs.map((o: { input: { id: string }; status: { code: number } }) => [o.input.id, o.status.code]),
          Array.from({ length: 10 }, (_, i) => [`${tag}${i}`, 10000]),
        );
      }
      const metrics = await (await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`)).text();
      const peak = gauge(metrics, 'modelkeep_fetch_bytes_in_flight_peak');
      assert.equal(gauge(metrics, 'modelkeep_fetch_budget_bytes'), BUDGET);
      assert.ok(peak <= BUDGET, `peak ${peak} bytes held at once, over the ${BUDGET}-byte budget`);
      // The budget was actually contended (two images at once), so the bound above is what held it down.
      assert.ok(peak >= 2 * imageBytes, `peak ${peak}: the downloads did overlap`);
      assert.equal(gauge(metrics, 'modelkeep_fetch_bytes_in_flight'), 0, 'every reservation was given back');
      assert.equal(gauge(metrics, 'modelkeep_fetch_budget_waiting'), 0);
      assert.equal(h.server.fetchBudget.peak, peak);
      // A predict group that holds budget does not wait for more (two such groups could wait for each other
      // forever): its downloads that found no room were given up and fetched again once it had predicted.
      const gets = [...files.gets.values()].reduce((a, b) => a + b, 0);
      assert.ok(gets > 20, `${gets} GETs for 20 inputs: some downloads were deferred`);
    });

    it('PostWorkflowResults holds its downloads in the same budget: two concurrent runs of 10 large images each', async () => {
      const uai = await newApp(api, uid('budget-wf'));
      const node = { id: 'embed', model: { id: 'general-image-embedding', user_id: 'clarifai', app_id: 'main' } };
      await api.ok('PostWorkflows', { user_app_id: uai, workflows: [{ id: 'images', nodes: [node] }] });
      const before = h.server.fetchBudget.peak;
      const run = (tag: string) =>
        api.call('PostWorkflowResults', {
          user_app_id: uai,
          workflow_id: 'images',
          inputs: Array.from({ length: 10 }, (_, i) => ({ id: `${tag}${i}`, data: { image: { url: `${files.base}/cl/${'abc'[i % 3]}?${tag}${i}` } } })),
        });
      const [one, two] = await Promise.all([run('wa'), run('wb')]);
      for (const [tag, res] of [
        ['wa', one],
        ['wb', two],
      ] as const) {
        assert.equal(res.body.status.code, 10000, JSON.stringify(res.body.results?.[0]?.outputs?.[0]?.status ?? res.body.status));
        assert.deepEqual(
          res.body.results.map((r: { input: { id: string }; outputs: { status: { code: number } }[] }) => [r.input.id, r.outputs[0]!.status.code]),
          Array.from({ length: 10 }, (_, i) => [`${tag}${i}`, 10000]),
        );
      }
      assert.ok(h.server.fetchBudget.peak <= BUDGET, `peak ${h.server.fetchBudget.peak} over the budget (before: ${before})`);
      assert.equal(h.server.fetchBudget.used, 0, 'every reservation was given back');
      // Only a run that holds its group's bytes until they are predicted defers a download it has no room
      // for (a download without a hold waits instead): so refetches show the run is under the budget's holds.
      const gets = [...files.gets.entries()].filter(([url]) => /\?w[ab]\d/.test(url)).reduce((n, [, c]) => n + c, 0);
      assert.ok(gets > 20, `${gets} GETs for the 20 workflow inputs: no download was deferred, so the run held no budget`);
    });

    it('an image larger than the whole budget fails alone with 30002 naming the setting; the others are answered', async () => {
      const res = await predict([
        { id: 'big', data: { image: { url: `${files.base}/cl/huge` } } },
        { id: 'big-chunked', data: { image: { url: `${files.base}/chunked/huge` } } },
        { id: 'fine', data: { image: { url: `${files.base}/cl/a` } } },
      ]);
      assert.equal(res.body.status.code, 10010, JSON.stringify(res.body.status));
      const [big, bigChunked, fine] = res.body.outputs;
      for (const o of [big, bigChunked]) {
        assert.equal(o.status.code, 30002);
        assert.match(o.status.details, /larger than the server's download budget \(MODELKEEP_FETCH_BUDGET_MB=1\)/);
        assert.match(o.status.details, /raise MODELKEEP_FETCH_BUDGET_MB/);
      }
      assert.equal(fine.status.code, 10000);
      assert.equal(h.server.fetchBudget.used, 0);
    });
  },
  { MODELKEEP_FETCH_BUDGET_MB: '1' },
);
