// The benchmark's fixed synthetic set (issue 6, row 6): n embeddings of d dims in k classes, made
// from a seed so our trainer and the scikit-learn baseline see exactly the same arrays.
//
// Shape of the data, and why: each class is a Gaussian blob in a small latent space (r dims) that a
// fixed random projection lifts into d dims, plus isotropic noise in all d dims, plus per-feature
// scales and offsets. That mimics real embeddings (information in a low-dimensional subspace, noisy
// features of unequal scale) and the blobs overlap, so held-out accuracy is high but not 100%:
// with the defaults a converged sklearn LogisticRegression scores about 91.5% held out (100% on
// its training rows), so both overfitting and underfitting show.
//
// Split (documented for the baseline): rows are i.i.d. and already in random order, so the first
// `trainCount` = floor(0.8 n) rows are the training set and the rest the test set.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeNpy } from './npy.js';
import { createRng } from './rng.js';

export interface BenchDataOptions {
  n?: number;
  d?: number;
  k?: number;
  seed?: number;
  /** Latent dimensions holding the class signal. */
  latent?: number;
  /** Spread of class centres in latent space, in units of the within-class standard deviation. */
  separation?: number;
  /** Standard deviation of the isotropic noise added to every feature. */
  noise?: number;
}

export interface BenchData {
  x: Float32Array; // n × d, row-major
  y: Int32Array; // class index per row
  n: number;
  d: number;
  k: number;
  trainCount: number;
  seed: number;
}

export const BENCH_DEFAULTS = { n: 10_000, d: 1_280, k: 10, seed: 42, latent: 16, separation: 0.85, noise: 1.0 } as const;

export function generateBenchData(options: BenchDataOptions = {}): BenchData {
  const o = { ...BENCH_DEFAULTS, ...options };
  const { n, d, k, latent: r } = o;
  const rng = createRng(o.seed);
  const centres = new Float64Array(k * r);
  for (let i = 0; i < centres.length; i++) centres[i] = o.separation * rng.normal();
  // Projection scaled by 1/sqrt(r) so a projected feature has about unit variance per latent unit.
  const proj = new Float64Array(d * r);
  for (let i = 0; i < proj.length; i++) proj[i] = rng.normal() / Math.sqrt(r);
  const scale = new Float64Array(d);
  const offset = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    scale[j] = Math.exp(0.5 * rng.normal()); // log-normal feature scales, as in real embeddings
    offset[j] = rng.next();
  }
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  const z = new Float64Array(r);
  for (let i = 0; i < n; i++) {
    const c = rng.int(k);
    y[i] = c;
    for (let t = 0; t < r; t++) z[t] = centres[c * r + t]! + rng.normal();
    const row = i * d;
    for (let j = 0; j < d; j++) {
      let v = 0;
      const pj = j * r;
      for (let t = 0; t < r; t++) v += proj[pj + t]! * z[t]!;
      x[row + j] = scale[j]! * (v + o.noise * rng.normal()) + offset[j]!;
    }
  }
  return { x, y, n, d, k, trainCount: Math.floor(0.8 * n), seed: o.seed };
}

/** One-hot labels (n × k) in the layout `train` takes. */
export function oneHot(y: Int32Array, k: number): Uint8Array {
  const labels = new Uint8Array(y.length * k);
  for (let i = 0; i < y.length; i++) labels[i * k + y[i]!] = 1;
  return labels;
}

/**
 * Writes `dir/X.npy` (float32, n × d), `dir/y.npy` (int32, n) and `dir/meta.json` (sizes, seed,
 * trainCount) for the baseline script. Returns the generated data so the caller can reuse it.
 */
export function writeDataset(dir: string, options: BenchDataOptions = {}): BenchData {
  const data = generateBenchData(options);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'X.npy'), encodeNpy(data.x, [data.n, data.d]));
  writeFileSync(path.join(dir, 'y.npy'), encodeNpy(data.y, [data.n]));
  const meta = { n: data.n, d: data.d, k: data.k, seed: data.seed, trainCount: data.trainCount, split: 'first trainCount rows train, remaining rows test' };
  writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  return data;
}
