// #16 — PostModelOutputs with 128 texts on an uploaded ONNX model (a 2048 → 16 softmax head over the
// built-in text embedder, uploaded through the REST upload route), against the text embedder and
// onnxruntime-node called in-process on the same texts and the same graph
// (bench/baselines/inprocess-onnx.mjs). One request at a time, so the ratio is the API's overhead on
// an uploaded model. Target (issue 16): ≤ 1.25×.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { zipPackage } from '../test/helpers/model-package.js';
import { linearModel } from '../test/helpers/onnx-graph.js';
import { topicTexts } from './07-predict.js';
import { api, appPath, type Json } from './lib/fixtures.js';
import { autocannon, type LoadResult, loadNotes } from './lib/load.js';
import { REPO_ROOT, run, sleep } from './lib/proc.js';
import { alternate, type Bench, fmtMs, type Row, verdict } from './lib/runner.js';
import { AUTH, startModelkeep, tempDir } from './lib/servers.js';

const APP = 'onnx-app';
const MODEL = 'onnx-topics';
const BATCH = 128;
const DIM = 2048;
const CONCEPTS = Array.from({ length: 16 }, (_, i) => `c${i}`);
const INPROCESS = path.join(REPO_ROOT, 'bench', 'baselines', 'inprocess-onnx.mjs');

interface InProcess {
  calls: number;
  ms_per_call: number;
}

export const onnxPredictBench: Bench = {
  id: 'onnx',
  rows: '#16',
  title: 'PostModelOutputs 128 texts on an uploaded ONNX model vs in-process onnxruntime',
  async run(ctx) {
    const dataDir = tempDir('onnx');
    const server = await startModelkeep({ dataDir, worker: true });
    try {
      const w = Array.from({ length: DIM }, (_, i) => CONCEPTS.map((_, j) => Math.sin(i * 0.37 + j) * 0.2));
      const graph = linearModel(
        w,
        CONCEPTS.map(() => 0),
        { softmax: false },
      );
      const graphFile = path.join(ctx.tmp, 'onnx-head.onnx');
      writeFileSync(graphFile, graph);
      const pkg = await zipPackage({
        'model.onnx': graph,
        'config.json': JSON.stringify({
          input: { kind: 'embedding', name: 'x', size: DIM },
          output: { kind: 'concepts', name: 'y', concepts: CONCEPTS, activation: 'softmax' },
        }),
      });
      await api(server.base, 'POST', '/v2/users/bench/apps', { apps: [{ id: APP }] });
      await api(server.base, 'POST', `${appPath(APP)}/models`, { model: { id: MODEL, model_type_id: 'text-classifier' } });
      const up = await fetch(`${server.base}${appPath(APP)}/models/${MODEL}/versions/upload?version_id=v1`, {
        method: 'POST',
        headers: { authorization: AUTH, 'content-type': 'application/octet-stream' },
        body: new Uint8Array(pkg),
      });
      const answer = (await up.json()) as Json;
      if (answer.status?.code !== 21107) throw new Error(`upload answered ${JSON.stringify(answer.status)}`);
      for (let deadline = Date.now() + 60_000; ; await sleep(100)) {
        const v = (await api(server.base, 'GET', `${appPath(APP)}/models/${MODEL}/versions/v1`)).model_version as Json;
        if (v.status.code === 21100) break;
        if (v.status.code !== 21107 || Date.now() > deadline) throw new Error(`the uploaded version ended in ${JSON.stringify(v.status)}`);
      }
      const texts = topicTexts(BATCH, 16).map((t) => t.text);
      const textsFile = path.join(ctx.tmp, 'onnx-texts.json');
      writeFileSync(textsFile, JSON.stringify(texts));
      const body = JSON.stringify({ inputs: texts.map((t) => ({ data: { text: { raw: t } } })) });
      const check = await api(server.base, 'POST', `${appPath(APP)}/models/${MODEL}/outputs`, JSON.parse(body) as Json);
      if ((check.outputs as Json[]).length !== BATCH || (check.outputs as Json[]).some((o) => (o.data?.concepts ?? []).length !== CONCEPTS.length)) {
        throw new Error(`PostModelOutputs answered ${JSON.stringify(check).slice(0, 300)}`);
      }
      ctx.progress(`uploaded ${pkg.length} bytes as version v1 (21100); rounds of ${ctx.roundSeconds} s, one call at a time`);
      const r = await alternate<LoadResult | InProcess>(ctx, 'onnx', {
        baseline: async () =>
          JSON.parse(
            (await run(process.execPath, [INPROCESS, '--model', graphFile, '--texts', textsFile, '--seconds', String(ctx.roundSeconds)])).stdout.trim(),
          ) as InProcess,
        subject: () =>
          autocannon({
            url: `${server.base}${appPath(APP)}/models/${MODEL}/outputs`,
            method: 'POST',
            connections: 1,
            seconds: ctx.roundSeconds,
            body,
            serverPid: server.pid,
            headers: { authorization: AUTH, 'content-type': 'application/json' },
          }),
        value: (m) => ('ms_per_call' in m ? m.ms_per_call : 1000 / m.rps),
        show: (m) =>
          'ms_per_call' in m
            ? `${fmtMs(m.ms_per_call)} per 128 texts (${m.calls} calls, in-process)`
            : `${fmtMs(1000 / m.rps)} per call, p99 ${fmtMs(m.p99Ms)}`,
      });
      const subj = r.subject as LoadResult[];
      const row: Row = {
        id: '16',
        what: 'PostModelOutputs, 128 texts, uploaded ONNX head (2048 → 16, softmax), 1 call at a time',
        baseline: `${fmtMs(r.baselineMedian)} in-process`,
        subject: `${fmtMs(r.subjectMedian)} per call`,
        ratio: r.median,
        spread: r.spread,
        target: '≤ 1.25',
        verdict: subj.some((m) => m.bad > 0) ? 'error' : verdict(r.median, '<=', 1.25),
        notes: [...loadNotes('PostModelOutputs', subj), 'the baseline runs the same graph with onnxruntime-node and the same text embedder, with no API'],
        data: { baseline: r.baseline, subject: r.subject, ratios: r.ratios },
      };
      return [row];
    } finally {
      await server.stop();
    }
  },
};
