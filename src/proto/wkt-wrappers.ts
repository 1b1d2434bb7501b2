import protobuf from 'protobufjs';

/**
 * Makes protobufjs convert well-known types to and from their proto3-JSON forms, so the objects the
 * service layer sees are the same whichever transport a request came through:
 * Struct -> plain object, Value -> any JSON, ListValue -> array, Timestamp -> RFC 3339 string.
 * Registered once on our own protobufjs instance (v8); grpc tooling in tests uses another copy.
 */
type Wrapper = {
  fromObject(this: protobuf.Type, object: Record<string, unknown>): protobuf.Message;
  toObject(this: protobuf.Type, message: protobuf.Message, options?: protobuf.IConversionOptions): Record<string, unknown>;
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Msg = Record<string, unknown> & { kind?: string };

/**
 * A JSON scalar headed for a `google.protobuf.Value` field. Generated fromObject code rejects
 * non-objects for message fields before the Value wrapper runs, so the binary codec boxes
 * scalars in this and the wrapper unboxes them.
 */
export class BoxedScalar {
  constructor(readonly value: unknown) {}
}

const own = (o: object, k: string): boolean => Object.hasOwn(o, k);

/**
 * Sets `o[k] = v` as an own property even for k = "__proto__" (an assignment would set o's prototype
 * and the key would vanish): a sent "__proto__" key survives conversion, so the request guard
 * (json-guard) sees it and refuses it.
 */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** Decoded messages carry only the set oneof member as an own property (defaults live on the prototype). */
function valueToPlain(v: Msg | undefined | null): Json {
  if (!v) return null;
  if (own(v, 'structValue') && v.structValue != null) return structToPlain(v.structValue as Msg);
  if (own(v, 'listValue') && v.listValue != null) return listToPlain(v.listValue as Msg);
  if (own(v, 'stringValue')) return v.stringValue as string;
  if (own(v, 'numberValue')) return v.numberValue as number;
  if (own(v, 'boolValue')) return v.boolValue as boolean;
  return null;
}
function structToPlain(s: Msg): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  const fields = (s.fields ?? {}) as Record<string, Msg>;
  for (const k of Object.keys(fields)) setOwn(out, k, valueToPlain(fields[k]));
  return out;
}
function listToPlain(l: Msg): Json[] {
  return ((l.values ?? []) as Msg[]).map(valueToPlain);
}

/** Builds messages with `create` (not `fromObject`) so nested values never re-enter the wrappers. */
class WktBuilder {
  constructor(
    private readonly struct: protobuf.Type,
    private readonly value: protobuf.Type,
    private readonly list: protobuf.Type,
  ) {}
  static of(t: protobuf.Type): WktBuilder {
    const r = t.root;
    return new WktBuilder(r.lookupType('google.protobuf.Struct'), r.lookupType('google.protobuf.Value'), r.lookupType('google.protobuf.ListValue'));
  }
  toValue(v: unknown): protobuf.Message {
    if (v === null || v === undefined) return this.value.create({ nullValue: 0 });
    if (typeof v === 'number') return this.value.create({ numberValue: v });
    if (typeof v === 'string') return this.value.create({ stringValue: v });
    if (typeof v === 'boolean') return this.value.create({ boolValue: v });
    if (Array.isArray(v)) return this.value.create({ listValue: this.toList(v) });
    if (typeof v === 'object') return this.value.create({ structValue: this.toStruct(v as Record<string, unknown>) });
    return this.value.create({ nullValue: 0 });
  }
  toList(a: unknown[]): protobuf.Message {
    return this.list.create({ values: a.map((x) => this.toValue(x)) });
  }
  toStruct(o: Record<string, unknown>): protobuf.Message {
    const fields: Record<string, protobuf.Message> = {};
    for (const k of Object.keys(o)) setOwn(fields, k, this.toValue(o[k]));
    return this.struct.create({ fields });
  }
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** RFC 3339 -> {seconds, nanos}; throws on anything else. */
export function parseTimestamp(s: string): { seconds: number; nanos: number } {
  const m = RFC3339.exec(s);
  if (!m) throw new Error(`not an RFC 3339 timestamp: ${s}`);
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) throw new Error(`not an RFC 3339 timestamp: ${s}`);
  const frac = (m[2] ?? '').padEnd(9, '0');
  return { seconds: Math.floor(ms / 1000), nanos: Number(frac) };
}

export function formatTimestamp(seconds: number, nanos: number): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (!nanos) return `${base}Z`;
  return `${base}.${String(nanos)
    .padStart(9, '0')
    .replace(/0{1,6}$/, (z) => (z.length >= 6 ? '' : z.length >= 3 ? z.slice(3) : z))}Z`;
}

const timestamp: Wrapper = {
  fromObject(object) {
    if (typeof object === 'string') return this.create(parseTimestamp(object));
    return (this as unknown as { fromObject: (o: unknown) => protobuf.Message }).fromObject(object);
  },
  toObject(message) {
    const m = message as unknown as { seconds: number | { toNumber(): number }; nanos: number };
    const secs = typeof m.seconds === 'number' ? m.seconds : Number(m.seconds?.toNumber?.() ?? m.seconds ?? 0);
    return formatTimestamp(secs, m.nanos ?? 0) as unknown as Record<string, unknown>;
  },
};

function builderWrapper(build: (b: WktBuilder, v: unknown) => protobuf.Message, toPlain: (m: Msg) => unknown): Wrapper {
  let builder: WktBuilder | undefined;
  return {
    fromObject(object) {
      builder ??= WktBuilder.of(this);
      return build(builder, object);
    },
    toObject(message) {
      return toPlain(message as unknown as Msg) as Record<string, unknown>;
    },
  };
}

/** BoolValue & co. travel as their bare value, as in proto3 JSON. */
const scalarWrapper: Wrapper = {
  fromObject(object) {
    const generated = (this as unknown as { fromObject: (o: unknown) => protobuf.Message }).fromObject;
    return generated(object !== null && typeof object === 'object' ? object : { value: object });
  },
  toObject(message, options) {
    const generated = (this as unknown as { toObject: (m: protobuf.Message, o?: unknown) => Record<string, unknown> }).toObject;
    return generated(message, { ...options, defaults: true }).value as Record<string, unknown>;
  },
};

let registered = false;
export function registerWellKnownTypeWrappers(): void {
  if (registered) return;
  registered = true;
  const w = protobuf.wrappers as Record<string, unknown>;
  w['.google.protobuf.Timestamp'] = timestamp;
  for (const n of ['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue']) {
    w[`.google.protobuf.${n}`] = scalarWrapper;
  }
  w['.google.protobuf.Struct'] = builderWrapper((b, v) => b.toStruct((v ?? {}) as Record<string, unknown>), structToPlain);
  w['.google.protobuf.Value'] = builderWrapper((b, v) => b.toValue(v instanceof BoxedScalar ? v.value : v), valueToPlain);
  w['.google.protobuf.ListValue'] = builderWrapper((b, v) => b.toList((v ?? []) as unknown[]), listToPlain);
}
