import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { objectiveOf, type Problem } from './objective.js';
import { createRng } from './rng.js';

/** The objective written out plainly in float64, standardising on the fly: the reference. */
function reference(p: Problem, mean: Float32Array, scale: Float32Array, theta: Float64Array): { f: number; g: Float64Array } {
  const { x, d, rows, vectors: k, targets, l2 } = p;
  const g = new Float64Array(theta.length);
  let f = 0;
  for (let r = 0; r < rows.length; r++) {
    const u = Array.from({ length: d }, (_, j) => (x[rows[r]! * d + j]! - mean[j]!) / scale[j]!);
    const z = Array.from({ length: k }, (_, c) => theta[k * d + c]! + u.reduce((s, v, j) => s + v * theta[c * d + j]!, 0));
    const res = new Array<number>(k).fill(0);
    if (p.loss === 'softmax') {
      const m = Math.max(...z);
      const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
      for (let c = 0; c < k; c++) {
        f -= targets[r * k + c]! * (z[c]! - lse);
        res[c] = Math.exp(z[c]! - lse) - targets[r * k + c]!;
      }
    } else {
      for (let c = 0; c < k; c++) {
        const t = targets[r * k + c]!;
        if (Number.isNaN(t)) continue;
        f += Math.log1p(Math.exp(-Math.abs(z[c]!))) + Math.max(z[c]!, 0) - t * z[c]!;
        res[c] = 1 / (1 + Math.exp(-z[c]!)) - t;
      }
    }
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) g[c * d + j] = g[c * d + j]! + res[c]! * u[j]!;
      g[k * d + c] = g[k * d + c]! + res[c]!;
    }
  }
  const n = rows.length;
  let pen = 0;
  for (let i = 0; i < k * d; i++) {
    pen += theta[i]! ** 2;
    g[i] = g[i]! / n + l2 * theta[i]!;
  }
  for (let c = 0; c < k; c++) g[k * d + c] = g[k * d + c]! / n;
  return { f: f / n + 0.5 * l2 * pen, g };
}

function problem(n: number, d: number, k: number, loss: 'softmax' | 'sigmoid', seed: number): Problem {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: (n + 3) * d }, (_, i) => 5 + (i % d) + rng.normal() * (1 + (i % 3)));
  const targets = new Float32Array(n * k);
  for (let r = 0; r < n; r++) {
    if (loss === 'softmax') targets[r * k + rng.int(k)] = 1;
    else for (let c = 0; c < k; c++) targets[r * k + c] = rng.next() < 0.2 ? NaN : rng.next() < 0.5 ? 1 : 0;
  }
  // Every other row of x, so the used rows are not contiguous.
  const rows = Uint32Array.from({ length: n }, (_, i) => (i * 7) % (n + 3));
  return { x, d, rows, vectors: k, loss, targets, l2: 0.01 };
}

describe('objectiveOf (SIMD kernels) against a plain float64 reference', () => {
  const cases = [
    { name: 'softmax, 3 classes, d = 5 (padded lanes), 7 rows (the one-row tail)', n: 7, d: 5, k: 3, loss: 'softmax' as const },
    { name: 'softmax, 4 classes, 261 rows (two blocks, one of 5)', n: 261, d: 12, k: 4, loss: 'softmax' as const },
    { name: 'sigmoid with unlabelled (NaN) targets, d = 6, 10 rows', n: 10, d: 6, k: 2, loss: 'sigmoid' as const },
    { name: 'one logistic vector, d = 3, 513 rows', n: 513, d: 3, k: 1, loss: 'sigmoid' as const },
  ];
  for (const t of cases) {
    it(t.name, () => {
      const p = problem(t.n, t.d, t.k, t.loss, t.n);
      const { evaluate, mean, scale } = objectiveOf(p, () => {});
      const rng = createRng(99);
      const theta = Float64Array.from({ length: t.k * (t.d + 1) }, () => rng.normal() * 0.5);
      const grad = new Float64Array(theta.length);
      const gen = evaluate(theta, grad);
      let r = gen.next();
      while (r.done !== true) r = gen.next();
      const want = reference(p, mean, scale, theta);
      // float32 rows and lanes: agreement to about 1e-5 relative.
      assert.ok(Math.abs(r.value - want.f) <= 1e-5 * Math.max(1, Math.abs(want.f)), `f ${r.value} vs ${want.f}`);
      const gmax = Math.max(...want.g.map(Math.abs));
      for (let i = 0; i < grad.length; i++) assert.ok(Math.abs(grad[i]! - want.g[i]!) <= 1e-5 * Math.max(1, gmax), `g[${i}] ${grad[i]} vs ${want.g[i]}`);
      // The standardisation is the used rows' own.
      for (let j = 0; j < t.d; j++) {
        let s = 0;
        for (const row of p.rows) s += p.x[row * t.d + j]!;
        assert.ok(Math.abs(mean[j]! - s / t.n) < 1e-4 * Math.abs(s / t.n), `mean[${j}]`);
      }
    });
  }

  it('refuses a set that does not fit in one WebAssembly memory, with a clear RangeError', () => {
    // 262,200 rows × 4,096 float32 = 4.3 GB: over before anything is allocated or read.
    const p = { ...problem(4, 4, 1, 'sigmoid', 1), rows: new Uint32Array(262_200), d: 4096 };
    assert.throws(
      () => objectiveOf(p, () => {}),
      (e: unknown) => e instanceof RangeError && /4 GiB/.test(e.message),
    );
  });
});
