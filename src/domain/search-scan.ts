// Which scan answers a ranked search (decision 0042): the exact cosine over every candidate row, or
// the approximate (HNSW) index. Pure and table-tested; the one place the rule lives.

/** MODELKEEP_SEARCH_INDEX. */
export type SearchIndexMode = 'auto' | 'exact' | 'hnsw';
export const SEARCH_INDEX_MODES: readonly SearchIndexMode[] = ['auto', 'exact', 'hnsw'];

/** `auto` builds the approximate index for an app's embedder from this many stored vectors on. */
export const AUTO_APPROXIMATE_MIN_ROWS = 10_000;
/** A filter that leaves fewer than this share of the vectors is answered exactly (a filtered graph walk loses recall there). */
export const MIN_APPROXIMATE_SHARE = 0.1;
/** Hits up to this rank (page × per_page) come from the graph; deeper pages are answered exactly. */
export const MAX_APPROXIMATE_RANK = 1000;
/** Candidates explored per query (hnswlib's ef) per 10,000 stored vectors (addendum 2: M 24, ef_construction 200). */
export const EF_SEARCH_PER_10K = 32;
/** The narrowest walk: recall@10 0.999 at 10,000 (addendum 2). */
export const MIN_EF_SEARCH = 64;
/** The widest walk: past it the exact scan over the candidates is the better answer. */
const MAX_EF = MAX_APPROXIMATE_RANK * 2;

/**
 * The ef a graph of `vectors` points is searched with (decision 0042, addenda): the neighbours of a
 * point get more numerous and closer together as the graph grows, so the same recall needs a wider
 * walk. Measured on bench 19's vectors (1,280-d) with the graph's shape (HNSW_M 24,
 * HNSW_EF_CONSTRUCTION 200, src/service/search/approximate-index.ts), 100 queries: recall@10 0.999 at
 * 10,000 with ef 64; at 100,000 0.989 with ef 256, 0.992 with 320 (0.985 on the bench's own 20
 * queries), 0.994 with 384. M 16 / ef_construction 100 needed ef 1,280 for 0.985 there.
 */
export const efSearchFor = (vectors: number): number => Math.min(MAX_EF, Math.max(MIN_EF_SEARCH, Math.ceil((EF_SEARCH_PER_10K * vectors) / 10_000)));

/** Whether the app's embedder gets an approximate index at all (it is built in the background). */
export const wantsApproximate = (mode: SearchIndexMode, vectors: number): boolean =>
  mode === 'hnsw' ? vectors > 0 : mode === 'auto' && vectors >= AUTO_APPROXIMATE_MIN_ROWS;

export interface ScanCase {
  mode: SearchIndexMode;
  /** Stored vectors of the embedder (live rows). */
  vectors: number;
  /** Rows the filters leave (all of them when the search has no filter). */
  candidates: number;
  /** The last rank the page asks for: page × per_page. */
  depth: number;
  /** `min_value`: a threshold needs every score to count the hits, so it is exact. */
  minValue: number;
  /** The index holds every stored vector (it is not still being built or catching up). */
  indexReady: boolean;
}

export type Scan = { kind: 'exact' } | { kind: 'approximate'; ef: number; filtered: boolean };

/**
 * Exact unless an approximate index is wanted and ready, the page is within the first 1,000 hits,
 * no `min_value` is set, and the filters leave at least a tenth of the vectors; then the graph is
 * walked with efSearchFor(vectors) widened by the share filtered out (a walk through a filter meets fewer allowed
 * points), never below the depth asked for.
 */
export function chooseScan(c: ScanCase): Scan {
  if (!wantsApproximate(c.mode, c.vectors) || !c.indexReady) return { kind: 'exact' };
  if (c.minValue > 0 || c.depth > MAX_APPROXIMATE_RANK || c.candidates === 0) return { kind: 'exact' };
  const share = c.candidates / c.vectors;
  if (share < MIN_APPROXIMATE_SHARE) return { kind: 'exact' };
  const filtered = c.candidates < c.vectors;
  const ef = Math.min(MAX_EF, Math.max(c.depth, Math.ceil(efSearchFor(c.vectors) / Math.min(1, share))));
  return { kind: 'approximate', ef, filtered };
}
