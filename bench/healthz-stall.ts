// #18 healthz — does one request of the worst allowed kind stall the process? Issue 18 item 2: a
// DeleteModels of 4,000 ids once moved /healthz to 6.6 s. For each kind below, /healthz p99 (autocannon,
// its own process, a steady 50 requests/s on 2 connections: a watcher, not a load) while this process
// sends that request back to back, against /healthz alone; alternating rounds on one server
// (`serve --no-worker`, so no input processing or training runs beside it). Target: p99 ≤ 100 ms for
// every kind (an absolute figure, so read it only from an unloaded run). The kinds carry the most that
// src/domain/limits.ts and MAX_JSON_DEPTH allow: 128 ids, inputs, labels per input, image URLs, a
// 256-character name query, metadata 32 levels deep.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import sharp from 'sharp';
import { MAX_ITEMS_PER_CALL, MAX_LABELS_PER_INPUT, MAX_SEARCH_TEXT_CHARS } from '../src/domain/limits.js';
import { MAX_JSON_DEPTH } from '../src/proto/json-guard.js';
import { api, appPath, type Json } from './lib/fixtures.js';
import { autocannon, type LoadResult, loadNotes, showLoad } from './lib/load.js';
import { alternate, type Bench, type BenchContext, fmtMs, median, type Row, verdict } from './lib/runner.js';
import { AUTH, type RunningServer, startModelkeep, tempDir } from './lib/servers.js';

const APP = 'stall';
const RATE = 50;
const N = MAX_ITEMS_PER_CALL;
/** Models in the app ListModels searches. */
const MODELS = 256;
const PREDICT = '/v2/users/clarifai/apps/main/models/general-image-embedding/outputs';

/** One request of a kind: method, path and body (a fresh one per call where ids must not repeat). */
interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: () => string;
}

interface Kind {
  id: string;
  what: string;
  call: Call;
}

interface StallRound {
  load: LoadResult;
  calls: number;
  /** Calls answered 5xx or not at all (any 4xx is the request's own answer, e.g. 21200 for unknown ids). */
  failed: number;
  callMs: number[];
}

let seq = 0;
const fresh = (p: string): string => `${p}-${process.pid}-${++seq}`;

/** The most labels one input may carry: concept ids l000 … l127, half positive. */
const labels = Array.from({ length: MAX_LABELS_PER_INPUT }, (_, i) => ({ id: `l${String(i).padStart(3, '0')}`, value: i % 2 }));

/** Metadata nested MAX_JSON_DEPTH levels (the deepest accepted), 64 keys wide at every level. */
function deepMetadata(): Json {
  let v: Json = { leaf: 'x'.repeat(64) };
  for (let d = 1; d < MAX_JSON_DEPTH; d++) {
    const level: Json = { next: v };
    for (let k = 0; k < 63; k++) level[`k${k}`] = `value ${d}/${k}`;
    v = level;
  }
  return v;
}

const DEEP = deepMetadata();

async function send(server: RunningServer, c: Call): Promise<number> {
  const res = await fetch(server.base + c.path, {
    method: c.method,
    headers: { authorization: AUTH, ...(c.body ? { 'content-type': 'application/json' } : {}) },
    body: c.body?.(),
    signal: AbortSignal.timeout(120_000),
  });
  await res.arrayBuffer();
  return res.status;
}

function watchHealthz(server: RunningServer, seconds: number): Promise<LoadResult> {
  return autocannon({ url: `${server.base}/healthz`, connections: 2, rate: RATE, seconds, serverPid: server.pid });
}

/** /healthz watched while `call` is sent back to back (one at a time) from this process. */
async function duringCalls(server: RunningServer, seconds: number, call: Call): Promise<StallRound> {
  let stop = false;
  let calls = 0;
  let failed = 0;
  const callMs: number[] = [];
  const loop = (async () => {
    while (!stop) {
      const t = performance.now();
      const status = await send(server, call).catch(() => 0);
      callMs.push(performance.now() - t);
      calls++;
      if (status === 0 || status >= 500) failed++;
    }
  })();
  await new Promise((r) => setTimeout(r, 200));
  const load = await watchHealthz(server, seconds);
  stop = true;
  await loop;
  return { load, calls, failed, callMs };
}

