import type hnswlib from 'hnswlib-node';
import { onFirstUse } from '../../runtime/on-first-use.js';
import type { VectorMatrix } from './vector-matrix.js';

/** hnswlib's native addon, required by the first index built (an app past the exact scan's size), not at start-up. */
const hnsw = onFirstUse<typeof hnswlib>('hnswlib-node');

/**
 * The graph's shape (decision 0042 and its addendum): 16 links a point, 100 candidates while
 * inserting. Measured in-process on bench 19's vectors (bench/search-recall.ts, 100 queries, 1,280-d,
 * load 8–10): recall@10 against the exact scan 1.000 at 10,000 with ef 128, but at 100,000 0.861 with
 * ef 128, 0.942 / 0.973 / 0.980 / 0.983 / 0.985 with ef 256 / 512 / 768 / 1,024 / 1,280. So the
 * search-time ef grows with the graph (efSearchFor, src/domain/search-scan.ts: 128 per 10,000 vectors,
 * 1,280 at 100,000), which makes that walk 1.6–3× the one at ef 128, still 3–6 % of the exact scan's
 * time. A wider M (32, ef_construction 200) should reach it with a narrower walk but builds ≥ 3×
 * longer: 100,000 took 1,064 s here with M 16 under load 8–9, and the M 32 build did not finish.
 */
export const HNSW_M = 16;
export const HNSW_EF_CONSTRUCTION = 100;
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
