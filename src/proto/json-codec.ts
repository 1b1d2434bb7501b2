import protobuf from 'protobufjs';
import { JsonCodecError } from './codec-error.js';
import { assertSafeKey, assertWellFormed, checkJson, MAX_JSON_DEPTH } from './json-guard.js';
import { parseTimestamp } from './wkt-wrappers.js';

export { JsonCodecError };

export type DecodeMode = 'body' | 'query';

const WRAPPERS = new Set(
  ['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue'].map(
    (n) => `.google.protobuf.${n}`,
  ),
);

/** How a field's JSON value is read: worked out once per field, not per value. */
type FieldKind = 'scalar' | 'enum' | 'message' | 'struct' | 'value' | 'list' | 'timestamp' | 'duration' | 'wrapper';

interface FieldInfo {
  field: protobuf.Field;
  kind: FieldKind;
  /** kind 'enum'. */
  enumType?: protobuf.Enum;
  /** kind 'message'. */
  msgType?: protobuf.Type;
  /** kind 'wrapper': the wrapper's `value` field. */
  inner?: protobuf.Field;
}

interface TypeIndex {
  byName: Map<string, FieldInfo>;
  defaults: Array<[string, number]>;
}
const indexes = new WeakMap<protobuf.Type, TypeIndex>();

function fieldInfo(f: protobuf.Field): FieldInfo {
  const rt = f.resolvedType; // the root is resolveAll()-ed when loaded
  if (rt instanceof protobuf.Enum) return { field: f, kind: 'enum', enumType: rt };
  if (!(rt instanceof protobuf.Type)) return { field: f, kind: 'scalar' };
  // fullName is computed by protobufjs on every read: read it here, once per field.
  switch (rt.fullName) {
    case '.google.protobuf.Struct':
      return { field: f, kind: 'struct' };
    case '.google.protobuf.Value':
      return { field: f, kind: 'value' };
    case '.google.protobuf.ListValue':
      return { field: f, kind: 'list' };
    case '.google.protobuf.Timestamp':
      return { field: f, kind: 'timestamp' };
    case '.google.protobuf.Duration':
      return { field: f, kind: 'duration' };
    default: {
      const inner = WRAPPERS.has(rt.fullName) ? rt.fields.value : undefined;
      return inner ? { field: f, kind: 'wrapper', inner } : { field: f, kind: 'message', msgType: rt };
    }
  }
}

function indexOf(type: protobuf.Type): TypeIndex {
  let idx = indexes.get(type);
  if (idx) return idx;
  const byName = new Map<string, FieldInfo>();
  const defaults: Array<[string, number]> = [];
  for (const f of type.fieldsArray) {
    const info = fieldInfo(f);
    byName.set(f.name, info);
    const camel = protobuf.util.camelCase(f.name);
    if (!byName.has(camel)) byName.set(camel, info);
    const d = f.options?.['(clarifai.api.utils.cl_default_float)'];
    if (typeof d === 'number') defaults.push([f.name, d]);
  }
  idx = { byName, defaults };
  indexes.set(type, idx);
  return idx;
}

const INT32 = new Set(['int32', 'sint32', 'sfixed32']);
const UINT32 = new Set(['uint32', 'fixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function fail(path: string, reason: string): never {
  throw new JsonCodecError(path, reason);
}

function scalar(f: protobuf.Field, v: unknown, path: string, mode: DecodeMode): unknown {
  const t = f.type;
  if (t === 'string') {
    if (typeof v === 'string') {
      assertWellFormed(v, path);
      return v;
    }
    if (mode === 'query' && (typeof v === 'number' || typeof v === 'boolean')) return String(v);
    return fail(path, `expected a string, got ${typeName(v)}`);
  }
  if (t === 'bool') {
    if (typeof v === 'boolean') return v;
    if (mode === 'query' && typeof v === 'string') {
      if (v === 'true' || v === 'True' || v === '1') return true;
      if (v === 'false' || v === 'False' || v === '0' || v === '') return false;
    }
    return fail(path, `expected true or false, got ${JSON.stringify(v)}`);
  }
  if (t === 'bytes') {
    if (typeof v === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(v.replace(/\s+/g, ''))) return v;
    return fail(path, 'expected base64-encoded bytes');
  }
  if (t === 'float' || t === 'double') {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (Number.isFinite(n)) return n;
    return fail(path, `expected a number, got ${JSON.stringify(v)}`);
  }
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n)) return fail(path, `expected an integer, got ${JSON.stringify(v)}`);
  if (INT32.has(t) && (n < -2147483648 || n > 2147483647)) return fail(path, `integer out of range: ${n}`);
  if (UINT32.has(t) && (n < 0 || n > 4294967295)) return fail(path, `expected a non-negative integer up to 4294967295, got ${n}`);
  if (INT64.has(t)) {
    if (t.startsWith('u') || t.startsWith('fixed')) if (n < 0) return fail(path, `expected a non-negative integer, got ${n}`);
    return typeof v === 'string' ? v.trim() : String(v);
  }
  return n;
}

