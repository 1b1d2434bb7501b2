import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linearModel, tokenMeanModel } from '../../../test/helpers/onnx-graph.js';
import { activate, loadOnnxModel } from './onnx-model.js';
import { PackageConfigError, parsePackageConfig } from './package-config.js';

const W = [
  [1, 0, -1],
  [0.5, 2, 0],
  [0, 0, 1],
  [-1, 1, 0.25],
];
const B = [0.1, -0.2, 0.3];

function expected(x: number[]): number[] {
  const logits = B.map((b, j) => b + x.reduce((s, xi, i) => s + xi * (W[i]?.[j] ?? 0), 0));
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  const sum = e.reduce((a, c) => a + c, 0);
  return e.map((v) => v / sum);
}

const config = (size: number, activation = 'raw') =>
  parsePackageConfig(
    JSON.stringify({ input: { kind: 'embedding', name: 'x', size }, output: { kind: 'concepts', name: 'y', concepts: ['a', 'b', 'c'], activation } }),
  );

test('a MatMul+Add+Softmax graph gives the softmax computed here, batched', async () => {
  const model = await loadOnnxModel(linearModel(W, B, { softmax: true }), config(4));
  const xs = [
    [1, 2, 3, 4],
    [0, -1, 0.5, 2],
  ];
  const out = await model.run(xs.map((x) => Float32Array.from(x)));
  xs.forEach((x, k) => {
    expected(x).forEach((v, j) => assert.ok(Math.abs((out[k]?.[j] ?? Number.NaN) - v) < 1e-5));
  });
});

test('softmax in the config over raw logits gives the same scores as the graph softmax', async () => {
  const model = await loadOnnxModel(linearModel(W, B, { softmax: false }), config(4, 'softmax'));
  const [row] = await model.run([Float32Array.from([1, 2, 3, 4])]);
  expected([1, 2, 3, 4]).forEach((v, j) => assert.ok(Math.abs((row?.[j] ?? Number.NaN) - v) < 1e-5));
  assert.deepEqual(Array.from(activate(Float32Array.from([0]), 'sigmoid')), [0.5]);
});

test('mismatches are refused with details naming what did not match', async () => {
  const bytes = linearModel(W, B, { softmax: true });
  const refuse = (p: Promise<unknown>, re: RegExp) => assert.rejects(p, (e: unknown) => e instanceof PackageConfigError && re.test(e.message));
  await refuse(loadOnnxModel(Uint8Array.from([1, 2, 3]), config(4)), /does not load/);
  await refuse(loadOnnxModel(bytes, config(5)), /probe input/);
  const wrongName = parsePackageConfig(
    JSON.stringify({ input: { kind: 'embedding', name: 'z', size: 4 }, output: { kind: 'concepts', name: 'y', concepts: ['a'] } }),
  );
  await refuse(loadOnnxModel(bytes, wrongName), /graph's inputs are x/);
  const twoConcepts = parsePackageConfig(
    JSON.stringify({ input: { kind: 'embedding', name: 'x', size: 4 }, output: { kind: 'concepts', name: 'y', concepts: ['a', 'b'] } }),
  );
  await refuse(loadOnnxModel(bytes, twoConcepts), /config says 2 outputs per input, the graph gives 3/);
});

const TABLE = [
  [0, 0],
  [0.5, -0.5],
  [1, 0],
  [0, 1],
  [2, 2],
  [-1, 3],
];
const W2 = [
  [1, -1],
  [0.5, 2],
];
const textConfig = (extra: Record<string, unknown>) =>
  parsePackageConfig(
    JSON.stringify({ input: { kind: 'text', name: 'input_ids', ...extra }, output: { kind: 'concepts', name: 'y', concepts: ['p', 'q'], activation: 'raw' } }),
  );
/** The graph's computation, here: mean of the table rows of the ids, then · W2 + [0.1, -0.1]. */
const textExpected = (ids: number[]): number[] => {
  const mean = [0, 1].map((d) => ids.reduce((s, id) => s + TABLE[id]![d]!, 0) / ids.length);
  return [0.1, -0.1].map((b, j) => b + mean[0]! * W2[0]![j]! + mean[1]! * W2[1]![j]!);
};

test('a text model takes token ids with their mask: the batch padded to its longest, or to max_length, gives the same scores', async () => {
  const graph = tokenMeanModel(TABLE, W2, [0.1, -0.1]);
  const rows = [Int32Array.of(2, 4, 3), Int32Array.of(2, 5, 4, 1, 3), Int32Array.of(2, 3)];
  for (const padding of ['longest', 'max_length']) {
    const m = await loadOnnxModel(graph, textConfig({ attention_mask: 'attention_mask', max_length: 6, padding }));
    const out = await m.run(rows);
    rows.forEach((r, k) => {
      textExpected([...r]).forEach((v, j) => assert.ok(Math.abs(out[k]![j]! - v) < 1e-5, `${padding} row ${k}: ${out[k]![j]} vs ${v}`));
    });
  }
});

test('a graph input the config does not feed is named in the check; more token ids than max_length are refused', async () => {
  const graph = tokenMeanModel(TABLE, W2, [0.1, -0.1]);
  await assert.rejects(
    loadOnnxModel(graph, textConfig({})),
    (e: unknown) => e instanceof PackageConfigError && /also takes 'attention_mask'.*input\.attention_mask/.test(e.message),
  );
  const m = await loadOnnxModel(graph, textConfig({ attention_mask: 'attention_mask', max_length: 2 }));
  await assert.rejects(m.run([Int32Array.of(2, 4, 3)]), /at most 2 token ids/);
});
