// JSON of a response body whose list items share sealed parts (PostModelOutputs: the same light
// model in each of up to 128 outputs, about half of the answer's bytes). JSON.stringify would print
// each copy again; here each shared part is printed once (and kept while the part lives, see
// sealedMemo) and spliced into the rest, which JSON.stringify prints with a short placeholder in
// its place. The bytes are exactly JSON.stringify's (the unit test compares them).
import { randomBytes } from 'node:crypto';
import type { ApiObject } from '../../service/core/context.js';
import { isSealed, sealedMemo } from '../../service/reuse/sealed.js';

/**
 * Placeholders start with U+0001, which JSON.stringify prints as the escape \u0001, and carry a
 * per-process random tag. A body's own strings could still print the same text (a client can
 * echo anything), so the splice counts the placeholders it finds: any extra one, and the body is
 * printed plainly instead.
 */
/** @internal Exported for the test that makes a body print a placeholder of its own. */
export const TAG = `\u0001mk-${randomBytes(8).toString('hex')}-`;

/** The JSON of a sealed part, printed once while it lives. */
const partJson = sealedMemo((part) => JSON.stringify(part));

/**
 * `JSON.stringify(body)`, with every sealed value of a field of a top-level list's items printed
 * once. Other bodies (no list, no sealed part) cost one scan of the lists' items over plain
 * JSON.stringify.
 */
export function bodyWithSharedParts(body: ApiObject): string {
  const parts: { part: ApiObject; uses: number }[] = [];
  const index = new Map<ApiObject, number>();
  let copy: ApiObject | undefined;
  for (const [key, list] of Object.entries(body)) {
    if (!Array.isArray(list)) continue;
    let items: unknown[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const item = list[i] as unknown;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
      let swapped: ApiObject | undefined;
      for (const field in item) {
        const value = (item as ApiObject)[field];
        if (typeof value !== 'object' || !isSealed(value)) continue;
        const part = value as ApiObject;
        let n = index.get(part);
        if (n === undefined) {
          n = parts.push({ part, uses: 0 }) - 1;
          index.set(part, n);
        }
        parts[n]!.uses++;
        // The spread keeps the item's key order; the field keeps its place.
        swapped ??= { ...(item as ApiObject) };
        swapped[field] = `${TAG}${n}`;
      }
      if (!swapped) continue;
      items ??= list.slice();
      items[i] = swapped;
    }
    if (items) {
      copy ??= { ...body };
      copy[key] = items;
    }
  }
  if (!copy) return JSON.stringify(body);
  let json = JSON.stringify(copy);
  // split/join: native and faster than a regular expression with a callback (measured in ADR 0044).
  for (const [n, { part, uses }] of parts.entries()) {
    const pieces = json.split(JSON.stringify(`${TAG}${n}`));
    if (pieces.length !== uses + 1) return JSON.stringify(body);
    json = pieces.join(partJson(part));
  }
  return json;
}
