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

export const isPrototypeKey = (key: string): boolean => PROTOTYPE_KEYS.has(key);

/** Throws a JsonCodecError (→ 11100 naming the path) for a prototype key. */
export function assertSafeKey(key: string, path: string): void {
  if (PROTOTYPE_KEYS.has(key)) {
    throw new JsonCodecError(path, `"${key}" is not allowed as a key (it names JavaScript prototype machinery); rename the key`);
  }
}

/**
 * How deep free-form JSON may nest (an object or array inside `metadata` is level 2). Both transports
 * must be able to serve back what they accept: over gRPC each JSON level costs two protobuf message
 * levels (Struct → Value), and protobuf runtimes stop at 100 (protoc's default recursion limit, also
 * protobufjs' and Python's), with the response's own envelope (e.g. MultiModelOutputResponse → Output →
 * Model → ModelVersion → OutputInfo → params) on top. 32 levels leave room for every envelope.
 */
export const MAX_JSON_DEPTH = 32;

/** Walks free-form JSON: refuses prototype keys anywhere inside it and nesting deeper than MAX_JSON_DEPTH. */
export function checkJson(v: unknown, path: string, depth = 1): void {
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
