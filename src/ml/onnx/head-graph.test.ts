import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { generateBenchData, oneHot } from '../classifier/bench-data.js';
import { predict } from '../classifier/model.js';
import { train } from '../classifier/train.js';
import { HEAD_INPUT, HEAD_OUTPUT, linearHeadGraph } from './head-graph.js';

/** Scores of `graph` for m rows of x (m × d) in onnxruntime. */
async function runGraph(graph: Uint8Array, input: string, output: string, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(graph);
  const out = await session.run({ [input]: new ort.Tensor('float32', x, dims) });
  return out[output]!.data as Float32Array;
}

describe('linearHeadGraph: the trained head as ONNX gives predict’s scores', () => {
  // Features far from standardised (offset and scaled), so the folded standardisation matters.
  const data = generateBenchData({ n: 300, d: 16, k: 3, latent: 3, separation: 1.2, seed: 5 });
  const x = data.x.map((v, i) => v * (1 + (i % 16)) + 3);
  for (const mutuallyExclusive of [true, false]) {
    it(`${mutuallyExclusive ? 'softmax' : 'one-vs-rest sigmoid'}: equal to 1e-6 on every row, bounded below 1`, async () => {
      const model = train({ x, n: data.n, d: data.d, labels: oneHot(data.y, data.k) }, { k: 3, mutuallyExclusive, epochs: 30 });
      const want = predict(model, x, data.n);
      const got = await runGraph(linearHeadGraph(model), HEAD_INPUT, HEAD_OUTPUT, x, [data.n, data.d]);
      assert.equal(got.length, want.length);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      assert.ok(worst < 1e-6, `largest difference ${worst}`);
      assert.ok(got.every((v) => v > 0 && v < 1));
    });
  }

  it('a one-row model input and a batch give the same row', async () => {
    const model = train({ x, n: data.n, d: data.d, labels: oneHot(data.y, data.k) }, { k: 3, mutuallyExclusive: true, epochs: 5 });
    const graph = linearHeadGraph(model);
    const one = await runGraph(graph, HEAD_INPUT, HEAD_OUTPUT, x.subarray(16, 32), [1, 16]);
    const all = await runGraph(graph, HEAD_INPUT, HEAD_OUTPUT, x.subarray(0, 64), [4, 16]);
    assert.deepEqual([...one], [...all.subarray(3, 6)]);
  });
});
