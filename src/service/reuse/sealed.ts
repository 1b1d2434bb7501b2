import type { ApiObject } from '../core/context.js';

const sealedBodies = new WeakSet<object>();

function deepFreeze(o: unknown): void {
  if (o === null || typeof o !== 'object' || Object.isFrozen(o)) return;
  Object.freeze(o);
  for (const v of Object.values(o)) deepFreeze(v);
}

/**
 * Marks a response body as immutable and shared between answers (a cached read), so transports may
 * keep its encoding (`sealedMemo`). Deep-frozen: a handler or transport that tried to change a
 * shared answer would throw instead of corrupting the next one.
 */
export function seal<T extends ApiObject>(body: T): T {
  deepFreeze(body);
  sealedBodies.add(body);
  return body;
}

/** True for a body (or part of one) marked by `seal`: immutable, so its encoding may be kept and reused. */
export function isSealed(o: unknown): boolean {
  return typeof o === 'object' && o !== null && sealedBodies.has(o);
}

/**
 * `encode`, remembered per sealed body (a WeakMap: forgotten with the body); other bodies are
 * encoded every time.
 */
export function sealedMemo<E>(encode: (body: ApiObject) => E): (body: ApiObject) => E {
  const memo = new WeakMap<object, E>();
  return (body) => {
    if (!sealedBodies.has(body)) return encode(body);
    let e = memo.get(body);
    if (e === undefined) {
      e = encode(body);
      memo.set(body, e);
    }
    return e;
  };
}
