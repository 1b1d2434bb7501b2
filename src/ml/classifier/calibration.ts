// Held-out calibration figures of a classifier's scores (ADR 0024), defined exactly as
// bench/sklearn_baseline.py computes them for scikit-learn, so the two sides compare.

/**
 * Brier score: the mean over rows of Σ_c (p_c − [y = c])² (the multi-class form; for two classes
 * it is twice the binary (p − y)²). `p` is m × k, `y` the true class of each row.
 */
export function brierScore(p: ArrayLike<number>, y: ArrayLike<number>, k: number): number {
  const m = y.length;
  if (m === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < k; c++) {
      const e = p[i * k + c]! - (y[i] === c ? 1 : 0);
      sum += e * e;
    }
  }
  return sum / m;
}

/**
 * Expected calibration error of the top label: rows binned by their highest score into `bins`
 * equal-width bins over [0, 1]; Σ_bins |bin| / m · |accuracy(bin) − mean confidence(bin)|.
 * Ties go to the lowest class index.
 */
export function expectedCalibrationError(p: ArrayLike<number>, y: ArrayLike<number>, k: number, bins = 10): number {
  const m = y.length;
  if (m === 0) return NaN;
  const count = new Float64Array(bins),
    conf = new Float64Array(bins),
    correct = new Float64Array(bins);
  for (let i = 0; i < m; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c;
    const top = p[i * k + best]!;
    const b = Math.min(bins - 1, Math.floor(top * bins));
    count[b] = count[b]! + 1;
    conf[b] = conf[b]! + top;
    if (best === y[i]) correct[b] = correct[b]! + 1;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) ece += Math.abs(correct[b]! - conf[b]!) / m;
  return ece;
}

/** Scores that are exactly 0 or 1 (what a calibrated model should never answer). */
export function saturatedScores(p: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === 0 || p[i] === 1) n++;
  return n;
}
