import type { Input } from '../../domain/inputs.js';
import type { Store } from '../../ports/store.js';
import type { CallContext } from '../core/context.js';
import { ReadMemo, readKey } from '../reuse/read-memo.js';

/** One embedder's stored vectors of an app's inputs, as one contiguous row-major matrix. */
export interface VectorIndex {
  dim: number;
  /** Input pk -> its row. */
  rowOf: Map<string, number>;
  matrix: Float32Array;
}

/** Rows read per query when loading an app's inputs or vectors. */
const CHUNK = 1000;

/**
 * What a search scans, read once and reused until the store's ChangeClock moves (decision 0032):
 * every input of an app (newest first) and, per embedder, its vectors in one Float32Array. Any write
 * (by this process or, once seen, another) makes both stale, so every process answers what the
 * database holds; between writes a search costs the scan, not the reads. Few entries: a 10,000-input
 * text matrix is 80 MB.
 */
export interface SearchSnapshot {
  /** Every input of the app, newest first. */
  inputs: Input[];
  /** Their vectors of the embedder asked for (inputs without one have no row). */
  vectors?: VectorIndex;
}

export class SearchIndex {
  readonly #memo: ReadMemo<SearchSnapshot>;

  constructor(private readonly store: Store) {
    this.#memo = new ReadMemo(store.changes, { maxEntries: 4, maxAgeMs: 60_000 });
  }

  /**
   * The app's inputs and (with `embedder`) their vectors, read in one load so both belong to the
   * ChangeClock token sampled before it: a snapshot never pairs a newer input list with older vectors.
   */
  async snapshot(ctx: CallContext, embedder?: { id: string; dim: number }): Promise<SearchSnapshot> {
    return this.#memo.get(readKey('search', ctx, embedder?.id, embedder?.dim), ctx.now, async () => {
      const inputs = await this.#allInputs(ctx);
      return embedder ? { inputs, vectors: await this.#vectors(inputs, embedder.id, embedder.dim) } : { inputs };
    });
  }

  async #allInputs(ctx: CallContext): Promise<Input[]> {
    const out: Input[] = [];
    for (let page = 1; ; page++) {
      const chunk = await this.store.inputs.list({ userId: ctx.app!.userId, appId: ctx.app!.id, page: { page, perPage: CHUNK } });
      out.push(...chunk);
      if (chunk.length < CHUNK) return out;
    }
  }

  async #vectors(inputs: readonly Input[], embedderId: string, dim: number): Promise<VectorIndex> {
    const found: Float32Array[] = [];
    const rowOf = new Map<string, number>();
    for (let from = 0; from < inputs.length; from += CHUNK) {
      const pks = inputs.slice(from, from + CHUNK).map((i) => i.pk);
      const got = await this.store.embeddings.getMany(pks, embedderId);
      for (const pk of pks) {
        const v = got.get(pk);
        if (v?.length !== dim) continue;
        rowOf.set(pk, found.length);
        found.push(v);
      }
    }
    const matrix = new Float32Array(found.length * dim);
    found.forEach((v, r) => matrix.set(v, r * dim));
    return { dim, rowOf, matrix };
  }
}
