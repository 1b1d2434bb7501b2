// Limited-memory BFGS for a smooth convex objective, as a generator: the objective is itself a
// generator that may yield while it evaluates (a pass over a big training set), and this one passes
// those yields on, so a caller can give the event loop a turn or stop in the middle of a pass.
//
// Plain two-loop recursion (Nocedal & Wright, algorithm 7.4) with a backtracking Armijo line search.
// For the logistic and softmax losses the full step is accepted almost always, so an iteration
// costs one evaluation (one pass over the data); the search only matters in the first iterations.
// Every operation is a fixed sequence of IEEE double operations: the same input gives the same
// iterates bit for bit on every machine.

/** Writes the gradient at `x` into `g` and returns the objective's value there. */
export type Objective = (x: Float64Array, g: Float64Array) => Generator<void, number, void>;

export interface LbfgsOptions {
  /** Iterations at most (an iteration = one accepted step). */
  maxIterations: number;
  /** Stop when max |gradient| ≤ gtol. */
  gtol: number;
  /** Stop when the decrease over one iteration is ≤ ftol · max(|f|, 1). */
  ftol: number;
  /** Correction pairs kept (default 10). */
  memory?: number;
  /** Called after every accepted step, with the objective and max |gradient| there. */
  onIteration?: (iteration: number, f: number, gradient: number) => void;
  /** Called once with max |gradient| at the start. */
  onStart?: (f: number, gradient: number) => void;
}

export type StopReason = 'gradient' | 'decrease' | 'iterations' | 'line search';

export interface LbfgsResult {
  f: number;
  iterations: number;
  evaluations: number;
  reason: StopReason;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 20;

/** Minimises `objective` starting from `x`, which it overwrites with the minimiser found. */
export function* minimise(objective: Objective, x: Float64Array, opts: LbfgsOptions): Generator<void, LbfgsResult, void> {
  const p = x.length;
  const mem = opts.memory ?? 10;
  const s = Array.from({ length: mem }, () => new Float64Array(p));
  const y = Array.from({ length: mem }, () => new Float64Array(p));
  const rho = new Float64Array(mem);
  const alpha = new Float64Array(mem);
  let stored = 0,
    newest = -1;
  let g = new Float64Array(p),
    gNext = new Float64Array(p);
  const dir = new Float64Array(p),
    xNext = new Float64Array(p);

  let evaluations = 1;
  let f = yield* objective(x, g);
  let iterations = 0;
  opts.onStart?.(f, maxAbs(g));
  if (maxAbs(g) <= opts.gtol) return { f, iterations, evaluations, reason: 'gradient' };

  for (;;) {
    // Search direction −H·g by the two-loop recursion over the stored pairs, newest first.
    for (let i = 0; i < p; i++) dir[i] = -g[i]!;
    for (let t = 0; t < stored; t++) {
      const m = (newest - t + mem) % mem;
      const a = rho[m]! * dot(s[m]!, dir);
      alpha[m] = a;
      axpy(-a, y[m]!, dir);
    }
    let step = 1;
    if (stored > 0) {
      const yy = dot(y[newest]!, y[newest]!);
      scale(dot(s[newest]!, y[newest]!) / yy, dir); // initial Hessian γ·I, γ = sᵀy / yᵀy
      for (let t = stored - 1; t >= 0; t--) {
        const m = (newest - t + mem) % mem;
        const b = rho[m]! * dot(y[m]!, dir);
        axpy(alpha[m]! - b, s[m]!, dir);
      }
    } else {
      step = Math.min(1, 1 / Math.sqrt(dot(g, g))); // first step: unit length along −g
    }

    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (curvature pairs gone stale): restart from steepest descent.
      stored = 0;
      for (let i = 0; i < p; i++) dir[i] = -g[i]!;
      slope = -dot(g, g);
      step = Math.min(1, 1 / Math.sqrt(-slope));
    }

    let fNext = NaN;
    let accepted = false;
    for (let b = 0; b < MAX_BACKTRACKS; b++) {
      for (let i = 0; i < p; i++) xNext[i] = x[i]! + step * dir[i]!;
      evaluations++;
      fNext = yield* objective(xNext, gNext);
      if (fNext <= f + ARMIJO * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) return { f, iterations, evaluations, reason: 'line search' };

    // New correction pair s = Δx, y = Δg; skipped when the curvature is not clearly positive.
    const slot = (newest + 1) % mem;
    const sv = s[slot]!,
      yv = y[slot]!;
    for (let i = 0; i < p; i++) {
      sv[i] = xNext[i]! - x[i]!;
      yv[i] = gNext[i]! - g[i]!;
    }
    const sy = dot(sv, yv);
    if (sy > 1e-12 * dot(yv, yv)) {
      rho[slot] = 1 / sy;
      newest = slot;
      stored = Math.min(mem, stored + 1);
    }
    x.set(xNext);
    [g, gNext] = [gNext, g];
    const decrease = f - fNext;
    f = fNext;
    iterations++;
    const gmax = maxAbs(g);
    opts.onIteration?.(iterations, f, gmax);
    if (gmax <= opts.gtol) return { f, iterations, evaluations, reason: 'gradient' };
    if (decrease <= opts.ftol * Math.max(Math.abs(f), 1)) return { f, iterations, evaluations, reason: 'decrease' };
    if (iterations >= opts.maxIterations) return { f, iterations, evaluations, reason: 'iterations' };
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s0 = 0,
    s1 = 0;
  const n = a.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
  }
  if (i < n) s0 += a[i]! * b[i]!;
  return s0 + s1;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] = y[i]! + a * x[i]!;
}

function scale(a: number, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i] = x[i]! * a;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m) m = v;
  }
  return m;
}
