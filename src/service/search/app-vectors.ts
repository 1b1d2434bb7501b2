import type { Input } from '../../domain/inputs.js';
import { type SearchIndexMode, wantsApproximate } from '../../domain/search-scan.js';
import { ApproximateIndex } from './approximate-index.js';
import { VectorMatrix } from './vector-matrix.js';

/** One read of an app's inputs (newest first), numbered in the order the reads began. */
export interface InputsRead {
  inputs: Input[];
  byPk: Map<string, Input>;
  seq: number;
}

/** Vectors of these inputs (absent: none stored). */
export type VectorFetch = (pks: string[]) => Promise<Map<string, Float32Array>>;

/** Inputs whose vectors are asked for per query. */
const CHUNK = 1000;

/**
 * One embedder's vectors of one app, kept in step with the app's inputs incrementally (decision 0042):
 * after each read of the inputs it asks the store only for the vectors of inputs that are new or
 * whose status changed since their vector was read (a vector is written with a status change: 30000
 * when processed, 30500 when re-indexed), and drops the rows of inputs that are gone. Steps run one
 * at a time, each with a newer read than the last, and apply their changes in one synchronous turn,
 * so a search never sees half of one.
 */
export class AppVectors {
  #matrix: VectorMatrix;
  #approximate: ApproximateIndex | undefined;
  /** Input pk -> its status code when its vector (or the lack of one) was last read. */
  readonly #seen = new Map<string, number>();
  #seq = -1;
  #liveRows = new Int32Array(0);
  #lock: Promise<void> = Promise.resolve();

  constructor(
    readonly dim: number,
    private readonly mode: SearchIndexMode,
  ) {
    this.#matrix = new VectorMatrix(dim);
  }

  get matrix(): VectorMatrix {
    return this.#matrix;
  }

  /** The HNSW graph over the matrix, when the mode and size want one (it may still be building). */
  get approximate(): ApproximateIndex | undefined {
    return this.#approximate;
  }

  /** Every live row, in row order (the candidates of a search without filters). */
  get liveRows(): Int32Array {
    return this.#liveRows;
  }

  /** Brings the vectors up to `read` (a no-op when a read as new was followed already). */
  follow(read: InputsRead, fetch: VectorFetch): Promise<void> {
    const step = this.#lock.then(() => this.#step(read, fetch));
    this.#lock = step.catch(() => undefined);
    return step;
  }

  /** Stops the approximate index's background build (this entry is being dropped). */
  close(): void {
    this.#approximate?.close();
  }

  async #step(read: InputsRead, fetch: VectorFetch): Promise<void> {
    if (read.seq <= this.#seq) return;
    const ask = read.inputs.filter((i) => this.#seen.get(i.pk) !== i.status.code);
    const got = new Map<string, Float32Array>();
    for (let from = 0; from < ask.length; from += CHUNK) {
      for (const [pk, v] of await fetch(ask.slice(from, from + CHUNK).map((i) => i.pk))) got.set(pk, v);
    }
    // From here on synchronous: the changes land in one turn of the event loop.
    for (const pk of this.#seen.keys()) {
      if (read.byPk.has(pk)) continue;
      this.#matrix.remove(pk);
      this.#seen.delete(pk);
    }
    for (const i of ask) {
      const v = got.get(i.pk);
      if (v?.length === this.dim) this.#matrix.put(i.pk, v);
      else this.#matrix.remove(i.pk);
      this.#seen.set(i.pk, i.status.code);
    }
    this.#seq = read.seq;
    if (this.#matrix.sparse) {
      this.#matrix = this.#matrix.compacted();
      this.close();
      this.#approximate = undefined;
    }
    if (wantsApproximate(this.mode, this.#matrix.live)) {
      this.#approximate ??= new ApproximateIndex(this.#matrix);
      void this.#approximate.catchUp();
    } else {
      this.close();
      this.#approximate = undefined;
      this.#matrix.takeRemoved();
    }
    const live = new Int32Array(this.#matrix.live);
    for (let r = 0, n = 0; r < this.#matrix.rows; r++) if (this.#matrix.pkOf(r) !== undefined) live[n++] = r;
    this.#liveRows = live;
  }
}
