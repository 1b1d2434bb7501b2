#!/usr/bin/env node
// The baseline of benchmark 16: what PostModelOutputs does for an uploaded ONNX text head, without
// the API — the built-in text embedder and onnxruntime-node run in-process on the same texts, with
// the same graph (model.onnx written by the bench) and the same compiled embedder (dist/).
// Usage: node bench/baselines/inprocess-onnx.mjs --model FILE --texts FILE --seconds N
// Prints one JSON line: {"calls", "seconds", "ms_per_call", "inputs"}.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { builtInEmbedders, TEXT_EMBEDDER_ID } from '../../dist/ml/embedders/registry.js';

const { values } = parseArgs({ options: { model: { type: 'string' }, texts: { type: 'string' }, seconds: { type: 'string', default: '4' } } });
const texts = JSON.parse(readFileSync(values.texts, 'utf8'));
const session = await ort.InferenceSession.create(readFileSync(values.model));
const embedder = builtInEmbedders().get(TEXT_EMBEDDER_ID);

async function once() {
  const vectors = await embedder.embed(texts.map((text) => ({ text })));
  const x = new Float32Array(vectors.length * embedder.dim);
  vectors.forEach((v, i) => x.set(v, i * embedder.dim));
  const out = await session.run({ x: new ort.Tensor('float32', x, [vectors.length, embedder.dim]) });
  const y = out.y.data;
  const k = y.length / vectors.length;
  // The softmax the server applies (activation in config.json), per input.
  return vectors.map((_, r) => {
    const row = y.slice(r * k, (r + 1) * k);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
}

await once();
const seconds = Number(values.seconds);
const t0 = performance.now();
let calls = 0;
while (performance.now() - t0 < seconds * 1000) {
  await once();
  calls++;
}
const elapsed = (performance.now() - t0) / 1000;
process.stdout.write(`${JSON.stringify({ calls, seconds: elapsed, ms_per_call: (elapsed * 1000) / calls, inputs: texts.length })}\n`);
