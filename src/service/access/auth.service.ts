import { createHash } from 'node:crypto';
import type { ApiKey } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import type { KeyRepo } from '../../ports/store.js';
import { BoundedMap } from '../../runtime/bounded-map.js';
import type { Caller, MaybePromise } from '../core/context.js';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

const HEADER = /^Key ([A-Za-z0-9_\-.~+/=]{8,512})$/;
/** `Authorization: <scheme> <rest>`: the scheme decides 11102 (not ours) vs 11008 (ours, bad token). */
const SCHEME = /^(\S+)(?:\s+(.*))?$/s;

/**
 * 11008, Clarifai's answer to a token it does not know (its python-grpc test_auth.py sends
 * "Key SOME_INVALID_KEY" and expects CONN_KEY_INVALID; decision 0011): unknown, deleted and
 * malformed tokens answer alike, so a caller cannot tell "never existed" from "deleted".
 */
const keyInvalid = (): ApiError =>
  new ApiError(
    Code.CONN_KEY_INVALID,
    'The API key or personal access token is unknown, malformed or was deleted. Check the token, or create a key with PostKeys or a personal access token.',
  );

interface CacheEntry {
  key: ApiKey | null;
  /** Built once per lookup: the hot path hands the same object to every call. */
  caller: Caller | null;
  until: number;
}

const toCaller = (key: ApiKey): Caller => Object.freeze({ userId: key.userId, keyId: key.id, keyKind: key.kind, scopes: key.scopes, appIds: key.appIds });

function callerOf(entry: CacheEntry, now: number): Caller {
  const key = entry.key;
  if (!key || !entry.caller) throw keyInvalid();
  if (key.expiresAt !== null && key.expiresAt <= now)
    throw new ApiError(Code.CONN_KEY_INVALID, `API key ${key.id} expired at ${new Date(key.expiresAt).toISOString()}.`);
  return entry.caller;
}

/**
 * Resolves `Authorization: Key <token>` to a caller. Lookups are cached for a few seconds
 * (the hot path of every request); revocations in this process evict at once, other processes
 * see them within `ttlMs`.
 */
export class Authenticator {
  private readonly cache: BoundedMap<string, CacheEntry>;

  constructor(
    private readonly keys: KeyRepo,
    private readonly ttlMs = 5000,
    maxEntries = 10_000,
  ) {
    this.cache = new BoundedMap(maxEntries);
  }

  /** The caller of `Authorization: Key <token>`; synchronous when the key's lookup is cached. */
  authenticate(header: string | undefined, now: number): MaybePromise<Caller> {
    if (!header) {
      throw new ApiError(
        Code.CONN_INVALID_REQUEST,
        'Empty or malformed authorization header. Please provide an API key or personal access token as "Authorization: Key <token>".',
      );
    }
    const trimmed = header.trim();
    const m = HEADER.exec(trimmed);
    if (!m) {
      const [, scheme = '', token = ''] = SCHEME.exec(trimmed) ?? [];
      // The right scheme with a token of the wrong shape is a bad key, not a bad header.
      if (scheme === 'Key' && token) throw keyInvalid();
      // Only a case variant of "Key" (key, KEY, …) gets the case hint; any other scheme is told the form.
      const hint = scheme.toLowerCase() === 'key' ? ` The scheme is case-sensitive: use "Key", not "${scheme}".` : ' Expected "Key <token>".';
      throw new ApiError(Code.CONN_INVALID_REQUEST, `Malformed authorization header.${hint}`);
    }
    // Keyed by the token itself: hashing it costs more than the whole cached lookup.
    const token = m[1]!;
    const entry = this.cache.get(token);
    if (entry && entry.until >= now) return callerOf(entry, now);
    return this.keys.findByTokenHash(hashToken(token)).then((key) => {
      const fresh: CacheEntry = { key: key ?? null, caller: key ? toCaller(key) : null, until: now + this.ttlMs };
      this.cache.set(token, fresh);
      return callerOf(fresh, now);
    });
  }

  /** Drops cached lookups of a key (after DeleteKey). */
  evictKey(keyId: string): void {
    for (const [token, e] of this.cache) if (e.key?.id === keyId) this.cache.delete(token);
  }

  /** Drops cached lookups of the app keys bound to an app (after DeleteApp, which deletes them). */
  evictApp(userId: string, appId: string): void {
    for (const [token, e] of this.cache) if (e.key?.userId === userId && e.key.appIds.includes(appId)) this.cache.delete(token);
  }
}
