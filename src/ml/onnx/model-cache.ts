/**
 * Loaded models by key (a version's pk), least recently used first out once their bytes pass the
 * budget (MODELKEEP_MODEL_CACHE_MB). Loads are shared: concurrent requests for one version wait on
 * one load. A failed load is not kept, so the next request tries again. A model larger than the
 * whole budget is still served, and evicted as soon as another one is loaded.
 */
export class ModelCache<T> {
  readonly #entries = new Map<string, { value: Promise<T>; bytes: number }>();
  #bytes = 0;

  constructor(private readonly budgetBytes: number) {}

  get(key: string, load: () => Promise<{ value: T; bytes: number }>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit) {
      // Re-insert: a Map iterates in insertion order, so the first entry is the least recently used.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit.value;
    }
    const entry = { value: Promise.resolve() as unknown as Promise<T>, bytes: 0 };
    entry.value = load().then(
      (loaded) => {
        if (this.#entries.get(key) === entry) {
          entry.bytes = loaded.bytes;
          this.#bytes += loaded.bytes;
          this.#evict(key);
        }
        return loaded.value;
      },
      (e: unknown) => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
        throw e;
      },
    );
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Forgets a key (its version was deleted). */
  delete(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    this.#bytes -= e.bytes;
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  #evict(keep: string): void {
    for (const [k, e] of this.#entries) {
      if (this.#bytes <= this.budgetBytes) return;
      if (k === keep || e.bytes === 0) continue; // the newest, and loads still in flight, stay
      this.#bytes -= e.bytes;
      this.#entries.delete(k);
    }
  }
}
