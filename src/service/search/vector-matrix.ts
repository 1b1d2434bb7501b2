/**
 * One embedder's vectors of an app's inputs as one contiguous row-major Float32Array that grows in
 * place (decision 0042): a new vector is appended, a removed one leaves a dead row (its input's pk
 * cleared) until dead rows outnumber live ones and the owner compacts. Row numbers are stable
 * between compactions, so the approximate index can label its points with them.
 */
export class VectorMatrix {
  #data: Float32Array;
  #rows = 0;
  #live = 0;
  readonly #pkOf: (string | undefined)[] = [];
  readonly #rowOf = new Map<string, number>();
  /** Rows removed since the approximate index last took them (it marks them deleted). */
  #removed: number[] = [];

  constructor(
    readonly dim: number,
    capacityRows = 1024,
  ) {
    this.#data = new Float32Array(Math.max(1, capacityRows) * dim);
  }

  /** Rows used, dead ones included: valid row numbers are 0 … rows − 1. */
  get rows(): number {
    return this.#rows;
  }

  get live(): number {
    return this.#live;
  }

  /** The used part of the matrix (a view: valid until the next add). */
  get matrix(): Float32Array {
    return this.#data.subarray(0, this.#rows * this.dim);
  }

  rowOf(pk: string): number | undefined {
    return this.#rowOf.get(pk);
  }

  /** The input in `row`; undefined for a dead row. */
  pkOf(row: number): string | undefined {
    return this.#pkOf[row];
  }

  row(row: number): Float32Array {
    return this.#data.subarray(row * this.dim, (row + 1) * this.dim);
  }

  /** Sets the input's vector: a new row, unless its current row already holds exactly `v`. */
  put(pk: string, v: Float32Array): void {
    const at = this.#rowOf.get(pk);
    if (at !== undefined) {
      if (sameVector(this.row(at), v)) return;
      this.remove(pk);
    }
    if ((this.#rows + 1) * this.dim > this.#data.length) {
      const grown = new Float32Array(Math.max(this.#data.length * 2, (this.#rows + 1) * this.dim));
      grown.set(this.#data.subarray(0, this.#rows * this.dim));
      this.#data = grown;
    }
    this.#data.set(v, this.#rows * this.dim);
    this.#pkOf.push(pk);
    this.#rowOf.set(pk, this.#rows);
    this.#rows++;
    this.#live++;
  }

  remove(pk: string): void {
    const row = this.#rowOf.get(pk);
    if (row === undefined) return;
    this.#rowOf.delete(pk);
    this.#pkOf[row] = undefined;
    this.#live--;
    this.#removed.push(row);
  }

  /** Rows removed since the last call (for the approximate index to mark deleted). */
  takeRemoved(): number[] {
    const r = this.#removed;
    this.#removed = [];
    return r;
  }

  /** Worth compacting: more dead rows than live ones (and enough to matter). */
  get sparse(): boolean {
    return this.#rows - this.#live > Math.max(1024, this.#live);
  }

  /** A new matrix of the live rows only, in row order (row numbers change: indexes over it start anew). */
  compacted(): VectorMatrix {
    const out = new VectorMatrix(this.dim, this.#live);
    for (let r = 0; r < this.#rows; r++) {
      const pk = this.#pkOf[r];
      if (pk !== undefined) out.put(pk, this.row(r));
    }
    out.#removed = [];
    return out;
  }
}

function sameVector(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
