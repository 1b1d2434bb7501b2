// Trains the benchmark set once with the default options and prints one JSON line, the subject
// half of benchmark 6 and of the calibration rows (the baseline is bench/sklearn_baseline.py on the
// arrays writeDataset writes): time, held-out accuracy, Brier score, ECE and saturated scores.
// Usage: node --import tsx src/ml/classifier/bench-run.ts [DATASET_DIR | --n ROWS]
// Without DATASET_DIR the set is generated in memory (same seed, same arrays as writeDataset).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type BenchData, generateBenchData, oneHot } from './bench-data.js';
import { brierScore, expectedCalibrationError, saturatedScores } from './calibration.js';
import { predict } from './model.js';
import { decodeNpy } from './npy.js';
import { train } from './train.js';

function load(dir: string): BenchData {
  const x = decodeNpy(readFileSync(path.join(dir, 'X.npy')));
  const y = decodeNpy(readFileSync(path.join(dir, 'y.npy')));
  const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Omit<BenchData, 'x' | 'y'>;
  if (!(x.data instanceof Float32Array) || !(y.data instanceof Int32Array)) throw new Error('unexpected dtypes');
  return { ...meta, x: x.data, y: y.data };
}

// `--n N`: the synthetic set with N rows instead (row 15, training time vs set size), generated in memory.
const [arg, value] = process.argv.slice(2);
const data = arg === undefined ? generateBenchData() : arg === '--n' ? generateBenchData({ n: Number(value) }) : load(arg);
const { d, k, trainCount: t } = data;
const started = performance.now();
const cpu = process.cpuUsage();
const model = train({ x: data.x.subarray(0, t * d), n: t, d, labels: oneHot(data.y.subarray(0, t), k) }, { k, mutuallyExclusive: true });
const cpuUsed = process.cpuUsage(cpu);
const seconds = (performance.now() - started) / 1000;
const m = data.n - t;
const p = predict(model, data.x.subarray(t * d), m);
let correct = 0;
for (let i = 0; i < m; i++) {
  let best = 0;
  for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c;
  if (best === data.y[t + i]) correct++;
}
const truth = data.y.subarray(t);
console.log(
  JSON.stringify({
    train_seconds: seconds,
    cpu_seconds: (cpuUsed.user + cpuUsed.system) / 1e6,
    accuracy: correct / m,
    epochs: model.lossCurve.length,
    n_train: t,
    n_test: m,
    brier: brierScore(p, truth, k),
    ece: expectedCalibrationError(p, truth, k),
    saturated: saturatedScores(p),
  }),
);
