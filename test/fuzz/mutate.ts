import type { Rng } from './rng.js';
import { HOSTILE_STRINGS, randomJson } from './values.js';

type Obj = Record<string, unknown>;
const isContainer = (v: unknown): v is Obj | unknown[] => v !== null && typeof v === 'object';

/** Every container (object or array) in the tree, with the root. */
function containers(root: Obj): (Obj | unknown[])[] {
  const out: (Obj | unknown[])[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (!isContainer(v) || depth > 12) return;
    out.push(v);
    for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(root, 0);
  return out;
}

const nest = (levels: number, leaf: unknown): unknown => {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = { d: v };
  return v;
};

/** Sets `key` as an own property even when it is `__proto__` (plain assignment would change the prototype). */
const put = (o: Obj | unknown[], key: string, value: unknown): void => {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
};

/** One change each: wrong types, nulls, huge strings and arrays, deep nesting, odd numbers, unknown enums and fields, prototype keys. */
const MUTATIONS: ((r: Rng, target: Obj | unknown[], key: string) => void)[] = [
  (r, t, k) => put(t, k, r.pick([[], {}, 'text', 7, true, [1, 'a', null]])),
  (_r, t, k) => put(t, k, null),
  (r, t, k) => put(t, k, r.pick(HOSTILE_STRINGS)),
  (r, t, k) => put(t, k, 'z'.repeat(r.pick([513, 4097, 65_537, 300_000]))),
  (r, t, k) =>
    put(
      t,
      k,
      Array.from({ length: r.pick([129, 1000, 5000]) }, (_, i) => (r.chance(0.5) ? `id-${i}` : { id: `id-${i}` })),
    ),
  (r, t, k) => put(t, k, nest(r.pick([33, 100, 3000]), 'deep')),
  (r, t, k) => put(t, k, r.pick([-1, 0, -0, 1.5, 2 ** 53 + 1, 1e308, -1e308, 4294967296, 987654321])),
  (r, t, k) => put(t, k, randomJson(r, 3)),
  (r, t) => put(t, r.pick(['zz_unknown', 'status', 'Id', 'ID', '']), r.pick([1, 'x', {}])),
  (r, t) => put(t, r.pick(['__proto__', 'constructor', 'prototype']), r.pick([{ polluted: 'yes', status: 'x' }, 'x', { prototype: { polluted: 1 } }])),
  (_r, t, k) => {
    if (!Array.isArray(t)) delete (t as Obj)[k];
  },
];

/** Applies 0–3 mutations at random places of a (cloned) request object. */
export function mutateObject(r: Rng, root: Obj): Obj {
  const n = r.pick([0, 0, 1, 1, 1, 2, 3]);
  for (let i = 0; i < n; i++) {
    const target = r.pick(containers(root));
    const keys = Object.keys(target);
    const key = keys.length > 0 && r.chance(0.8) ? r.pick(keys) : r.pick(['id', 'metadata', 'ids', 'x']);
    r.pick(MUTATIONS)(r, target, Array.isArray(target) && r.chance(0.5) ? String(target.length) : key);
  }
  return root;
}

/** Breaks the JSON text itself: duplicate keys, truncation, invalid UTF-8, non-JSON, empty. */
export function mutateText(r: Rng, json: string): string | Buffer {
  switch (r.int(8)) {
    case 0:
      return json.replace('{', '{"id":"dup1","id":"dup2",');
    case 1:
      return json.slice(0, Math.max(0, r.int(json.length)));
    case 2:
      return Buffer.concat([Buffer.from(json.slice(0, -1)), Buffer.from([0x2c, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d])]);
    case 3:
      return r.pick(['', 'null', '[]', '"string"', '123', 'true', '{', '}}}', 'id=1&x=2', '<xml/>']);
    case 4:
      return '['.repeat(5000) + ']'.repeat(5000);
    case 5:
      return json.replace(/"(\w+)":/, '"\\u005f_proto__":');
    default:
      return json;
  }
}

/** Path segments that have broken routers and file servers. */
export const HOSTILE_SEGMENTS: readonly string[] = [
  '%',
  '%25',
  '..',
  '..%2F..%2Fx',
  '%00',
  '%ZZ',
  '%ED%A0%80',
  '%F0%9F',
  'a'.repeat(250),
  '%20',
  ':',
  '__proto__',
  'constructor',
  '~',
  '.%2e',
];

/** Query strings whose keys aim at prototypes, nesting and repetition. */
export function hostileQuery(r: Rng): string {
  return r.pick([
    '__proto__.status=x',
    'constructor.prototype.polluted=1',
    'a[b]=c',
    `${'a.'.repeat(60)}b=1`,
    'ids=1&ids=2&ids=3',
    'per_page=-1',
    'per_page=99999999999',
    'page=0',
    'page=abc',
    'sort_ascending=maybe',
    '%=%',
    'x=%ZZ',
    'additional_fields=__proto__',
  ]);
}
