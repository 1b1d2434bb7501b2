// #7 — PostModelOutputs with 128 text inputs on a trained text-classifier, against the embedder and
// the classifier head called in-process on the same 128 texts (bench/baselines/inprocess-predict.mjs,
// same dist/ code, same stored artifact). One request at a time (autocannon -c 1), so the ratio is the
// API's overhead per call. Target: ≤ 1.25×. The server's peak RSS here is #9's "peak during #7".
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { api, appPath, type Json } from './lib/fixtures.js';
import { autocannon, type LoadResult, loadNotes } from './lib/load.js';
import { REPO_ROOT, run, sleep } from './lib/proc.js';
import { profileSubject, profileText } from './lib/profile.js';
import { alternate, type Bench, type BenchContext, fmtInt, fmtMiB, fmtMs, type Row, verdict } from './lib/runner.js';
import { AUTH, BENCH_USER, type RunningServer, startModelkeep, tempDir } from './lib/servers.js';

const APP = 'predict-app';
const MODEL = 'topics';
const BATCH = 128;
const INPROCESS = path.join(REPO_ROOT, 'bench', 'baselines', 'inprocess-predict.mjs');

const TOPICS: Record<string, string[]> = {
  sports: 'match goal team coach league score player season stadium referee penalty striker defender tournament final champion kick pass sprint medal'.split(
    ' ',
  ),
  food: 'recipe oven garlic pasta sauce bake flavor dinner kitchen salad spice chef butter roast soup bread cheese dessert taste grill'.split(' '),
  tech: 'software server database compiler laptop network cloud code kernel browser api chip memory cache deploy debug app latency protocol byte'.split(' '),
  travel: 'flight hotel passport beach museum luggage tour island train ticket map journey airport visa cruise hostel mountain guide border trip'.split(' '),
};
const COMMON = 'the a of and to in is it that was for on with as this very really new old good day'.split(' ');

