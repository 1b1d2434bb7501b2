#!/usr/bin/env node
// The baseline of benchmark 7: the work PostModelOutputs does for a trained text-classifier,
// without the API — the built-in text embedder and the classifier head called in-process on the
// same texts, from the same compiled code (dist/) and the same stored artifact.
// Usage: node bench/baselines/inprocess-predict.mjs --db URL --user U --app A --model M --texts FILE --seconds N
// Prints one JSON line: {"calls", "seconds", "ms_per_call", "inputs"}.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { deserializeModel, predict } from '../../dist/ml/classifier/model.js';
import { builtInEmbedders, TEXT_EMBEDDER_ID } from '../../dist/ml/embedders/registry.js';
import { openStore } from '../../dist/storage/open-store.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    user: { type: 'string' },
    app: { type: 'string' },
    model: { type: 'string' },
    texts: { type: 'string' },
    seconds: { type: 'string', default: '4' },
  },
});
const texts = JSON.parse(readFileSync(values.texts, 'utf8'));

const store = await openStore(values.db);
let version;
let bytes;
try {
  const model = await store.models.get(values.user, values.app, values.model);
  if (!model) throw new Error(`no model ${values.model}`);
  version = (await store.versions.latestOf([model.pk], { trainedOnly: true })).get(model.pk);
  if (!version) throw new Error(`model ${values.model} has no trained version`);
  bytes = await store.artifacts.get(version.pk);
  if (!bytes) throw new Error(`version ${version.id} has no artifact`);
} finally {
  await store.close();
}
const head = deserializeModel(bytes);
const embedder = builtInEmbedders().get(TEXT_EMBEDDER_ID);

async function once() {
  const vectors = await embedder.embed(texts.map((text) => ({ text })));
  const x = new Float32Array(vectors.length * head.d);
  vectors.forEach((v, i) => x.set(v, i * head.d));
  const scores = predict(head, x, vectors.length);
  // The same per-input concept lists the API answers with.
  return vectors.map((_, r) => version.concepts.map((c, j) => ({ id: c.id, name: c.name, value: scores[r * head.k + j] })));
}

await once(); // load the embedder (lazy) and warm up, as the server is warm after its first call
const seconds = Number(values.seconds);
const t0 = performance.now();
let calls = 0;
while (performance.now() - t0 < seconds * 1000) {
  await once();
  calls++;
}
const elapsed = (performance.now() - t0) / 1000;
process.stdout.write(`${JSON.stringify({ calls, seconds: elapsed, ms_per_call: (elapsed * 1000) / calls, inputs: texts.length })}\n`);
