import protobuf from 'protobufjs';

/**
 * Renders TypeScript for the API objects of decision 0001 from a loaded protobufjs root: one interface
 * per message of clarifai.api and of every type its fields reach, one numeric-literal union plus a
 * const of named values per enum, and the V2 service as a request/response table.
 *
 * Why our own (docs/decisions/0016): no off-the-shelf generator emits this exact shape (snake_case keys,
 * enums as numbers, int64 as strings, Struct/Value as plain JSON, Timestamp as a string, wrappers
 * as bare values), and reading the root the server itself loads means the types cannot describe
 * other protos than the ones requests are decoded with.
 */

/** Well-known types that travel in another form than their message (wkt-wrappers.ts, json-codec.ts). */
const WKT: Record<string, string> = {
  '.google.protobuf.Struct': 'JsonObject',
  '.google.protobuf.Value': 'JsonValue',
  '.google.protobuf.ListValue': 'JsonValue[]',
  '.google.protobuf.Timestamp': 'string',
  '.google.protobuf.DoubleValue': 'number',
  '.google.protobuf.FloatValue': 'number',
  '.google.protobuf.Int32Value': 'number',
  '.google.protobuf.UInt32Value': 'number',
  '.google.protobuf.Int64Value': 'string',
  '.google.protobuf.UInt64Value': 'string',
  '.google.protobuf.BoolValue': 'boolean',
  '.google.protobuf.StringValue': 'string',
  '.google.protobuf.BytesValue': 'string',
};

/** Proto scalars: 64-bit integers as decimal strings, bytes as base64 (both codecs agree). */
const SCALAR: Record<string, string> = {
  double: 'number',
  float: 'number',
  int32: 'number',
  uint32: 'number',
  sint32: 'number',
  fixed32: 'number',
  sfixed32: 'number',
  int64: 'string',
  uint64: 'string',
  sint64: 'string',
  fixed64: 'string',
  sfixed64: 'string',
  bool: 'boolean',
  string: 'string',
  bytes: 'string',
};

type Named = protobuf.Type | protobuf.Enum;

/** The package a type lives in, and its path inside that package (nested types: Outer.Inner). */
function split(t: Named): { pkg: string; local: string[] } {
  const local: string[] = [t.name];
  let p = t.parent;
  while (p instanceof protobuf.Type) {
    local.unshift(p.name);
    p = p.parent;
  }
  return { pkg: p ? p.fullName.replace(/^\./, '') : '', local };
}

/** Every type under a namespace, nested ones included, in declaration order. */
function typesUnder(ns: protobuf.NamespaceBase, out: Named[] = []): Named[] {
  for (const n of ns.nestedArray) {
    if (n instanceof protobuf.Type || n instanceof protobuf.Enum) out.push(n);
    if (n instanceof protobuf.Type || (n instanceof protobuf.Namespace && !(n instanceof protobuf.Service))) typesUnder(n as protobuf.NamespaceBase, out);
  }
  return out;
}

/** clarifai.api (and its sub-packages) plus whatever their fields reach, minus the well-known forms. */
function reachable(root: protobuf.Root): Named[] {
  const seen = new Set<Named>();
  const queue = typesUnder(root.lookup('clarifai.api') as protobuf.Namespace);
  while (queue.length > 0) {
    const t = queue.shift()!;
    if (seen.has(t) || WKT[t.fullName]) continue;
    seen.add(t);
    if (t instanceof protobuf.Type) {
      for (const f of t.fieldsArray) {
        const rt = f.resolvedType;
        if (rt instanceof protobuf.Type || rt instanceof protobuf.Enum) queue.push(rt);
      }
    }
  }
  return [...seen];
}

