import { JsonCodecError } from './codec-error.js';

/**
 * The one check every decoder runs on free-form JSON (Struct / Value / ListValue fields such as
 * `metadata`, map keys, query-string paths) before a request reaches the service.
 *
 * Keys that name an object's prototype machinery are refused wherever they appear: written through an
 * ordinary object, `__proto__` replaces (or, one level down, pollutes) a prototype, and `constructor` /
 * `prototype` are the next steps of the same chain. Refusing them at the edge — rather than filtering them
 * in each consumer — means no later merge, spread or assignment can ever see one.
 */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

// String.prototype.isWellFormed is in Node 20 (V8 11.3) but not in the ES2022 lib this project compiles against.
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * Throws a JsonCodecError (→ 11100 naming the path) for a string that is not valid Unicode: a lone
 * UTF-16 surrogate (JSON's "\ud800" escape). Stored, it could not be sent back as UTF-8 (gRPC, and
 * REST's JSON) except as replacement characters. gRPC strings arrive as UTF-8, where invalid bytes take
 * the same path (message-codec.ts).
 */
export function assertWellFormed(s: string, path: string): void {
  if (wellFormed(s)) return;
  // The path may hold the bad key itself: the answer must stay well-formed to be sent at all.
  const shown = (path as unknown as { toWellFormed(): string }).toWellFormed();
  throw new JsonCodecError(shown, 'not valid Unicode (a lone UTF-16 surrogate, or bytes that are not UTF-8); send well-formed text');
}

/** Throws a JsonCodecError (→ 11100 naming the path) for a prototype key or a key that is not valid Unicode. */
export function assertSafeKey(key: string, path: string): void {
  if (PROTOTYPE_KEYS.has(key)) {
    throw new JsonCodecError(path, `"${key}" is not allowed as a key (it names JavaScript prototype machinery); rename the key`);
  }
  assertWellFormed(key, path);
}

/**
 * How deep free-form JSON may nest (an object or array inside `metadata` is level 2). Both transports
 * must be able to serve back what they accept: over gRPC each JSON level costs two protobuf message
 * levels (Struct → Value), and protobuf runtimes stop at 100 (protoc's default recursion limit, also
 * protobufjs' and Python's), with the response's own envelope (e.g. MultiModelOutputResponse → Output →
 * Model → ModelVersion → OutputInfo → params) on top. 32 levels leave room for every envelope.
 */
export const MAX_JSON_DEPTH = 32;

/** Walks free-form JSON: refuses prototype keys and invalid Unicode anywhere inside it and nesting deeper than MAX_JSON_DEPTH. */
export function checkJson(v: unknown, path: string, depth = 1): void {
  if (typeof v === 'string') return assertWellFormed(v, path);
  if (v === null || typeof v !== 'object') return;
  if (depth > MAX_JSON_DEPTH) {
    throw new JsonCodecError(path, `nested deeper than ${MAX_JSON_DEPTH} levels; flatten the value (the limit keeps every answer readable over gRPC)`);
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) checkJson(v[i], `${path}[${i}]`, depth + 1);
    return;
  }
  for (const k of Object.keys(v)) {
    const p = path ? `${path}.${k}` : k;
    assertSafeKey(k, p);
    checkJson((v as Record<string, unknown>)[k], p, depth + 1);
  }
}
