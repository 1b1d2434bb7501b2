import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minimise, type Objective } from './lbfgs.js';

/** Runs the generator to the end, counting the yields the objective passed on. */
function run(objective: Objective, x: Float64Array, opts: Parameters<typeof minimise>[2]) {
  const gen = minimise(objective, x, opts);
  let yields = 0;
  for (;;) {
    const r = gen.next();
    if (r.done === true) return { ...r.value, yields };
    yields++;
  }
}

// f(x) = Σ a_i (x_i − c_i)²: an ill-conditioned quadratic with its minimum at c.
const a = [1, 10, 100, 1000];
const c = [3, -2, 0.5, 7];
const quadratic: Objective = function* (x, g) {
  yield; // as a pass over data would
  let f = 0;
  for (let i = 0; i < x.length; i++) {
    const e = x[i]! - c[i]!;
    f += a[i]! * e * e;
    g[i] = 2 * a[i]! * e;
  }
  return f;
};

// Rosenbrock in 2-d: minimum 0 at (1, 1), a curved valley.
const rosenbrock: Objective = function* (x, g) {
  const [u, v] = [x[0]!, x[1]!];
  g[0] = -2 * (1 - u) - 400 * u * (v - u * u);
  g[1] = 200 * (v - u * u);
  return (1 - u) ** 2 + 100 * (v - u * u) ** 2;
};

describe('minimise (L-BFGS)', () => {
  const cases = [
    { name: 'ill-conditioned quadratic', f: quadratic, x0: [0, 0, 0, 0], want: c, tol: 1e-6 },
    { name: 'Rosenbrock from (−1.2, 1)', f: rosenbrock, x0: [-1.2, 1], want: [1, 1], tol: 1e-4 },
  ];
  for (const t of cases) {
    it(`finds the minimum of the ${t.name}`, () => {
      const x = Float64Array.from(t.x0);
      const r = run(t.f, x, { maxIterations: 500, gtol: 1e-9, ftol: 0 });
      assert.equal(r.reason, 'gradient');
      for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - t.want[i]!) < t.tol, `x[${i}] = ${x[i]}`);
      assert.ok(r.iterations < 200, `${r.iterations} iterations`);
    });
  }

  it('passes on every yield of the objective (one per evaluation) and counts evaluations', () => {
    const r = run(quadratic, new Float64Array(4), { maxIterations: 100, gtol: 1e-9, ftol: 0 });
    assert.equal(r.yields, r.evaluations);
  });

  it('stops at the iteration cap, and on a small decrease', () => {
    assert.deepEqual(
      [run(rosenbrock, Float64Array.from([-1.2, 1]), { maxIterations: 3, gtol: 0, ftol: 0 })].map((r) => [r.reason, r.iterations]),
      [['iterations', 3]],
    );
    assert.equal(run(quadratic, new Float64Array(4), { maxIterations: 1000, gtol: 0, ftol: 1e-3 }).reason, 'decrease');
  });

  it('returns at once when the start is already optimal', () => {
    const x = Float64Array.from(c);
    const r = run(quadratic, x, { maxIterations: 10, gtol: 1e-9, ftol: 0 });
    assert.deepEqual([r.reason, r.iterations, r.evaluations], ['gradient', 0, 1]);
  });

  it('is deterministic: the same start gives the same iterates bit for bit', () => {
    const x1 = Float64Array.from([-1.2, 1]),
      x2 = Float64Array.from([-1.2, 1]);
    run(rosenbrock, x1, { maxIterations: 20, gtol: 0, ftol: 0 });
    run(rosenbrock, x2, { maxIterations: 20, gtol: 0, ftol: 0 });
    assert.deepEqual(x1, x2);
  });
});
