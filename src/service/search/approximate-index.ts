import type hnswlib from 'hnswlib-node';
import { onFirstUse } from '../../runtime/on-first-use.js';
import type { VectorMatrix } from './vector-matrix.js';

/** hnswlib's native addon, required by the first index built (an app past the exact scan's size), not at start-up. */
const hnsw = onFirstUse<typeof hnswlib>('hnswlib-node');

/**
 * The graph's shape (decision 0042, second addendum): 24 links a point, 200 candidates while
 * inserting. Measured in-process on bench 19's 100,000 vectors (bench/search-recall.ts, 100 queries,
 * 1,280-d): recall@10 0.985 needed ef_search 1,280 with M 16 / ef_construction 100, 320 with M 32 /
 * 100, 448 with M 24 / 100 and 256 with M 24 / 200 (0.989; 0.992 at 320). A walk costs about
 * ef × 2M distances, so 24 / 200 at ef 320 (efSearchFor, src/domain/search-scan.ts) is under half the
 * old walk; the price is the build, ≈ 1.6× that of M 16 / 100 (1,667 s against 1,278 s for M 24 / 100
 * side by side at load 8–10, 1,064 s for M 16 / 100 earlier), which runs in background slices while
 * searches are answered exactly, and ≈ 1 % more graph memory (48 links of 4 bytes, not 32, beside
 * the vector's 5,120).
 */
export const HNSW_M = 24;
export const HNSW_EF_CONSTRUCTION = 200;
/** Rows added in the caller's turn when the index catches up; more are added in background slices. */
const SYNC_ROWS = 256;
/** A background slice adds rows for about this long, then yields to the event loop. */
const SLICE_MS = 10;

/**
 * An HNSW graph (hnswlib) over a VectorMatrix's rows, labelled by row number. It follows the matrix:
 * `catchUp` adds its new rows (a few at once, a backlog in slices of ~10 ms so requests keep being
 * served) and marks its removed rows deleted. Until it holds every row (`ready`), searches use the
 * exact scan, so an answer is never missing an input that the database holds.
 */
export class ApproximateIndex {
  readonly #graph: hnswlib.HierarchicalNSW;
  #capacity: number;
  /** Rows of the matrix taken so far (dead ones are skipped, not added). */
  #taken = 0;
  #building: Promise<void> | undefined;
  #closed = false;

  constructor(readonly matrix: VectorMatrix) {
    this.#graph = new (hnsw().HierarchicalNSW)('ip', matrix.dim);
    this.#capacity = Math.max(1024, Math.ceil(matrix.rows * 1.25));
    // A fixed seed: processes that insert the same rows in the same order build the same graph.
    this.#graph.initIndex(this.#capacity, HNSW_M, HNSW_EF_CONSTRUCTION, 100);
  }

  /** Every row of the matrix is in the graph (or was removed): searches may use it. */
  get ready(): boolean {
    return this.#taken === this.matrix.rows && !this.#closed;
  }

  /** Resolves once the index is ready (or closed); for tests and the bench's wait. */
  async built(): Promise<void> {
    while (!this.ready && !this.#closed) await (this.#building ?? this.catchUp() ?? Promise.resolve());
  }

  /** Takes the matrix's removals and new rows: a few now, a backlog in background slices. */
  catchUp(): Promise<void> | undefined {
    try {
      for (const row of this.matrix.takeRemoved()) if (row < this.#taken) this.#graph.markDelete(row);
      if (this.matrix.rows - this.#taken <= SYNC_ROWS) this.#add(this.matrix.rows);
    } catch {
      this.close();
      return undefined;
    }
    if (this.matrix.rows - this.#taken > SYNC_ROWS && !this.#building && !this.#closed)
      // A failed build (out of memory in the graph) closes the index: searches stay exact, never fail.
      this.#building = this.#background()
        .catch(() => this.close())
        .finally(() => (this.#building = undefined));
    return this.#building;
  }

  /** Stops a background build (the owner dropped this index). */
  close(): void {
    this.#closed = true;
  }

  async #background(): Promise<void> {
    while (!this.#closed && this.#taken < this.matrix.rows) {
      const until = performance.now() + SLICE_MS;
      while (this.#taken < this.matrix.rows && performance.now() < until) this.#add(this.#taken + 16);
      await new Promise((r) => setImmediate(r));
    }
  }

  #add(upTo: number): void {
    const end = Math.min(upTo, this.matrix.rows);
    if (end > this.#capacity) {
      this.#capacity = Math.max(end, this.#capacity * 2);
      this.#graph.resizeIndex(this.#capacity);
    }
    for (; this.#taken < end; this.#taken++) {
      const row = this.#taken;
      if (this.matrix.pkOf(row) !== undefined) this.#graph.addPoint(Array.from(this.matrix.row(row)), row);
    }
  }

  /**
   * The rows nearest to `q` by inner product (about `k`, best first), exploring `ef` candidates;
   * `allowed` restricts them (a filtered search). Scores are the caller's to compute exactly.
   */
  search(q: Float32Array, k: number, ef: number, allowed?: (row: number) => boolean): number[] {
    const n = Math.min(k, this.matrix.live, this.#capacity);
    if (n <= 0) return [];
    this.#graph.setEf(Math.max(ef, n));
    return this.#graph.searchKnn(Array.from(q), n, allowed).neighbors;
  }
}
