import type protobuf from 'protobufjs';
import type { Rng } from './rng.js';

/** Ids that exist on the fuzzed server, so that generated requests reach past the lookups. */
export interface Fixture {
  userId: string;
  appId: string;
  /** Model, version, input, concept and dataset ids created before the run. */
  ids: string[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Strings that have broken parsers, routers, LIKE clauses, loggers and renderers elsewhere. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '%',
  '%00',
  '../../etc/passwd',
  '..%2f..%2f',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '\\',
  'ab\r\ncd',
  '\u202eevil',
  '🙂'.repeat(64),
  'ﷺ',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e400',
  '__proto__',
  'constructor',
  'prototype',
  'x'.repeat(300),
  'y'.repeat(70_000),
  '*',
  '%s%s%n',
  '{{7*7}}',
  '$where',
];

/** URLs that the default fetch policy refuses before any connection, so no fuzz case waits on the network. */
const URLS = [
  'http://127.0.0.1:1/x.jpg',
  'http://169.254.169.254/latest/meta-data',
  'http://[::1]/a',
  'file:///etc/passwd',
  'ftp://x/y',
  'not a url',
  'http://0.0.0.0/',
  'data:text/plain,hi',
];

const WORDS = ['cat', 'dog', 'a', 'model', 'sentiment', 'e1', 'Main', 'images', 'text', 'ok'];

const isIdField = (name: string): boolean => name === 'id' || name.endsWith('_id') || name.endsWith('_ids') || name === 'ids';

function scalar(r: Rng, field: protobuf.Field, fx: Fixture): Json {
  const name = field.name;
  switch (field.type) {
    case 'string':
      if (name === 'user_id') return r.chance(0.8) ? r.pick([fx.userId, 'me']) : r.pick(HOSTILE_STRINGS);
      if (name === 'app_id') return r.chance(0.8) ? fx.appId : r.pick(HOSTILE_STRINGS);
      if (name === 'url') return r.pick(URLS);
      if (isIdField(name) && r.chance(0.7)) return r.pick(fx.ids);
      return r.chance(0.9) ? r.pick(WORDS) : r.pick(HOSTILE_STRINGS);
    case 'bool':
      return r.chance(0.5);
    case 'float':
    case 'double':
      return r.chance(0.8) ? Math.round(r.next() * 1000) / 1000 : r.pick([-1, 1e308, -1e-308, 2 ** 53 + 1, 0]);
    case 'bytes':
      return r.pick(['', 'aGVsbG8=', 'not base64!', 'iVBORw0KGgo=']);
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return r.chance(0.7) ? String(r.int(200)) : r.pick(['-1', '18446744073709551616', '9223372036854775807', 'abc']);
    default: // 32-bit integers
      return r.chance(0.8) ? r.int(200) : r.pick([-1, 2 ** 31, 2 ** 32 + 5, 1.5]);
  }
}

export function randomJson(r: Rng, depth: number): Json {
  const k = r.int(depth > 0 ? 6 : 4);
  if (k === 0) return r.pick(WORDS);
  if (k === 1) return r.int(1000) - 500;
  if (k === 2) return r.chance(0.5);
  if (k === 3) return null;
  if (k === 4) return [randomJson(r, depth - 1), randomJson(r, depth - 1)];
  return { [r.pick(WORDS)]: randomJson(r, depth - 1), [r.pick(WORDS) + 'x']: randomJson(r, depth - 1) };
}

/** Well-known types in decision 0001's shape: Struct as a JSON object, Timestamp as text, wrappers bare. */
const WELL_KNOWN: Record<string, (r: Rng) => Json> = {
  'google.protobuf.Struct': (r) => ({ [r.pick(WORDS)]: randomJson(r, 2) }),
  'google.protobuf.Value': (r) => randomJson(r, 2),
  'google.protobuf.ListValue': (r) => [randomJson(r, 1)],
  'google.protobuf.Timestamp': (r) => r.pick(['2023-01-20T00:00:00Z', 'yesterday', '1970-01-01T00:00:00.000Z', '9999-99-99']),
  'google.protobuf.BoolValue': (r) => r.chance(0.5),
  'google.protobuf.StringValue': (r) => r.pick(WORDS),
  'google.protobuf.FloatValue': (r) => r.next(),
  'google.protobuf.DoubleValue': (r) => r.next(),
  'google.protobuf.Int32Value': (r) => r.int(100),
  'google.protobuf.UInt32Value': (r) => r.int(100),
  'google.protobuf.Int64Value': (r) => String(r.int(100)),
  'google.protobuf.UInt64Value': (r) => String(r.int(100)),
  'google.protobuf.Empty': () => ({}),
};

function fieldValue(r: Rng, field: protobuf.Field, fx: Fixture, depth: number): Json {
  field.resolve();
  const t = field.resolvedType;
  if (t && 'values' in t) {
    const values = Object.values((t as protobuf.Enum).values);
    return r.chance(0.9) ? r.pick(values) : 987_654;
  }
  if (t) return message(r, t as protobuf.Type, fx, depth + 1);
  return scalar(r, field, fx);
}

/**
 * A request-shaped object for `type`: a random subset of its fields with plausible values (fixture
 * ids in id fields, the fixture's user and app in user_app_id), recursing a few levels. The mutators
 * then break it; starting plausible lets the broken part reach past the first checks.
 */
export function message(r: Rng, type: protobuf.Type, fx: Fixture, depth = 0): { [k: string]: Json } | Json {
  const wkt = WELL_KNOWN[type.fullName.replace(/^\./, '')];
  if (wkt) return wkt(r);
  const out: { [k: string]: Json } = {};
  if (depth > 4) return out;
  for (const field of type.fieldsArray) {
    const wanted = field.name === 'user_app_id' ? 0.95 : depth === 0 ? 0.5 : 0.3;
    if (!r.chance(wanted)) continue;
    if (field.map) {
      out[field.name] = { [r.pick(WORDS)]: fieldValue(r, field, fx, depth) };
    } else if (field.repeated) {
      const n = r.int(4);
      out[field.name] = Array.from({ length: n }, () => fieldValue(r, field, fx, depth));
    } else {
      out[field.name] = fieldValue(r, field, fx, depth);
    }
  }
  return out;
}
