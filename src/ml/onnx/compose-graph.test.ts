import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { linearModel } from '../../../test/helpers/onnx-graph.js';
import { generateBenchData, oneHot } from '../classifier/bench-data.js';
import { predict } from '../classifier/model.js';
import { train } from '../classifier/train.js';
import { ComposeError, prependEmbedder } from './compose-graph.js';
import { linearHeadGraph } from './head-graph.js';

// A test-made "embedder": a projection of 6 numbers to 4 (x · P + q), as an uploaded embedder graph would be.
const P = Array.from({ length: 6 }, (_, i) => Array.from({ length: 4 }, (_, j) => Math.cos(i * 1.7 + j * 0.9)));
const Q = [0.3, -0.1, 0.2, 0];
const embed = (row: ArrayLike<number>): number[] => Q.map((q, j) => q + P.reduce((s, p, i) => s + row[i]! * p[j]!, 0));
const l2 = (v: number[]): number[] => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

const data = generateBenchData({ n: 120, d: 6, k: 3, latent: 3, separation: 1.5, seed: 9 });
const rows = Array.from({ length: data.n }, (_, r) => data.x.subarray(r * 6, r * 6 + 6));

async function run(model: Uint8Array, input: string, output: string, x: Float32Array, n: number): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(model);
  return (await s.run({ [input]: new ort.Tensor('float32', x, [n, 6]) }))[output]!.data as Float32Array;
}

describe('prependEmbedder: embedder graph + head graph = one pipeline', () => {
  for (const normalise of [false, true]) {
    it(`scores equal the head's predict over the embedder's vectors${normalise ? ', L2-normalised in the graph' : ''}`, async () => {
      const vectors = new Float32Array(rows.flatMap((r) => (normalise ? l2(embed(r)) : embed(r))));
      const head = train({ x: vectors, n: data.n, d: 4, labels: oneHot(data.y, data.k) }, { k: 3, mutuallyExclusive: true, epochs: 20 });
      const embedder = linearModel(P, Q, { softmax: false, input: 'pixels', output: 'emb' });
      const composed = prependEmbedder(embedder, linearHeadGraph(head), { normalise });
      assert.equal(composed.input, 'pixels');
      const got = await run(composed.model, composed.input, composed.output, data.x, data.n);
      const want = predict(head, vectors, data.n);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      assert.ok(worst < 1e-5, `largest difference ${worst}`);
    });
  }

  it("the head's names never collide with the embedder's (a taken prefix moves to the next)", async () => {
    const embedder = linearModel(P, Q, { softmax: false, input: 'pixels', output: 'head/emb' });
    const head = train(
      { x: new Float32Array(rows.flatMap(embed)), n: data.n, d: 4, labels: oneHot(data.y, data.k) },
      { k: 3, mutuallyExclusive: false, epochs: 5 },
    );
    const composed = prependEmbedder(embedder, linearHeadGraph(head));
    assert.ok(composed.output.startsWith('head1/'), composed.output);
    const got = await run(composed.model, 'pixels', composed.output, data.x.subarray(0, 12), 2);
    assert.equal(got.length, 6);
  });

  it('refuses what it cannot compose, saying what', () => {
    const head = linearHeadGraph(
      train({ x: new Float32Array(rows.flatMap(embed)), n: data.n, d: 4, labels: oneHot(data.y, data.k) }, { k: 3, mutuallyExclusive: true, epochs: 1 }),
    );
    const embedder = linearModel(P, Q, { softmax: false, output: 'emb' });
    assert.throws(
      () => prependEmbedder(new Uint8Array([1, 2, 3]), head),
      (e: unknown) => e instanceof ComposeError && /embedder is not an ONNX model/.test(e.message),
    );
    assert.throws(
      () => prependEmbedder(embedder, head, { embedderOutput: 'nope' }),
      (e: unknown) => e instanceof ComposeError && /outputs are emb/.test(e.message),
    );
  });
});
