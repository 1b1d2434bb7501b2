import protobuf from 'protobufjs';

/** A JSON Schema (OpenAPI 3.1 uses JSON Schema 2020-12 as it is). */
export type JsonSchema = Record<string, unknown>;

const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const INT32 = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);

/** 64-bit integers: a JSON number below 2^53, or a decimal string (proto3 JSON writes them as strings). */
const INT64_SCHEMA: JsonSchema = { type: ['integer', 'string'], pattern: '^-?[0-9]+$' };

export function scalarSchema(type: string): JsonSchema {
  if (type === 'string') return { type: 'string' };
  if (type === 'bool') return { type: 'boolean' };
  if (type === 'double' || type === 'float') return { type: 'number' };
  if (type === 'bytes') return { type: 'string', contentEncoding: 'base64' };
  if (INT64.has(type)) return { ...INT64_SCHEMA };
  if (INT32.has(type)) return type.startsWith('u') || type === 'fixed32' ? { type: 'integer', minimum: 0 } : { type: 'integer' };
  return {};
}

/** Well-known types in their proto3 JSON form, as the codec reads and writes them (proto/json-codec.ts). */
const WELL_KNOWN: Record<string, JsonSchema> = {
  '.google.protobuf.Timestamp': { type: 'string', format: 'date-time' },
  '.google.protobuf.Duration': { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{1,9})?s$' },
  '.google.protobuf.Struct': { type: 'object', description: 'Free-form JSON object' },
  '.google.protobuf.Value': { description: 'Any JSON value' },
  '.google.protobuf.ListValue': { type: 'array', description: 'Free-form JSON array' },
  '.google.protobuf.Empty': { type: 'object', additionalProperties: false },
  '.google.protobuf.FieldMask': { type: 'string', description: 'Comma-separated field paths' },
  '.google.protobuf.Any': { type: 'object', properties: { '@type': { type: 'string' } } },
};
const WRAPPERS: Record<string, string> = {
  DoubleValue: 'double',
  FloatValue: 'float',
  Int64Value: 'int64',
  UInt64Value: 'uint64',
  Int32Value: 'int32',
  UInt32Value: 'uint32',
  BoolValue: 'bool',
  StringValue: 'string',
  BytesValue: 'bytes',
};
for (const [name, scalar] of Object.entries(WRAPPERS)) WELL_KNOWN[`.google.protobuf.${name}`] = scalarSchema(scalar);

/** Component name of a proto type: its full name without the leading dot (`clarifai.api.Model`). */
export const componentName = (t: protobuf.ReflectionObject): string => t.fullName.slice(1);

const ref = (t: protobuf.ReflectionObject): JsonSchema => ({ $ref: `#/components/schemas/${componentName(t)}` });

/**
 * JSON Schemas of proto messages in Clarifai's JSON conventions — snake_case field names (the protos'
 * own), enums as numbers, 64-bit integers as numbers or strings, well-known types in proto3 JSON —
 * as components referenced by `$ref`, so recursive messages stay finite. Messages refuse fields they
 * do not declare, as the REST decoder does.
 */
export class ProtoSchemas {
  readonly components: Record<string, JsonSchema> = {};

  /** A `$ref` to the message (or enum), adding it and everything it reaches to `components`. */
  of(type: protobuf.Type | protobuf.Enum): JsonSchema {
    const wk = WELL_KNOWN[type.fullName];
    if (wk) return wk;
    const name = componentName(type);
    if (!this.components[name]) {
      if (type instanceof protobuf.Enum) this.components[name] = enumSchema(type);
      else {
        this.components[name] = {}; // placeholder: a message that reaches itself refers to it by $ref
        this.components[name] = this.message(type);
      }
    }
    return ref(type);
  }

  /** The schema of one field's value (repeated and map fields included). */
  field(f: protobuf.Field): JsonSchema {
    const value = this.single(f);
    if (f.map) return { type: 'object', additionalProperties: value };
    if (f.repeated) return { type: 'array', items: value };
    return value;
  }

  /** Well-known types that are one JSON scalar (timestamps, wrappers, durations): query parameters like scalars. */
  isScalarLike(type: protobuf.Type): boolean {
    const wk = WELL_KNOWN[type.fullName];
    return wk !== undefined && (wk.type === 'string' || wk.type === 'number' || wk.type === 'integer' || wk.type === 'boolean' || Array.isArray(wk.type));
  }

  /** One value of the field, repeated or not. */
  single(f: protobuf.Field): JsonSchema {
    const rt = f.resolvedType;
    if (rt instanceof protobuf.Type || rt instanceof protobuf.Enum) return this.of(rt);
    return scalarSchema(f.type);
  }

  private message(type: protobuf.Type): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    for (const f of type.fieldsArray) properties[f.name] = this.field(f);
    const oneofs = type.oneofsArray.filter((o) => o.fieldsArray.length > 1).map((o) => `${o.name}: one of ${o.fieldsArray.map((x) => x.name).join(', ')}`);
    return {
      type: 'object',
      title: type.name,
      ...(oneofs.length ? { description: `At most one field of each group: ${oneofs.join('; ')}.` } : {}),
      properties,
      additionalProperties: false,
    };
  }
}

function enumSchema(e: protobuf.Enum): JsonSchema {
  const numbers = [...new Set(Object.values(e.values))].sort((a, b) => a - b);
  return {
    type: 'integer',
    title: e.name,
    description: `${componentName(e)}, sent as its number (the request decoder also takes the name).`,
    enum: numbers,
    'x-enum-varnames': numbers.map((n) => e.valuesById[n]),
  };
}
