import type { ChangeClock } from '../../ports/changes.js';
import { BoundedMap } from '../../runtime/bounded-map.js';
import type { CallContext, MaybePromise } from '../core/context.js';

export interface ReadMemoOptions {
  maxEntries: number;
  /** A ceiling on reuse even when no change was heard of, in case one went unseen. */
  maxAgeMs: number;
}

/**
 * Results of reads, reused while the store's ChangeClock shows the token sampled before they were
 * read: any write, by this process or (once seen) another, makes every entry stale. Failed reads
 * (a missing model, an untrained version) are not kept. A hit answers synchronously (no promise).
 * Used for whole answers (AnswerCache) and for PostModelOutputs' reads of the model and version.
 */
export class ReadMemo<T> {
  readonly #entries: BoundedMap<string, { token: number; at: number; value: T }>;
  #token: number | undefined;

  constructor(
    private readonly changes: ChangeClock,
    private readonly opts: ReadMemoOptions = { maxEntries: 256, maxAgeMs: 60_000 },
  ) {
    this.#entries = new BoundedMap(opts.maxEntries);
  }

  get(key: string, now: number, load: () => Promise<T>): MaybePromise<T> {
    const token = this.changes.token();
    if (token === undefined) return load();
    if (token !== this.#token) {
      this.#entries.clear();
      this.#token = token;
    }
    const hit = this.#entries.get(key);
    if (hit && now - hit.at < this.opts.maxAgeMs) return hit.value;
    return load().then((value) => {
      // A read that began before a newer token was seen must not replace what was read since.
      if (token !== this.#token) return value;
      this.#entries.set(key, { token, at: now, value });
      return value;
    });
  }
}

/** The key of a read in the call's app: what is read (an RPC's answer, a model …) and the request fields it depends on. */
export function readKey(what: string, ctx: CallContext, ...fields: unknown[]): string {
  let key = `${what}\u0000${ctx.app?.userId ?? ctx.userId}\u0000${ctx.app?.id ?? ''}`;
  for (const f of fields) key += `\u0000${f === undefined || f === null ? '' : String(f)}`;
  return key;
}
