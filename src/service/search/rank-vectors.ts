import type { Input } from '../../domain/inputs.js';
import { dotRow, rankTop, scoreOfCosine, TopK } from '../../domain/search-rank.js';
import type { SearchIndexMode } from '../../domain/search-scan.js';
import { chooseScan } from '../../domain/search-scan.js';
import type { AppVectors } from './app-vectors.js';

export interface RankedHits {
  /** The best `depth` hits, best first. */
  top: { input: Input; score: number }[];
  /** Hits over all pages: candidates scoring at least min_value. */
  total: number;
  scan: 'exact' | 'approximate';
}

/**
 * Ranks the candidates — every input with a vector (`selected` undefined: no filter) or the
 * filtered ones — by cosine to `q`, keeping the best `depth`. Exact, or through the HNSW graph as
 * chooseScan decides; either way a hit's score is the exact cosine of its stored vector, and the
 * total is exact (the approximate path is taken only without min_value, where every candidate counts).
 */
export function rankVectors(
  v: AppVectors,
  byPk: ReadonlyMap<string, Input>,
  selected: readonly Input[] | undefined,
  q: Float32Array,
  minValue: number,
  depth: number,
  mode: SearchIndexMode,
): RankedHits {
  const m = v.matrix;
  let rows: ArrayLike<number>;
  if (selected === undefined) rows = v.liveRows;
  else {
    const r: number[] = [];
    for (const i of selected) {
      const row = m.rowOf(i.pk);
      if (row !== undefined) r.push(row);
    }
    rows = r;
  }
  // A row's input, and its id as the tie-break (pages stay stable). A row whose input is not in this
  // read (a newer read's vectors, applied meanwhile) is no hit of it.
  const inputOf = (row: number): Input | undefined => byPk.get(m.pkOf(row) ?? '');
  const idOfRow = (row: number): string => inputOf(row)?.id ?? '';
  const scan = chooseScan({ mode, vectors: m.live, candidates: rows.length, depth, minValue, indexReady: v.approximate?.ready === true });
  const hits = (scored: { row: number; score: number }[]) =>
    scored.flatMap(({ row, score }) => {
      const input = inputOf(row);
      return input ? [{ input, score }] : [];
    });
  if (scan.kind === 'exact') {
    const ranked = rankTop(m.matrix, rows, q, (i) => idOfRow(rows[i]!), minValue, depth);
    return { top: hits(ranked.top.map((s) => ({ row: rows[s.index]!, score: s.score }))), total: ranked.total, scan: 'exact' };
  }
  let allowed: ((row: number) => boolean) | undefined;
  if (scan.filtered) {
    const mask = new Uint8Array(m.rows);
    for (let i = 0; i < rows.length; i++) mask[rows[i]!] = 1;
    allowed = (row) => mask[row] === 1;
  }
  // The graph proposes rows; each is scored exactly, and they are ordered by the same rule as the scan.
  const heap = new TopK(depth, idOfRow);
  for (const row of v.approximate!.search(q, depth, scan.ef, allowed)) heap.push(row, scoreOfCosine(dotRow(m.matrix, row, q)));
  return { top: hits(heap.sorted().map((s) => ({ row: s.index, score: s.score }))), total: rows.length, scan: 'approximate' };
}