/** Deterministic texts: 6–14 words of a topic mixed with common words (seeded LCG). */
export function topicTexts(count: number, seed: number): { text: string; concept: string }[] {
  let s = seed >>> 0;
  const rnd = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const names = Object.keys(TOPICS);
  return Array.from({ length: count }, (_, i) => {
    const concept = names[i % names.length]!;
    const words = TOPICS[concept]!;
    const n = 6 + Math.floor(rnd() * 9);
    const text = Array.from({ length: n }, () => (rnd() < 0.35 ? COMMON[Math.floor(rnd() * COMMON.length)] : words[Math.floor(rnd() * words.length)])).join(
      ' ',
    );
    return { text, concept };
  });
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not done after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Uploads labelled texts, trains a text-classifier version through the API and waits for 21100. */
async function trainTopics(ctx: BenchContext, server: RunningServer, trainCount: number): Promise<string> {
  const base = server.base;
  await api(base, 'POST', `/v2/users/${BENCH_USER}/apps`, { apps: [{ id: APP }] });
  const train = topicTexts(trainCount, 7);
  for (let from = 0; from < train.length; from += BATCH) {
    const inputs = train
      .slice(from, from + BATCH)
      .map((t, i) => ({ id: `in-${from + i}`, data: { text: { raw: t.text }, concepts: [{ id: t.concept, value: 1 }] } }));
    await api(base, 'POST', `${appPath(APP)}/inputs`, { inputs });
  }
  await waitFor('input processing', 120_000, async () => {
    const c = (await api(base, 'GET', `${appPath(APP)}/inputs/status`)).counts as Json;
    if (c.errors > 0) throw new Error(`input processing failed for ${c.errors} inputs`);
    return c.processed === train.length ? true : undefined;
  });
  ctx.progress(`${train.length} labelled texts uploaded and embedded; training a text-classifier version`);
  await api(base, 'POST', `${appPath(APP)}/models`, { model: { id: MODEL, model_type_id: 'text-classifier' } });
  const created = await api(base, 'POST', `${appPath(APP)}/models/${MODEL}/versions`, {
    model_versions: [
      {
        output_info: { data: { concepts: Object.keys(TOPICS).map((id) => ({ id })) }, output_config: { concepts_mutually_exclusive: true } },
        train_info: { params: { template: 'modelkeep_text_logreg', seed: 3 } },
      },
    ],
  });
  const versionId = created.model.model_version.id as string;
  const t0 = performance.now();
  await waitFor('training', 300_000, async () => {
    const v = (await api(base, 'GET', `${appPath(APP)}/models/${MODEL}/versions/${versionId}`)).model_version as Json;
    if (v.status.code === 21100) return true;
    if (v.status.code !== 21103 && v.status.code !== 21101) throw new Error(`training ended in ${JSON.stringify(v.status)}`);
    return undefined;
  });
  ctx.progress(`version ${versionId} trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return versionId;
}

function predictLoad(server: RunningServer, body: string, seconds: number): Promise<LoadResult> {
  return autocannon({
    url: `${server.base}${appPath(APP)}/models/${MODEL}/outputs`,
    method: 'POST',
    connections: 1,
    seconds,
    body,
    serverPid: server.pid,
    headers: { authorization: AUTH, 'content-type': 'application/json' },
  });
}

interface InProcess {
  calls: number;
  seconds: number;
  ms_per_call: number;
}

export const predictBench: Bench = {
  id: 'predict',
  rows: '#7 (+ #9 peak)',
  title: 'PostModelOutputs 128 texts vs in-process embedder + classifier',
  async run(ctx) {
    const dataDir = tempDir('predict');
    // The worker is needed here: it embeds the uploaded inputs and trains the version.
    const server = await startModelkeep({ dataDir, worker: true });
    try {
      const versionId = await trainTopics(ctx, server, ctx.smoke ? 128 : 512);
      const held = topicTexts(BATCH, 99);
      const textsFile = path.join(ctx.tmp, 'predict-texts.json');
      writeFileSync(textsFile, JSON.stringify(held.map((t) => t.text)));
      const body = JSON.stringify({ inputs: held.map((t) => ({ data: { text: { raw: t.text } } })) });
      // Check one answer: 128 outputs, each with the 4 concepts; and its accuracy on the held-out texts.
      const answer = await api(server.base, 'POST', `${appPath(APP)}/models/${MODEL}/outputs`, JSON.parse(body) as Json);
      const outputs = answer.outputs as Json[];
      if (outputs.length !== BATCH || outputs.some((o) => o.status.code !== 10000 || (o.data?.concepts ?? []).length !== 4))
        throw new Error(`PostModelOutputs answered ${JSON.stringify(answer).slice(0, 400)}`);
      const correct = outputs.filter((o, i) => (o.data.concepts as Json[])[0]!.id === held[i]!.concept).length;
      ctx.progress(
        `PostModelOutputs answers 128 outputs (held-out top-1 accuracy ${((correct / BATCH) * 100).toFixed(1)}%); rounds of ${ctx.roundSeconds} s, one call at a time`,
      );
      const db = `sqlite:${path.join(dataDir, 'modelkeep.db')}`;
      const r = await alternate<LoadResult | InProcess>(ctx, 'predict', {
        baseline: async () =>
          JSON.parse(
            (
              await run(process.execPath, [
                INPROCESS,
                '--db',
                db,
                '--user',
                BENCH_USER,
                '--app',
                APP,
                '--model',
                MODEL,
                '--texts',
                textsFile,
                '--seconds',
                String(ctx.roundSeconds),
              ])
            ).stdout.trim(),
          ) as InProcess,
        subject: () => predictLoad(server, body, ctx.roundSeconds),
        // ms per call of 128 inputs
        value: (m) => ('ms_per_call' in m ? m.ms_per_call : 1000 / m.rps),
        show: (m) =>
          'ms_per_call' in m
            ? `${fmtMs(m.ms_per_call)} per 128 texts (${m.calls} calls, in-process)`
            : `${fmtMs(1000 / m.rps)} per call, p99 ${fmtMs(m.p99Ms)} (server ${m.serverCores.toFixed(2)} core)${m.bad ? ` ${m.bad} bad` : ''}`,
      });
      const subj = r.subject as LoadResult[];
      const peak = Math.max(...subj.map((m) => m.serverPeakRss));
      ctx.shared.set('predict.peakRss', peak);
      const rows: Row[] = [
        {
          id: '7',
          what: 'PostModelOutputs, 128 texts, trained text-classifier (1 call at a time)',
          baseline: `${fmtMs(r.baselineMedian)} in-process`,
          subject: `${fmtMs(r.subjectMedian)} per call`,
          ratio: r.median,
          spread: r.spread,
          target: '≤ 1.25',
          verdict: subj.some((m) => m.bad > 0) ? 'error' : verdict(r.median, '<=', 1.25),
          notes: [
            ...loadNotes('PostModelOutputs', subj),
            `request ${fmtInt(body.length)} bytes, response ${fmtInt(subj[0]!.bytesPerReq)} bytes per call (each of the 128 outputs carries the model, the input and 4 concepts, as Clarifai's do)`,
            `version ${versionId}; held-out top-1 accuracy ${((correct / BATCH) * 100).toFixed(1)}% on 128 texts`,
          ],
          data: { baseline: r.baseline, subject: r.subject, ratios: r.ratios },
        },
        {
          id: '9 peak #7',
          what: 'peak RSS of modelkeep during #7 (worker on)',
          baseline: '–',
          subject: fmtMiB(peak),
          target: '– (reported)',
          verdict: 'info',
          notes: ['sampled from /proc every 100 ms during the PostModelOutputs rounds'],
        },
      ];
      if (ctx.profile) {
        const frames = await profileSubject(
          path.join(ctx.tmp, 'prof-predict'),
          (nodeArgs) => startModelkeep({ dataDir, worker: false, nodeArgs, name: 'modelkeep --cpu-prof' }),
          (srv) => predictLoad(srv, body, ctx.roundSeconds * 3),
        );
        rows[0]!.notes.push('cpu profile of modelkeep under PostModelOutputs (self time):', ...profileText(frames));
      }
      return rows;
    } finally {
      await server.stop();
    }
  },
};
