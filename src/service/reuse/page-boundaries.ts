import type { Model } from '../../domain/entities.js';
import type { ChangeClock } from '../../ports/changes.js';
import type { ModelListQuery, ModelSortField } from '../../ports/store.js';
import { BoundedMap } from '../../runtime/bounded-map.js';

type Boundary = NonNullable<ModelListQuery['after']>;

const SEEKABLE: Partial<Record<ModelSortField, (m: Model) => string | number>> = {
  name: (m) => m.name,
  created_at: (m) => m.createdAt,
  modified_at: (m) => m.modifiedAt,
};

/**
 * Clarifai pages by number, and clients walk pages in order (1, 2, 3 …). An OFFSET page costs as
 * many index steps as rows it skips, so walking 100k models page by page would be quadratic. This
 * remembers where each page served ended (the last row's sort value and id) while the ChangeClock
 * shows no change, so the next page starts right after it by key: the same rows as OFFSET (the data
 * has not changed), at the cost of page 1. Any write anywhere forgets every boundary.
 */
export class PageBoundaries {
  readonly #entries: BoundedMap<string, { token: number; after: Boundary }>;
  #token: number | undefined;

  constructor(
    private readonly changes: ChangeClock,
    maxEntries = 10_000,
  ) {
    this.#entries = new BoundedMap(maxEntries);
  }

  async list(q: ModelListQuery, run: (q: ModelListQuery) => Promise<Model[]>): Promise<Model[]> {
    const valueOf = SEEKABLE[q.sort.field];
    const token = valueOf ? this.changes.token() : undefined;
    if (!valueOf || token === undefined) return run(q);
    if (token !== this.#token) {
      this.#entries.clear();
      this.#token = token;
    }
    const shape = shapeOf(q);
    const prev = q.page.page > 1 ? this.#entries.get(`${shape}\u0000${q.page.page - 1}`) : undefined;
    const rows = await run(prev && prev.token === token ? { ...q, after: prev.after } : q);
    const last = rows[rows.length - 1];
    if (last && rows.length === q.page.perPage && token === this.#token) {
      this.#entries.set(`${shape}\u0000${q.page.page}`, { token, after: { value: valueOf(last), id: last.id } });
    }
    return rows;
  }
}

/** Everything that selects and orders the rows, and the page size: pages of one shape follow each other. */
function shapeOf(q: ModelListQuery): string {
  const { page, after: _after, ...rest } = q;
  return `${JSON.stringify(rest)}\u0000${page.perPage}`;
}
