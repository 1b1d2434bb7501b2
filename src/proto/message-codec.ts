import protobuf from 'protobufjs';
import { JsonCodecError } from './codec-error.js';
import { assertSafeKey, assertWellFormed, checkJson } from './json-guard.js';
import { BoxedScalar, parseTimestamp } from './wkt-wrappers.js';

/**
 * Binary <-> "API object" conversion for one message type. API objects are what the service layer
 * reads and writes: snake_case keys, enums as numbers, 64-bit ints as strings, bytes as base64,
 * Struct/Value as plain JSON, Timestamp as an RFC 3339 string. The REST codec produces the same shape.
 */
export interface MessageCodec {
  decode(buf: Uint8Array): Record<string, unknown>;
  encode(obj: Record<string, unknown>): Buffer;
}

/**
 * Encodes one message field on its own (tag, length, message). Protobuf messages concatenate: the
 * bytes of `status` followed by the bytes of the other fields decode as the whole response, so a
 * response whose body is cached needs only its status encoded per call. Byte-identical to encoding
 * the whole message when the field has the lowest number (status = 1 in every Clarifai response).
 */
export function fieldEncoder(type: protobuf.Type, fieldName: string): (value: Record<string, unknown>) => Buffer {
  const field = type.fields[fieldName];
  const sub = field?.resolvedType;
  if (!field || !sub || !('fieldsArray' in sub) || field.repeated) throw new Error(`${type.fullName}.${fieldName} is not a singular message field`);
  const t = sub as protobuf.Type;
  const tag = (field.id << 3) | 2;
  return (value) => {
    const w = protobuf.Writer.create().uint32(tag).fork();
    t.encode(t.fromObject(prepare(t, value)), w);
    return Buffer.from(w.ldelim().finish());
  };
}

const TIMESTAMP = '.google.protobuf.Timestamp';
/** Well-known types whose API form is not an object; the generated fromObject only accepts objects there. */
const SCALAR_WRAPPERS = new Set(
  ['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue'].map(
    (n) => `.google.protobuf.${n}`,
  ),
);
/** google.protobuf.Value may hold a bare string / number / bool (e.g. ModelTypeField.default_value). */
const VALUE = '.google.protobuf.Value';
/** Their wrappers take whole plain JSON: never descend into them. */
const JSON_WRAPPERS = new Set(['.google.protobuf.Struct', '.google.protobuf.ListValue']);
const isScalarForm = (t: protobuf.Type): boolean => t.fullName === TIMESTAMP || t.fullName === VALUE || SCALAR_WRAPPERS.has(t.fullName);
const isFreeJson = (t: protobuf.Type): boolean => t.fullName === VALUE || JSON_WRAPPERS.has(t.fullName);

/**
 * Fields of a type that are (`isTarget`), or transitively contain, a field of a target type; the
 * converters below visit only these, so a message without any costs one cached lookup.
 */
function fieldsLeadingTo(isTarget: (t: protobuf.Type) => boolean, alsoMaps: boolean): (type: protobuf.Type) => protobuf.Field[] {
  const cache = new WeakMap<protobuf.Type, protobuf.Field[]>();
  const scan = (type: protobuf.Type, seen: Set<protobuf.Type>): protobuf.Field[] => {
    const cached = cache.get(type);
    if (cached) return cached;
    seen.add(type);
    const out: protobuf.Field[] = [];
    for (const f of type.fieldsArray) {
      const rt = f.resolvedType;
      if (!rt || !('fieldsArray' in rt)) {
        if (alsoMaps && f.map) out.push(f);
        continue;
      }
      const t = rt as protobuf.Type;
      if (isTarget(t) || (alsoMaps && f.map)) out.push(f);
      else if (JSON_WRAPPERS.has(t.fullName)) continue;
      // A type still being scanned (recursive messages such as ModelTypeField -> enum options -> ModelTypeField)
      // counts as "may contain": answering "no" here would be cached for the inner type and lose its nested fields.
      else if (seen.has(t) || scan(t, seen).length > 0) out.push(f);
    }
    seen.delete(type);
    cache.set(type, out);
    return out;
  };
  return (type) => scan(type, new Set());
}

/** Fields of `type` that are, or transitively contain, a Timestamp or scalar wrapper (generated fromObject rejects strings there). */
const fieldsWithTimestamps = fieldsLeadingTo(isScalarForm, false);
/** Fields of `type` that are, or transitively contain, free-form JSON or a map (keys chosen by the sender). */
const fieldsWithFreeKeys = fieldsLeadingTo(isFreeJson, true);

