export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [k: string]: JsonValue;
}

export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep copy of plain JSON data. */
export const cloneJson = <T extends JsonValue>(v: T): T => structuredClone(v);

/** Reads a dotted path (`train_info.params.template`) from a JSON object. */
export function getPath(obj: JsonValue | undefined, path: string): JsonValue | undefined {
  let cur: JsonValue | undefined = obj;
  for (const part of path.split('.')) {
    if (!isJsonObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** Writes a dotted path, creating intermediate objects. */
export function setPath(obj: JsonObject, path: string, value: JsonValue): void {
  const parts = path.split('.');
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i]!;
    const next = cur[k];
    if (!isJsonObject(next)) cur[k] = {};
    cur = cur[k] as JsonObject;
  }
  cur[parts[parts.length - 1]!] = value;
}
