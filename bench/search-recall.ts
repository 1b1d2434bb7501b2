// HNSW parameters in-process on bench 19's vectors (decision 0042, addendum): builds an hnswlib-node
// graph over `n` of bench/lib/search-vectors.ts's 1,280-d vectors with M and ef_construction, then for
// each ef_search reports recall@10 against the exact scan (rankTop, the server's exact path) over
// `queries` query inputs spread over the set (as bench 19 picks them), and the median per-query time of
// the graph walk and of the exact scan, as a ratio (the machine is shared: ratios, with the load).
// `node --import tsx bench/search-recall.ts n M efConstruction ef1,ef2,… [queries] [cacheDir]`; a built
// graph is saved in cacheDir (default /tmp/hnsw-recall) and read back by a later run with the same n, M
// and ef_construction, so ef_search can be swept again without rebuilding.
import { existsSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { rankTop } from '../src/domain/search-rank.js';
import { DIM, vectorOf } from './lib/search-vectors.js';

const [n, m, efc] = [2, 3, 4].map((i) => Number(process.argv[i]));
const efs = (process.argv[5] ?? '128').split(',').map(Number);
const queryCount = Number(process.argv[6] ?? 100);
const cacheDir = process.argv[7] ?? '/tmp/hnsw-recall';
if (!(n! > 0 && m! > 0 && efc! > 0)) throw new Error('usage: search-recall.ts n M efConstruction ef1,ef2,… [queries] [cacheDir]');
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const matrix = new Float32Array(n! * DIM);
for (let i = 0; i < n!; i++) vectorOf(i, matrix.subarray(i * DIM, (i + 1) * DIM));
const queries = Array.from({ length: queryCount }, (_, k) => (7 + k * Math.floor(n! / queryCount)) % n!);
const qv = queries.map((i) => matrix.slice(i * DIM, (i + 1) * DIM));

// The exact scan, as the server runs it without filters: every row, top 10 kept in a heap, ties by id.
const rows = Uint32Array.from({ length: n! }, (_, i) => i);
const idOf = (i: number) => String(i).padStart(6, '0');
const exactMs: number[] = [];
const truth = qv.map((q) => {
  const t = performance.now();
  const top = rankTop(matrix, rows, q, idOf, 0, 10).top.map((s) => s.index);
  exactMs.push(performance.now() - t);
  return top;
});

const graph = new hnswlib.HierarchicalNSW('ip', DIM);
mkdirSync(cacheDir, { recursive: true });
const file = path.join(cacheDir, `g-${n}-M${m}-efc${efc}.bin`);
let buildS = Number.NaN;
if (existsSync(file)) graph.readIndexSync(file);
else {
  const loadBefore = load();
  const t = performance.now();
  graph.initIndex(n!, m!, efc!, 100);
  for (let i = 0; i < n!; i++) graph.addPoint(Array.from(matrix.subarray(i * DIM, (i + 1) * DIM)), i);
  buildS = (performance.now() - t) / 1000;
  graph.writeIndexSync(file);
  console.error(`built n=${n} M=${m} efc=${efc} in ${buildS.toFixed(1)} s (load ${loadBefore} → ${load()})`);
}

const exact = median(exactMs);
// Bench 19's own 20 query inputs, (7 + k·n/20) mod n, are every fifth of these when `queries` is 100.
const benchQuery = (k: number) => queryCount === 100 && k % 5 === 0;
console.log(`| n | M | efC | efS | recall@10 | bench 19's 20 | graph ms/query | exact ms/query | graph / exact | build s | load |`);
for (const ef of efs) {
  graph.setEf(Math.max(ef, 10));
  let hit = 0;
  let benchHit = 0;
  const times: number[] = [];
  for (let round = 0; round < 3; round++)
    for (const [k, q] of qv.entries()) {
      const t = performance.now();
      const got = graph.searchKnn(Array.from(q), 10).neighbors;
      times.push(performance.now() - t);
      const found = got.filter((g) => truth[k]!.includes(g)).length;
      if (round === 0) hit += found;
      if (round === 0 && benchQuery(k)) benchHit += found;
    }
  const ms = median(times);
  const row = [
    n,
    m,
    efc,
    ef,
    (hit / (10 * qv.length)).toFixed(3),
    (benchHit / 200).toFixed(3),
    ms.toFixed(2),
    exact.toFixed(1),
    (ms / exact).toFixed(4),
    buildS.toFixed(0),
    load(),
  ];
  console.log(`| ${row.join(' | ')} |`);
}
