import type { ChangeClock } from '../ports/changes.js';
import type { ApiObject, CallContext, MaybePromise } from './context.js';
import { seal } from './sealed.js';

interface Entry {
  token: number;
  at: number;
  body: ApiObject;
}

export interface AnswerCacheOptions {
  maxEntries: number;
  /** A ceiling on reuse even when nothing was heard of, in case a change went unseen. */
  maxAgeMs: number;
}

/**
 * Answers of read RPCs (GetModel …), reused until the data may have changed: each entry carries the
 * ChangeClock token sampled before its reads, and is served only while the clock still shows that
 * token. Any write — this process's at once, another process's as soon as the clock sees it — makes
 * every entry stale, so a reader never gets an answer a write it could know of has outdated.
 * Bodies are sealed, so transports can keep their encodings too.
 */
export class AnswerCache {
  readonly #entries = new Map<string, Entry>();
  #token: number | undefined;

  constructor(
    private readonly changes: ChangeClock,
    private readonly opts: AnswerCacheOptions = { maxEntries: 10_000, maxAgeMs: 60_000 },
  ) {}

  /** The cached answer (synchronously, on a hit) or `load()`'s, which is then kept. */
  get(key: string, now: number, load: () => Promise<ApiObject>): MaybePromise<ApiObject> {
    const token = this.changes.token();
    if (token === undefined) return load();
    if (token !== this.#token) {
      this.#entries.clear(); // every entry is stale: drop them instead of letting them age out
      this.#token = token;
    }
    const hit = this.#entries.get(key);
    if (hit && hit.token === token && now - hit.at < this.opts.maxAgeMs) return hit.body;
    return load().then((loaded) => {
      const body = seal(loaded);
      // A read that started before a newer token was seen must not replace what was loaded since.
      if (token !== this.#token) return body;
      if (this.#entries.size >= this.opts.maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
      this.#entries.set(key, { token, at: now, body });
      return body;
    });
  }
}

/** The cache key of a read in the call's app: the RPC and the request fields its answer depends on. */
export function answerKey(rpc: string, ctx: CallContext, ...fields: unknown[]): string {
  let key = `${rpc}\u0000${ctx.app?.userId ?? ctx.userId}\u0000${ctx.app?.id ?? ''}`;
  for (const f of fields) key += `\u0000${f === undefined || f === null ? '' : String(f)}`;
  return key;
}