/** TS names: the path inside the package joined by `_`; a clash across packages gets the package's last segment. */
function nameTypes(types: Named[]): Map<Named, string> {
  const base = new Map(types.map((t) => [t, split(t).local.join('_')]));
  const count = new Map<string, number>();
  for (const n of base.values()) count.set(n, (count.get(n) ?? 0) + 1);
  const names = new Map<Named, string>();
  for (const t of types) {
    const n = base.get(t)!;
    const { pkg } = split(t);
    // clarifai.api keeps the bare name: it is what the console and the services say.
    if (count.get(n)! > 1 && pkg !== 'clarifai.api') {
      const seg = pkg.split('.').pop()!;
      names.set(t, `${seg.charAt(0).toUpperCase()}${seg.slice(1)}_${n}`);
    } else names.set(t, n);
  }
  return names;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (k: string): string => (IDENT.test(k) ? k : JSON.stringify(k));

/** A proto comment as JSDoc, or nothing. `*\/` inside a comment would end it early. */
function doc(comment: string | null | undefined, indent: string): string {
  const text = (comment ?? '').trim();
  if (!text) return '';
  const lines = text
    .replace(/\*\//g, '*\\/')
    .split('\n')
    .map((l) => l.trimEnd());
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)).join('\n')}\n${indent} */\n`;
}

function fieldType(f: protobuf.Field, names: Map<Named, string>): string {
  const rt = f.resolvedType;
  let t: string;
  if (rt && WKT[rt.fullName]) t = WKT[rt.fullName]!;
  else if (rt instanceof protobuf.Type || rt instanceof protobuf.Enum) t = names.get(rt)!;
  else t = SCALAR[f.type] ?? 'unknown';
  if (f.map) return `{ [key: string]: ${t} }`;
  if (f.repeated) return t.endsWith('[]') ? `Array<${t}>` : `${t}[]`;
  return t;
}

function renderMessage(t: protobuf.Type, names: Map<Named, string>): string {
  const name = names.get(t)!;
  const fields = t.fieldsArray;
  let out = doc(t.comment, '');
  if (fields.length === 0) return `${out}export type ${name} = Record<string, never>;\n`;
  out += `export interface ${name} {\n`;
  for (const f of fields) {
    const deprecated = f.options?.deprecated === true ? ' @deprecated' : '';
    const c = [f.comment?.trim(), deprecated.trim()].filter(Boolean).join('\n');
    out += doc(c, '  ');
    out += `  ${key(f.name)}?: ${fieldType(f, names)};\n`;
  }
  return `${out}}\n`;
}

function renderEnum(e: protobuf.Enum, names: Map<Named, string>): string {
  const name = names.get(e)!;
  const entries = Object.entries(e.values);
  let out = doc(e.comment, '');
  out += `export const ${name} = {\n`;
  for (const [k, v] of entries) out += `${doc(e.comments[k], '  ')}  ${key(k)}: ${v},\n`;
  out += '} as const;\n';
  out += `export type ${name} = (typeof ${name})[keyof typeof ${name}];\n`;
  return out;
}

function renderService(svc: protobuf.Service, names: Map<Named, string>): string {
  let out = `/** Request and response message of every RPC of ${svc.fullName.replace(/^\./, '')}, by method name. */\n`;
  out += `export interface ${svc.name}Methods {\n`;
  for (const m of svc.methodsArray) {
    const req = names.get(m.resolvedRequestType!) ?? WKT[m.resolvedRequestType!.fullName];
    const res = names.get(m.resolvedResponseType!) ?? WKT[m.resolvedResponseType!.fullName];
    out += `  ${m.name}: { request: ${req}; response: ${res} };\n`;
  }
  out += '}\n';
  out += `export type ${svc.name}MethodName = keyof ${svc.name}Methods;\n`;
  return out;
}

/** The whole of src/gen/api.ts. Deterministic: same root, same text. */
export function renderApiTypes(root: protobuf.Root, source: string): string {
  const types = reachable(root);
  const names = nameTypes(types);
  const byName = [...types].sort((a, b) => (names.get(a)! < names.get(b)! ? -1 : names.get(a)! > names.get(b)! ? 1 : 0));
  const parts = [
    `// GENERATED by scripts/gen-api.ts from ${source}. Do not edit: run \`npm run gen\`.`,
    '// API objects as both transports hand them to the service layer (docs/decisions/0001): snake_case keys,',
    '// every field optional (absent stays absent), enums as numbers, 64-bit integers and bytes as strings,',
    '// Struct / Value as plain JSON, Timestamp as an RFC 3339 string, BoolValue & co. as bare values.',
    '/* eslint-disable */',
    '',
    "import type { JsonObject, JsonValue } from '../domain/json.js';",
    '',
    'export type { JsonObject, JsonValue };',
    '',
  ];
  for (const t of byName) parts.push(t instanceof protobuf.Type ? renderMessage(t, names) : renderEnum(t, names));
  parts.push(renderService(root.lookupService('clarifai.api.V2'), names));
  return parts.join('\n');
}