function enumValue(e: protobuf.Enum, v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) {
    if (e.valuesById[v] !== undefined) return v;
    return fail(path, `${v} is not a value of ${e.name}`);
  }
  if (typeof v === 'string') {
    // protobufjs also keys `values` by the number ("10" -> "PRIVATE"): only a name maps to a number.
    const n: unknown = e.values[v];
    if (typeof n === 'number') return n;
    if (/^\d+$/.test(v) && e.valuesById[Number(v)] !== undefined) return Number(v);
    return fail(path, `"${v}" is not a value of ${e.name}`);
  }
  return fail(path, `expected an enum name or number of ${e.name}, got ${typeName(v)}`);
}

function fieldValue(info: FieldInfo, v: unknown, path: string, mode: DecodeMode): unknown {
  switch (info.kind) {
    case 'scalar':
      return scalar(info.field, v, path, mode);
    case 'message':
      return decodeMessage(info.msgType!, v, path, mode);
    case 'enum':
      return enumValue(info.enumType!, v, path);
    case 'struct':
      if (!isPlainObject(v)) fail(path, `expected a JSON object, got ${typeName(v)}`);
      checkJson(v, path);
      return v;
    case 'value':
      checkJson(v, path);
      return v;
    case 'list':
      if (!Array.isArray(v)) fail(path, `expected an array, got ${typeName(v)}`);
      checkJson(v, path);
      return v;
    case 'timestamp':
      if (typeof v !== 'string') fail(path, 'expected an RFC 3339 timestamp string');
      try {
        parseTimestamp(v);
      } catch {
        fail(path, `"${v}" is not an RFC 3339 timestamp`);
      }
      return v;
    case 'duration': {
      const m = typeof v === 'string' ? /^(-?\d+)(?:\.(\d{1,9}))?s$/.exec(v) : null;
      if (!m) fail(path, 'expected a duration such as "1.5s"');
      return { seconds: m[1], nanos: Number((m[2] ?? '').padEnd(9, '0')) };
    }
    case 'wrapper':
      return scalar(info.inner!, v, path, mode);
  }
}

function decodeMessage(type: protobuf.Type, json: unknown, path: string, mode: DecodeMode): Record<string, unknown> {
  if (!isPlainObject(json)) return fail(path, `expected an object (${type.name}), got ${typeName(json)}`);
  const idx = indexOf(type);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(json)) {
    const info = idx.byName.get(key);
    const p = path ? `${path}.${key}` : key;
    if (!info) {
      assertSafeKey(key, p);
      return fail(p, `unknown field "${key}" in ${type.name}`);
    }
    const f = info.field;
    const v = json[key];
    if (v === null || v === undefined) continue;
    if (f.map) {
      if (!isPlainObject(v)) fail(p, `expected an object, got ${typeName(v)}`);
      const m: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        assertSafeKey(k, `${p}.${k}`);
        m[k] = fieldValue(info, x, `${p}.${k}`, mode);
      }
      out[f.name] = m;
    } else if (f.repeated) {
      const arr = Array.isArray(v) ? v : mode === 'query' ? [v] : fail(p, `expected an array, got ${typeName(v)}`);
      out[f.name] = arr.map((x, i) => {
        if (x === null) fail(`${p}[${i}]`, 'null is not allowed in a list');
        return fieldValue(info, x, `${p}[${i}]`, mode);
      });
    } else {
      if (f.partOf) {
        const clash = f.partOf.fieldsArray.find((o) => o !== f && out[o.name] !== undefined);
        if (clash) fail(p, `only one of ${f.partOf.fieldsArray.map((o) => o.name).join(', ')} may be set (also got ${clash.name})`);
      }
      out[f.name] = fieldValue(info, v, p, mode);
    }
  }
  for (const [name, d] of idx.defaults) if (out[name] === undefined) out[name] = d;
  return out;
}

/** Strict proto3-JSON decode of a REST body into an API object. Unknown fields and wrong types throw. */
export function decodeJsonBody(type: protobuf.Type, json: unknown, path = ''): Record<string, unknown> {
  return decodeMessage(type, json ?? {}, path, 'body');
}

/** Query strings arrive flat (`user_app_id.user_id=…`, repeated keys); nest them, then decode leniently typed. */
export function decodeQuery(type: protobuf.Type, query: Record<string, unknown>): Record<string, unknown> {
  // Null-prototype objects: whatever a key says, the nesting itself has no prototype to reach.
  const nested: Record<string, unknown> = Object.create(null);
  for (const [key, v] of Object.entries(query)) setPath(nested, key.split('.'), v, () => Object.create(null));
  return decodeMessage(type, nested, '', 'query');
}

/**
 * Sets a dotted path inside an object, creating intermediate objects with `make`. A path segment that
 * names prototype machinery (`__proto__`, `constructor`, `prototype`) is refused with a JsonCodecError.
 */
export function setPath(target: Record<string, unknown>, parts: string[], v: unknown, make: () => Record<string, unknown> = () => ({})): void {
  let o = target;
  // A key of thousands of dots (a.a.a…) would nest deeper than any message and overflow the stack later.
  if (parts.length > MAX_JSON_DEPTH)
    throw new JsonCodecError(
      `${parts.slice(0, 3).join('.')}…`,
      `the key has ${parts.length} dot-separated parts; fields nest at most ${MAX_JSON_DEPTH} levels`,
    );
  let at = '';
  for (const part of parts) {
    at = at ? `${at}.${part}` : part;
    assertSafeKey(part, at);
  }
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i]!;
    const next = o[k];
    if (!isPlainObject(next)) o[k] = make();
    o = o[k] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]!] = v;
}