/** The gRPC side of the REST codec's key and depth checks (json-guard), on a decoded request. */
function guardFreeJson(type: protobuf.Type, obj: Record<string, unknown>, path: string): void {
  for (const f of fieldsWithFreeKeys(type)) {
    const v = obj[f.name];
    if (v == null) continue;
    const p = path ? `${path}.${f.name}` : f.name;
    const t = f.resolvedType instanceof protobuf.Type ? f.resolvedType : undefined;
    const visit = (x: unknown, at: string): void => {
      if (!t || x === null || typeof x !== 'object') return;
      if (isFreeJson(t)) checkJson(x, at);
      else guardFreeJson(t, x as Record<string, unknown>, at);
    };
    if (f.map) {
      for (const k of Object.keys(v as object)) {
        assertSafeKey(k, `${p}.${k}`);
        visit((v as Record<string, unknown>)[k], `${p}.${k}`);
      }
    } else if (f.repeated) (v as unknown[]).forEach((x, i) => visit(x, `${p}[${i}]`));
    else visit(v, p);
  }
}

function prepare(type: protobuf.Type, obj: Record<string, unknown>): Record<string, unknown> {
  const fields = fieldsWithTimestamps(type);
  if (fields.length === 0) return obj;
  let copy: Record<string, unknown> | undefined;
  for (const f of fields) {
    const v = obj[f.name];
    if (v == null) continue;
    const t = f.resolvedType as protobuf.Type;
    const conv = (x: unknown): unknown => {
      if (t.fullName === TIMESTAMP) return typeof x === 'string' ? parseTimestamp(x) : x;
      if (SCALAR_WRAPPERS.has(t.fullName)) return x !== null && typeof x === 'object' ? x : { value: x };
      if (t.fullName === VALUE) return x !== null && typeof x === 'object' ? x : new BoxedScalar(x);
      return x && typeof x === 'object' ? prepare(t, x as Record<string, unknown>) : x;
    };
    copy ??= { ...obj };
    if (f.repeated) copy[f.name] = (v as unknown[]).map(conv);
    else if (f.map) copy[f.name] = Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, conv(x)]));
    else copy[f.name] = conv(v);
  }
  return copy ?? obj;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
/** What a string whose bytes are not UTF-8 decodes to below: a lone surrogate, which no valid UTF-8 can produce. */
const NOT_UTF8 = '\uD800';

/** Every string (and key) of a decoded message must be well-formed; the first that is not is named. */
function checkStrings(v: unknown, path: string): void {
  if (typeof v === 'string') return assertWellFormed(v, path || '(message)');
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) return v.forEach((x, i) => checkStrings(x, `${path}[${i}]`));
  for (const [k, x] of Object.entries(v)) {
    const p = path ? `${path}.${k}` : k;
    assertWellFormed(k, p); // map keys (Struct fields included) are strings too
    checkStrings(x, p);
  }
}

/**
 * protobufjs refuses a proto3 string that is not UTF-8 without saying which field it was. To name it
 * (as REST names a lone surrogate), a failed message is decoded again with strings read leniently, bad
 * ones as NOT_UTF8, and the same well-formedness check REST runs finds the path. Only failed decodes pay.
 */
function namedDecodeError(type: protobuf.Type, buf: Uint8Array, original: unknown): unknown {
  const reader = protobuf.Reader.create(buf);
  reader.stringVerify = function (this: protobuf.Reader): string {
    try {
      return STRICT_UTF8.decode(this.bytes());
    } catch {
      return NOT_UTF8;
    }
  };
  try {
    checkStrings(type.toObject(type.decode(reader), TO_OBJECT), '');
  } catch (e) {
    if (e instanceof JsonCodecError) return e;
  }
  return original;
}

// No `arrays`/`objects` defaults: absent lists stay absent, as in REST JSON, so "not sent" means the same on both transports.
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number, bytes: String };

export function messageCodec(type: protobuf.Type): MessageCodec {
  return {
    decode: (buf) => {
      let msg: protobuf.Message;
      try {
        msg = type.decode(buf);
      } catch (e) {
        throw namedDecodeError(type, buf, e);
      }
      const obj = type.toObject(msg, TO_OBJECT) as Record<string, unknown>;
      guardFreeJson(type, obj, '');
      return obj;
    },
    encode: (obj) => Buffer.from(type.encode(type.fromObject(prepare(type, obj))).finish()),
  };
}
