import type { ChangeClock } from '../../ports/changes.js';
import type { ApiObject, MaybePromise } from '../core/context.js';
import { ReadMemo, type ReadMemoOptions } from './read-memo.js';
import { seal } from './sealed.js';

export type AnswerCacheOptions = ReadMemoOptions;

/** Told of every lookup (metrics, trace logs): whether it was a hit, and the key. Must not throw. */
export type CacheLookups = (hit: boolean, key: string) => void;

/**
 * Answers of read RPCs (GetModel …), reused until the data may have changed (a ReadMemo: each entry
 * carries the ChangeClock token sampled before its reads and is served only while the clock still
 * shows it). Any write — this process's at once, another process's as soon as the clock sees it —
 * makes every entry stale, so a reader never gets an answer a write it could know of has outdated.
 * Bodies are sealed, so transports can keep their encodings too.
 */
export class AnswerCache {
  readonly #memo: ReadMemo<ApiObject>;

  readonly #lookups: CacheLookups | undefined;

  constructor(changes: ChangeClock, opts: AnswerCacheOptions = { maxEntries: 10_000, maxAgeMs: 60_000 }, lookups?: CacheLookups) {
    this.#memo = new ReadMemo(changes, opts);
    this.#lookups = lookups;
  }

  /** The cached answer (synchronously, on a hit) or `load()`'s, which is then kept. */
  get(key: string, now: number, load: () => Promise<ApiObject>): MaybePromise<ApiObject> {
    const r = this.#memo.get(key, now, () => load().then(seal));
    // A hit is the only synchronous answer: a miss (or a clock that cannot cache) loads, a promise.
    this.#lookups?.(!(r instanceof Promise), key);
    return r;
  }
}
