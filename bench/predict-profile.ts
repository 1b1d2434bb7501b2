// Where the time of row 7 (PostModelOutputs, 128 texts, trained text-classifier) goes on the server:
// trains the bench's model, restarts the server under --cpu-prof without the worker, sends N calls one
// at a time and sorts every CPU sample into one phase by the innermost known function on its stack.
// Usage: node --import tsx bench/predict-profile.ts [calls]   (needs dist/: npm run build)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { topicTexts } from './07-predict.js';
import { api, appPath, type Json } from './lib/fixtures.js';
import { sleep } from './lib/proc.js';
import { cpuProfArgs } from './lib/profile.js';
import { AUTH, startModelkeep, tempDir } from './lib/servers.js';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

/** Phases, innermost first: a sample counts for the first phase one of whose frames is on its stack. */
const PHASES: [string, (fn: string, url: string) => boolean][] = [
  ['embedding (text-hashing)', (f, u) => u.includes('text-hashing')],
  ['classifier head (kernel)', (f, u) => u.includes('ml/classifier/')],
  ['output config (filter, sort)', (f) => f === 'applyOutputConfig'],
  ['concept / output objects', (f) => f === 'outputDataToApi' || f === 'conceptToApi'],
  ['decode inputs + echo', (f, u) => u.includes('predict/input-data')],
  ['embedEach / embedSettled', (f) => f === 'embedEach' || f === 'embedSettled'],
  ['request decode (proto JSON)', (f, u) => u.includes('proto/json-codec')],
  ['auth + app', (f, u) => u.includes('service/access/')],
  ['version pick (plan)', (f) => f === 'plan' || f === 'versionForPredict'],
  ['JSON serialisation + send', (f, u) => u.includes('transport/rest/replies')],
  ['PostModelOutputs handler (rest)', (f, u) => u.includes('predict/predict.service')],
  ['body parse (UTF-8 + JSON.parse)', (f, u) => u.includes('rest/json-body')],
  ['dispatcher / observer / logs', (f, u) => u.includes('dist/service/core') || u.includes('dist/observe')],
  ['fastify', (f, u) => u.includes('node_modules/fastify') || u.includes('node_modules/find-my-way') || u.includes('node_modules/avvio')],
  ['garbage collector', (f) => f === '(garbage collector)'],
  ['node http / net', (f, u) => u.startsWith('node:') || f === 'writev' || f === 'writeUtf8String' || f === 'writeBuffer'],
];

function phases(dir: string, fromMs: number): { busyMs: number; byPhase: Map<string, number> } {
  const byPhase = new Map<string, number>();
  let busy = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number };
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    let t = 0;
    p.samples.forEach((id, i) => {
      const us = p.timeDeltas[i] ?? 0;
      t += us;
      if (t / 1000 < fromMs) return; // start-up and training are not the subject
      const leaf = byId.get(id)!;
      if (leaf.callFrame.functionName === '(idle)' || leaf.callFrame.functionName === '(program)') return;
      busy += us;
      let phase = 'other';
      outer: for (const [name, match] of PHASES) {
        for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
          const cf = byId.get(cur)!.callFrame;
          if (match(cf.functionName, cf.url)) {
            phase = name;
            break outer;
          }
        }
      }
      byPhase.set(phase, (byPhase.get(phase) ?? 0) + us);
    });
  }
  return { busyMs: busy / 1000, byPhase };
}

const calls = Number(process.argv[2] ?? 400);
const dataDir = tempDir('predict-prof');
const trainer = await startModelkeep({ dataDir, worker: true });
const base = trainer.base;
const APP = 'predict-app';
try {
  await api(base, 'POST', '/v2/users/bench/apps', { apps: [{ id: APP }] });
  const train = topicTexts(512, 7);
  for (let from = 0; from < train.length; from += 128) {
    const inputs = train
      .slice(from, from + 128)
      .map((t, i) => ({ id: `in-${from + i}`, data: { text: { raw: t.text }, concepts: [{ id: t.concept, value: 1 }] } }));
    await api(base, 'POST', `${appPath(APP)}/inputs`, { inputs });
  }
  for (;;) {
    const c = (await api(base, 'GET', `${appPath(APP)}/inputs/status`)).counts as Json;
    if (c.processed === train.length) break;
    await sleep(100);
  }
  await api(base, 'POST', `${appPath(APP)}/models`, { model: { id: 'topics', model_type_id: 'text-classifier' } });
  const created = await api(base, 'POST', `${appPath(APP)}/models/topics/versions`, {
    model_versions: [
      {
        output_info: { data: { concepts: ['sports', 'food', 'tech', 'travel'].map((id) => ({ id })) }, output_config: { concepts_mutually_exclusive: true } },
        train_info: { params: { template: 'modelkeep_text_logreg', seed: 3 } },
      },
    ],
  });
  for (;;) {
    const v = (await api(base, 'GET', `${appPath(APP)}/models/topics/versions/${created.model.model_version.id}`)).model_version as Json;
    if (v.status.code === 21100) break;
    await sleep(100);
  }
} finally {
  await trainer.stop();
}
const profDir = path.join(dataDir, 'prof');
const spawned = performance.now();
const server = await startModelkeep({ dataDir, worker: false, nodeArgs: cpuProfArgs(profDir) });
const body = JSON.stringify({ inputs: topicTexts(128, 99).map((t) => ({ data: { text: { raw: t.text } } })) });
const url = `${server.base}${appPath(APP)}/models/topics/outputs`;
const once = async (): Promise<number> => {
  const r = await fetch(url, { method: 'POST', body, headers: { authorization: AUTH, 'content-type': 'application/json' } });
  return (await r.arrayBuffer()).byteLength;
};
for (let i = 0; i < 50; i++) await once(); // warm up (JIT); excluded below by time
const t0 = performance.now();
let bytes = 0;
for (let i = 0; i < calls; i++) bytes = await once();
const wall = performance.now() - t0;
await server.stop();
// Samples from the timed calls on (the profile's clock starts at the spawn, give or take start-up of node).
const { busyMs, byPhase } = phases(profDir, t0 - spawned);
const lines = [...byPhase.entries()]
  .sort((a, b) => b[1] - a[1])
  .map(([k, us]) => `${((us / 1000 / calls) * 1000).toFixed(0).padStart(6)} µs/call  ${((us / 1000 / busyMs) * 100).toFixed(1).padStart(5)}%  ${k}`);
const out = [
  `${calls} calls, ${(wall / calls).toFixed(2)} ms per call wall (client in another process), response ${bytes} bytes; server busy ${(busyMs / calls).toFixed(2)} ms per call`,
  ...lines,
].join('\n');
writeFileSync(path.join(dataDir, 'phases.txt'), out);
process.stdout.write(`${out}\n(profile in ${profDir})\n`);
