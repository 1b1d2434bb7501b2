import type { Input } from '../../domain/inputs.js';
import type { SearchIndexMode } from '../../domain/search-scan.js';
import type { Store } from '../../ports/store.js';
import type { CallContext } from '../core/context.js';
import { ReadMemo, readKey } from '../reuse/read-memo.js';
import { AppVectors, type InputsRead } from './app-vectors.js';

/** Rows read per query when loading an app's inputs. */
const CHUNK = 1000;
/** Apps × embedders whose vectors are kept (a 100,000 × 1,280 matrix is 512 MB, its graph as much again). */
const MAX_VECTOR_SETS = 4;

/**
 * What a search scans (decisions 0032, 0042): every input of an app (newest first), re-read when the
 * store's ChangeClock moves (any write, by this process or, once seen, another) and reused until
 * then; and per embedder its vectors in one growing Float32Array (AppVectors), updated from each new
 * read incrementally — only new inputs and inputs whose status changed have their vectors read. So
 * every process answers what the database holds, on SQLite and PostgreSQL alike.
 */
export interface SearchSnapshot {
  /** Every input of the app, newest first. */
  inputs: Input[];
  byPk: Map<string, Input>;
  /** The vectors of the embedder asked for (inputs without one have no row). */
  vectors?: AppVectors;
}

export class SearchIndex {
  readonly #memo: ReadMemo<InputsRead>;
  /** Least recently used first. */
  readonly #vectors = new Map<string, AppVectors>();
  #seq = 0;

  constructor(
    private readonly store: Store,
    readonly mode: SearchIndexMode = 'auto',
  ) {
    this.#memo = new ReadMemo(store.changes, { maxEntries: MAX_VECTOR_SETS, maxAgeMs: 60_000 });
  }

  /** The app's inputs and (with `embedder`) their vectors, brought up to that read of the inputs. */
  async snapshot(ctx: CallContext, embedder?: { id: string; dim: number }): Promise<SearchSnapshot> {
    const read = await this.#memo.get(readKey('search', ctx), ctx.now, async () => {
      const seq = ++this.#seq;
      const inputs = await this.#allInputs(ctx);
      return { inputs, byPk: new Map(inputs.map((i) => [i.pk, i])), seq };
    });
    if (!embedder) return { inputs: read.inputs, byPk: read.byPk };
    const vectors = this.#vectorsOf(readKey('search-vectors', ctx, embedder.id, embedder.dim), embedder.dim);
    await vectors.follow(read, (pks) => this.store.embeddings.getMany(pks, embedder.id));
    return { inputs: read.inputs, byPk: read.byPk, vectors };
  }

  /** Resolves once every kept approximate index holds all its rows (tests; the bench polls searches instead). */
  async built(): Promise<void> {
    for (const v of this.#vectors.values()) await v.approximate?.built();
  }

  #vectorsOf(key: string, dim: number): AppVectors {
    const had = this.#vectors.get(key);
    if (had) {
      this.#vectors.delete(key);
      this.#vectors.set(key, had);
      return had;
    }
    if (this.#vectors.size >= MAX_VECTOR_SETS) {
      const [oldest, v] = this.#vectors.entries().next().value!;
      v.close();
      this.#vectors.delete(oldest);
    }
    const made = new AppVectors(dim, this.mode);
    this.#vectors.set(key, made);
    return made;
  }

  /** Keyset pages of 1,000, newest first (each row read once, whatever the app's size). */
  async #allInputs(ctx: CallContext): Promise<Input[]> {
    const out: Input[] = [];
    for (;;) {
      const last = out[out.length - 1];
      const chunk = await this.store.inputs.list({
        userId: ctx.app!.userId,
        appId: ctx.app!.id,
        page: { page: 1, perPage: CHUNK },
        ...(last ? { after: { createdAt: last.createdAt, id: last.id } } : {}),
      });
      out.push(...chunk);
      if (chunk.length < CHUNK) return out;
    }
  }
}
