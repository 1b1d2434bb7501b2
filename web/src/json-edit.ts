/** What a JSON editor holds: a parsed value or the reason it is not acceptable. */
export type JsonEdit = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

// The server refuses these keys in free-form JSON (src/proto/json-guard.ts); say so before sending.
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function findPrototypeKey(v: unknown, path: string): string | undefined {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = findPrototypeKey(v[i], `${path}[${i}]`);
      if (hit) return hit;
    }
  } else if (v && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) {
      if (PROTOTYPE_KEYS.has(k)) return `${path}.${k}`;
      const hit = findPrototypeKey(child, `${path}.${k}`);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Validates the text of a metadata (google.protobuf.Struct) editor: a JSON object, no prototype keys. */
export function parseJsonObject(text: string, field = 'metadata'): JsonEdit {
  if (text.trim() === '') return { ok: true, value: {} };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${field} is not valid JSON: ${(e as Error).message}` };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    return { ok: false, error: `${field} must be a JSON object ({…}), not ${Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v}` };
  const bad = findPrototypeKey(v, field);
  if (bad) return { ok: false, error: `${bad} is not allowed as a key` };
  return { ok: true, value: v as Record<string, unknown> };
}