async function imageServer(): Promise<{ base: string; close(): Promise<void> }> {
  const images = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      sharp({ create: { width: 224, height: 224, channels: 3, background: { r: 30 * i, g: 255 - 30 * i, b: 90 } } })
        .png()
        .toBuffer(),
    ),
  );
  const server: Server = createServer((req, res) => {
    const body = images[Number((req.url ?? '').split('/').pop()) % images.length]!;
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

/** The app the kinds work on: MODELS models, a dataset of `datasetInputs` inputs with 128 labels each. */
async function seed(ctx: BenchContext, server: RunningServer, datasetInputs: number): Promise<void> {
  await api(server.base, 'POST', '/v2/users/me/apps', { apps: [{ id: APP }] });
  // PostModels creates one model per call.
  for (let i = 0; i < MODELS; i++)
    await api(server.base, 'POST', `${appPath(APP)}/models`, {
      models: [{ id: `m${i}`, name: `model ${i} of the stall app`, model_type_id: 'concept-thresholder' }],
    });
  await api(server.base, 'POST', `${appPath(APP)}/datasets`, { datasets: [{ id: 'ds' }] });
  for (let from = 0; from < datasetInputs; from += N)
    await api(server.base, 'POST', `${appPath(APP)}/inputs`, {
      inputs: Array.from({ length: Math.min(N, datasetInputs - from) }, (_, i) => ({
        id: `d${from + i}`,
        data: { text: { raw: `input ${from + i}` }, concepts: labels },
        dataset_ids: ['ds'],
      })),
    });
  ctx.progress(`seeded ${APP}: ${MODELS} models, dataset ds of ${datasetInputs} inputs × ${MAX_LABELS_PER_INPUT} labels`);
}

function kinds(images: string, smoke: boolean): Kind[] {
  const urls = smoke ? 8 : N;
  const nameQuery = 'model 1 of the stall app '.repeat(20).slice(0, MAX_SEARCH_TEXT_CHARS);
  return [
    {
      id: 'delete-models',
      what: `DeleteModels of ${N} unknown ids`,
      call: { method: 'DELETE', path: `${appPath(APP)}/models`, body: () => JSON.stringify({ ids: Array.from({ length: N }, () => fresh('gone')) }) },
    },
    {
      id: 'dataset-version',
      what: `PostDatasetVersions of a dataset whose inputs carry ${MAX_LABELS_PER_INPUT} labels each`,
      call: { method: 'POST', path: `${appPath(APP)}/datasets/ds/versions`, body: () => JSON.stringify({ dataset_versions: [{ id: fresh('v') }] }) },
    },
    {
      id: 'post-inputs',
      what: `PostInputs of ${N} inputs × ${MAX_LABELS_PER_INPUT} concepts`,
      call: {
        method: 'POST',
        path: `${appPath(APP)}/inputs`,
        body: () =>
          JSON.stringify({ inputs: Array.from({ length: N }, () => ({ id: fresh('i'), data: { text: { raw: 'a labelled text' }, concepts: labels } })) }),
      },
    },
    {
      id: 'list-models-name',
      what: `ListModels with a ${MAX_SEARCH_TEXT_CHARS}-character name query (${MODELS} models)`,
      call: { method: 'GET', path: `${appPath(APP)}/models?per_page=128&name=${encodeURIComponent(nameQuery)}` },
    },
    {
      id: 'deep-metadata',
      what: `PostModels of a model with metadata ${MAX_JSON_DEPTH} levels deep, 64 keys wide`,
      call: {
        method: 'POST',
        path: `${appPath(APP)}/models`,
        body: () => JSON.stringify({ models: [{ id: fresh('deep'), model_type_id: 'concept-thresholder', metadata: DEEP }] }),
      },
    },
    {
      id: 'predict-urls',
      what: `PostModelOutputs of ${urls} image URLs (224 px PNGs from a 127.0.0.1 server)`,
      call: {
        method: 'POST',
        path: PREDICT,
        body: () => JSON.stringify({ inputs: Array.from({ length: urls }, (_, i) => ({ data: { image: { url: `${images}/img/${seq++ * urls + i}` } } })) }),
      },
    },
  ];
}

export const healthzStallBench: Bench = {
  id: 'healthz-stall',
  rows: '#18 healthz',
  title: '/healthz p99 while the worst allowed request of each kind runs back to back vs /healthz alone',
  async run(ctx) {
    const files = await imageServer();
    const server = await startModelkeep({ dataDir: tempDir('healthz-stall'), worker: false, args: ['--fetch-allow', '127.0.0.1/32'] });
    const rows: Row[] = [];
    try {
      await seed(ctx, server, ctx.smoke ? N : 4 * N);
      // HEALTHZ_KINDS=post-inputs,dataset-version measures only those kinds (before/after runs of one fix).
      const only = process.env.HEALTHZ_KINDS?.split(',');
      const all = kinds(files.base, ctx.smoke).filter((k) => !only || only.includes(k.id));
      // The image model loads on its first predict: not what the row measures.
      const predict = all.find((k) => k.id === 'predict-urls');
      if (predict && (await send(server, predict.call)) !== 200) throw new Error('the first PostModelOutputs of image URLs failed');
      for (const kind of all) {
        const status = await send(server, kind.call);
        if (status >= 500) throw new Error(`${kind.what}: HTTP ${status}`);
        ctx.progress(`${kind.id}: ${kind.what} (HTTP ${status}); /healthz by autocannon at ${RATE} req/s, ${ctx.roundSeconds} s rounds`);
        const r = await alternate<LoadResult | StallRound>(ctx, kind.id, {
          baseline: () => watchHealthz(server, ctx.roundSeconds),
          subject: () => duringCalls(server, ctx.roundSeconds, kind.call),
          value: (m) => ('load' in m ? m.load : m).p99Ms,
          show: (m) => ('load' in m ? `${showLoad(m.load)}; ${m.calls} calls, median ${fmtMs(median(m.callMs))} each` : showLoad(m)),
        });
        const subject = r.subject as StallRound[];
        const bad = subject.reduce((s, m) => s + m.failed + m.load.bad, 0) + (r.baseline as LoadResult[]).reduce((s, m) => s + m.bad, 0);
        rows.push({
          id: `18 healthz ${kind.id}`,
          what: `/healthz p99 during ${kind.what}, back to back`,
          baseline: `p99 ${fmtMs(r.baselineMedian)} (alone)`,
          subject: `p99 ${fmtMs(r.subjectMedian)}`,
          ratio: r.median,
          spread: r.spread,
          target: 'p99 ≤ 100 ms',
          verdict: bad > 0 ? 'error' : ctx.smoke ? 'info' : verdict(r.subjectMedian, '<=', 100),
          notes: [
            ...loadNotes(
              `/healthz during ${kind.id}`,
              subject.map((m) => m.load),
            ),
            `${subject.map((m) => m.calls).join(', ')} calls per round, median ${fmtMs(median(subject.flatMap((m) => m.callMs)))} each; ${bad} failed; load average ${os
              .loadavg()
              .map((x) => x.toFixed(1))
              .join(' / ')}`,
          ],
          data: { kind: kind.id, baseline: r.baseline, subject: subject.map((m) => ({ ...m.load, calls: m.calls, failed: m.failed, callMs: m.callMs })) },
        });
      }
    } finally {
      await server.stop();
      await files.close();
    }
    return rows;
  },
};
