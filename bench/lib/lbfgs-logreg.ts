// Plain multinomial logistic regression by full-batch L-BFGS: the reference baseline of benchmark
// #11 (bench/11-text-quality.ts). It minimises (1/n)·Σᵢ CE(softmax(W xᵢ + b), yᵢ) + ‖W‖²/(2·C·n)
// — scikit-learn's LogisticRegression objective with multi_class='multinomial' (C = 1 by default,
// intercept not penalised, softmax over the classes, no feature scaling) — with sklearn's lbfgs
// stopping rules (max |gradient| ≤ 1e-4, or relative decrease ≤ 64·machine epsilon, or 1,000
// iterations). With two classes this softmax keeps one weight row per class, both penalised; that
// is sklearn's multinomial fit, which equals sklearn's default binary fit at C × 2 (not at C).
// A reference, not a fast trainer.

export interface LbfgsOptions {
  /** Inverse regularisation strength, as sklearn's C (default 1). */
  c?: number;
  maxIter?: number;
  /** Stop when max |gradient| ≤ gtol (sklearn's tol, 1e-4, on the mean-loss objective). */
  gtol?: number;
  /** Stop when (f_prev − f) / max(|f_prev|, |f|, 1) ≤ ftol (sklearn passes 64 × machine epsilon). */
  ftol?: number;
  /** L-BFGS memory. */
  m?: number;
}

export interface LogRegModel {
  k: number;
  d: number;
  /** k × (d + 1): each row's weights then its intercept. */
  w: Float64Array;
  iterations: number;
  converged: boolean;
  /** max |gradient| at the end. */
  gradient: number;
}

/**
 * Plain multinomial logistic regression, minimising (1/n)·Σᵢ CE(softmax(W xᵢ + b), yᵢ) + ‖W‖²/(2·C·n)
 * (sklearn's objective; the same minimiser as C·Σ CE + ½‖W‖²), by full-batch L-BFGS with a
 * backtracking (Armijo) line search. A reference, not a fast trainer.
 */
export function fitLogisticRegression(x: Float32Array, n: number, d: number, y: Int32Array, k: number, opts: LbfgsOptions = {}): LogRegModel {
  const c = opts.c ?? 1,
    maxIter = opts.maxIter ?? 1000,
    gtol = opts.gtol ?? 1e-4,
    ftol = opts.ftol ?? 64 * Number.EPSILON,
    mem = opts.m ?? 10;
  const invN = 1 / n,
    l2 = 1 / (c * n);
  const p = k * (d + 1);
  const z = new Float64Array(k);
  const objective = (w: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let f = 0;
    for (let i = 0; i < n; i++) {
      const off = i * d;
      let max = -Infinity;
      for (let cl = 0; cl < k; cl++) {
        const o = cl * (d + 1);
        let s = w[o + d]!;
        for (let j = 0; j < d; j++) s += w[o + j]! * x[off + j]!;
        z[cl] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let cl = 0; cl < k; cl++) sum += Math.exp(z[cl]! - max);
      const lse = max + Math.log(sum);
      f += invN * (lse - z[y[i]!]!);
      for (let cl = 0; cl < k; cl++) {
        const r = invN * (Math.exp(z[cl]! - lse) - (cl === y[i] ? 1 : 0));
        if (r === 0) continue;
        const o = cl * (d + 1);
        for (let j = 0; j < d; j++) g[o + j] = g[o + j]! + r * x[off + j]!;
        g[o + d] = g[o + d]! + r;
      }
    }
    for (let cl = 0; cl < k; cl++) {
      const o = cl * (d + 1);
      for (let j = 0; j < d; j++) {
        f += 0.5 * l2 * w[o + j]! * w[o + j]!;
        g[o + j] = g[o + j]! + l2 * w[o + j]!;
      }
    }
    return f;
  };
  const dot = (a: Float64Array, b: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
    return s;
  };
  const maxAbs = (a: Float64Array): number => {
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
    return m;
  };

  let w = new Float64Array(p);
  let g = new Float64Array(p);
  let f = objective(w, g);
  const sHist: Float64Array[] = [],
    yHist: Float64Array[] = [],
    rhoHist: number[] = [];
  const dir = new Float64Array(p);
  const alpha = new Float64Array(mem);
  let iterations = 0;
  let converged = maxAbs(g) <= gtol;
  while (!converged && iterations < maxIter) {
    // Two-loop recursion: dir = −H·g.
    for (let i = 0; i < p; i++) dir[i] = -g[i]!;
    for (let h = sHist.length - 1; h >= 0; h--) {
      alpha[h] = rhoHist[h]! * dot(sHist[h]!, dir);
      const yh = yHist[h]!;
      for (let i = 0; i < p; i++) dir[i] = dir[i]! - alpha[h]! * yh[i]!;
    }
    const gamma = sHist.length > 0 ? dot(sHist.at(-1)!, yHist.at(-1)!) / dot(yHist.at(-1)!, yHist.at(-1)!) : 1 / Math.max(1, maxAbs(g));
    for (let i = 0; i < p; i++) dir[i] = dir[i]! * gamma;
    for (let h = 0; h < sHist.length; h++) {
      const beta = rhoHist[h]! * dot(yHist[h]!, dir);
      const sh = sHist[h]!;
      for (let i = 0; i < p; i++) dir[i] = dir[i]! + (alpha[h]! - beta) * sh[i]!;
    }
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sHist.length = yHist.length = rhoHist.length = 0;
      for (let i = 0; i < p; i++) dir[i] = -g[i]! / Math.max(1, maxAbs(g));
      slope = dot(g, dir);
    }
    let step = 1;
    const wNew = new Float64Array(p);
    const gNew = new Float64Array(p);
    let fNew = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < p; i++) wNew[i] = w[i]! + step * dir[i]!;
      fNew = objective(wNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    iterations++;
    if (!(fNew < f)) break; // no progress possible
    const s = new Float64Array(p),
      yv = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      s[i] = wNew[i]! - w[i]!;
      yv[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, yv);
    if (sy > 1e-10) {
      sHist.push(s);
      yHist.push(yv);
      rhoHist.push(1 / sy);
      if (sHist.length > mem) {
        sHist.shift();
        yHist.shift();
        rhoHist.shift();
      }
    }
    const decrease = (f - fNew) / Math.max(Math.abs(f), Math.abs(fNew), 1);
    w = wNew;
    g = gNew;
    f = fNew;
    converged = maxAbs(g) <= gtol || decrease <= ftol;
  }
  return { k, d, w, iterations, converged, gradient: maxAbs(g) };
}

export function predictLogisticRegression(m: LogRegModel, v: Float32Array): number {
  let best = 0,
    bestScore = -Infinity;
  for (let cl = 0; cl < m.k; cl++) {
    const o = cl * (m.d + 1);
    let s = m.w[o + m.d]!;
    for (let j = 0; j < m.d; j++) s += m.w[o + j]! * v[j]!;
    if (s > bestScore) {
      bestScore = s;
      best = cl;
    }
  }
  return best;
}
