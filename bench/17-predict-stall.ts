// #12 of issue 17 — does a big image predict stall the API? GetModel p99 over REST (autocannon, a
// steady 100 requests/s on 4 connections: a client, not a saturating load) while another client runs
// PostModelOutputs with 128 images in a loop, against the same GetModel load with no predict running.
// Same server (node dist/cli/main.js serve, MODELKEEP_INFERENCE_THREADS at its default, cores − 1),
// alternating rounds. Target: ≤ 2×. A full run adds, as information, the same subject with
// MODELKEEP_INFERENCE_THREADS=0 (inference on the event loop, as before decision 0039).
import os from 'node:os';
import { defaultInferenceThreads } from '../src/config/config.js';
import { createRng } from '../src/ml/classifier/rng.js';
import { drawImage, KINDS } from '../test/acceptance/pattern-images.js';
import { appPath, appWithModel, type Json } from './lib/fixtures.js';
import { autocannon, type LoadResult, loadNotes, showLoad } from './lib/load.js';
import { alternate, type Bench, type BenchContext, fmtMs, type Row, verdict } from './lib/runner.js';
import { AUTH, type RunningServer, startModelkeep, tempDir } from './lib/servers.js';

const APP = 'stall-app';
const MODEL = 'thresholder';
const RATE = 100;
const PREDICT_PATH = '/v2/users/clarifai/apps/main/models/general-image-embedding/outputs';

interface StallRound {
  load: LoadResult;
  /** Predicts completed while the GetModel load ran (and after it, until the one in flight ended). */
  predicts: number;
  images: number;
  predictSeconds: number;
}

function getModelLoad(server: RunningServer, seconds: number): Promise<LoadResult> {
  return autocannon({
    url: `${server.base}${appPath(APP)}/models/${MODEL}`,
    connections: 4,
    rate: RATE,
    seconds,
    serverPid: server.pid,
    headers: { authorization: AUTH },
  });
}

async function predictOnce(server: RunningServer, body: string, batch: number): Promise<void> {
  const res = await fetch(`${server.base}${PREDICT_PATH}`, { method: 'POST', headers: { authorization: AUTH, 'content-type': 'application/json' }, body });
  const json = (await res.json()) as Json;
  if (res.status !== 200 || json.outputs?.length !== batch) throw new Error(`PostModelOutputs answered ${res.status} ${JSON.stringify(json.status)}`);
}

/** GetModel load while `batch`-image predicts run back to back (one at a time) from this process. */
async function withPredictLoop(server: RunningServer, seconds: number, body: string, batch: number): Promise<StallRound> {
  let stop = false;
  let predicts = 0;
  const t0 = performance.now();
  const loop = (async () => {
    while (!stop) {
      await predictOnce(server, body, batch);
      predicts++;
    }
  })();
  // Let the first predict reach its forward passes before measuring.
  await new Promise((r) => setTimeout(r, 300));
  const load = await getModelLoad(server, seconds);
  stop = true;
  await loop;
  return { load, predicts, images: predicts * batch, predictSeconds: (performance.now() - t0) / 1000 };
}

async function stallServer(ctx: BenchContext, threads: number | undefined, body: string, batch: number): Promise<RunningServer> {
  const server = await startModelkeep({
    dataDir: tempDir('stall'),
    worker: false,
    name: `modelkeep (inference threads ${threads ?? 'default'})`,
    args: threads === undefined ? [] : ['--inference-threads', String(threads)],
  });
  await appWithModel(server.base, APP, MODEL);
  const t0 = performance.now();
  await predictOnce(server, body, batch); // the model load (per thread) is not what this measures
  ctx.progress(`${server.name}: first ${batch}-image predict (with the model load) ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return server;
}

export const predictStallBench: Bench = {
  id: 'predict-stall',
  rows: '#12 (issue 17)',
  title: 'GetModel p99 while PostModelOutputs with 128 images runs in a loop vs without',
  async run(ctx) {
    const batch = ctx.smoke ? 8 : 128;
    const rng = createRng(12);
    const images = await Promise.all(Array.from({ length: batch }, (_, i) => drawImage(KINDS[i % KINDS.length]!, rng)));
    const body = JSON.stringify({ inputs: images.map((b) => ({ data: { image: { base64: b.toString('base64') } } })) });
    const server = await stallServer(ctx, undefined, body, batch);
    const rows: Row[] = [];
    try {
      ctx.progress(
        `GetModel: autocannon ${RATE} req/s on 4 connections, ${ctx.roundSeconds} s rounds; predict: ${batch} images (${(body.length / 1e6).toFixed(1)} MB) per call, back to back; ${defaultInferenceThreads()} inference thread(s)`,
      );
      const r = await alternate<LoadResult | StallRound>(ctx, 'stall', {
        baseline: () => getModelLoad(server, ctx.roundSeconds),
        subject: () => withPredictLoop(server, ctx.roundSeconds, body, batch),
        value: (m) => ('load' in m ? m.load : m).p99Ms,
        show: (m) => ('load' in m ? `${showLoad(m.load)}; ${m.predicts} predicts, ${(m.images / m.predictSeconds).toFixed(1)} images/s` : showLoad(m)),
      });
      const subject = r.subject as StallRound[];
      const bad = subject.reduce((s, m) => s + m.load.bad, 0) + (r.baseline as LoadResult[]).reduce((s, m) => s + m.bad, 0);
      rows.push({
        id: '12 (17)',
        what: `GetModel p99 (REST, ${RATE} req/s) while PostModelOutputs with ${batch} images runs in a loop`,
        baseline: `p99 ${fmtMs(r.baselineMedian)} (no predict)`,
        subject: `p99 ${fmtMs(r.subjectMedian)}`,
        ratio: r.median,
        spread: r.spread,
        target: '≤ 2',
        verdict: bad > 0 ? 'error' : verdict(r.median, '<=', 2),
        notes: [
          ...loadNotes(
            'GetModel with predicts',
            subject.map((m) => m.load),
          ),
          `predict throughput during the rounds: ${subject.map((m) => `${(m.images / m.predictSeconds).toFixed(1)}`).join(', ')} images/s; ${os.availableParallelism()} cores, load average ${os
            .loadavg()
            .map((x) => x.toFixed(1))
            .join(' / ')}`,
        ],
        data: { batch, rate: RATE, baseline: r.baseline, subject },
      });
    } finally {
      await server.stop();
    }
    if (!ctx.smoke) {
      // Before decision 0039: the same subject with inference on the event loop (information, one round).
      const inline = await stallServer(ctx, 0, body, batch);
      try {
        const m = await withPredictLoop(inline, ctx.roundSeconds, body, batch);
        ctx.progress(`MODELKEEP_INFERENCE_THREADS=0: ${showLoad(m.load)}`);
        rows.push({
          id: '12 (17) threads=0',
          what: 'the same with MODELKEEP_INFERENCE_THREADS=0 (inference on the event loop)',
          baseline: '–',
          subject: `p99 ${fmtMs(m.load.p99Ms)}`,
          target: 'information',
          verdict: 'info',
          notes: [`${m.load.total} GetModel answered in ${ctx.roundSeconds} s at a requested ${RATE}/s; ${m.predicts} predicts`],
          data: m,
        });
      } finally {
        await inline.stop();
      }
    }
    return rows;
  },
};
