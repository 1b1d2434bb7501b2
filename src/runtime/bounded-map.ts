/**
 * A Map that holds at most `max` entries: setting a new key when full drops the oldest one. With
 * `lru`, a `get` hit counts as use (the entry moves to the back), so the least recently used goes
 * first. The one bounded cache of the code base (statements, app and key lookups, answers, page
 * boundaries, trained weights, neighbour sets): memory stays bounded whatever the traffic.
 */
export class BoundedMap<K, V> {
  readonly #map = new Map<K, V>();

  constructor(
    readonly max: number,
    private readonly lru = false,
  ) {}

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined && this.lru) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): this {
    this.#map.delete(key);
    if (this.#map.size >= this.max) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    this.#map.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.#map.entries();
  }
}
