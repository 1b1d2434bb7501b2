import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { renderApiTypes } from './api-types.js';

// A miniature of the Clarifai protos: each line of the table is one mapping decision 0001 fixes.
const PROTO = `
syntax = "proto3";
package clarifai.api;
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
message Thing {
  string id = 1;
  uint64 count = 2;
  float value = 3;
  bytes blob = 4;
  google.protobuf.Struct metadata = 5;
  google.protobuf.Timestamp created_at = 6;
  google.protobuf.BoolValue flag = 7;
  repeated Part parts = 8;
  map<string, Part> by_id = 9;
  Kind kind = 10;
  google.protobuf.Value any_json = 11;
  Inner inner = 12;
  message Inner { int32 n = 1; }
  enum Kind { UNKNOWN = 0; BIG = 10; }
}
message Part { string name = 1 [deprecated = true]; }
message Nothing {}
service V2 { rpc GetThing (Part) returns (Thing); }
`;

function render(): string {
  const root = new protobuf.Root();
  // protobufjs carries the well-known protos itself ("common"), so loading them by name reads no file.
  for (const f of ['struct', 'timestamp', 'wrappers']) root.loadSync(`google/protobuf/${f}.proto`);
  protobuf.parse(PROTO, root, { keepCase: true });
  root.resolveAll();
  return renderApiTypes(root, 'test');
}

describe('renderApiTypes', () => {
  const out = render();
  const cases: Array<[string, string]> = [
    ['string stays string', '  id?: string;'],
    ['64-bit integers are strings', '  count?: string;'],
    ['float is number', '  value?: number;'],
    ['bytes are base64 strings', '  blob?: string;'],
    ['Struct is plain JSON', '  metadata?: JsonObject;'],
    ['Timestamp is an RFC 3339 string', '  created_at?: string;'],
    ['BoolValue is a bare boolean', '  flag?: boolean;'],
    ['repeated message is an array', '  parts?: Part[];'],
    ['map is a string-keyed object', '  by_id?: { [key: string]: Part };'],
    ['enum field uses the nested enum name', '  kind?: Thing_Kind;'],
    ['Value is any JSON', '  any_json?: JsonValue;'],
    ['nested message is Outer_Inner', '  inner?: Thing_Inner;'],
    ['enum has named numeric constants', 'export const Thing_Kind = {\n  UNKNOWN: 0,\n  BIG: 10,\n} as const;'],
    ['enum type is the union of its numbers', 'export type Thing_Kind = (typeof Thing_Kind)[keyof typeof Thing_Kind];'],
    ['deprecated fields say so', '  /** @deprecated */\n  name?: string;'],
    ['a message without fields takes no keys', 'export type Nothing = Record<string, never>;'],
    ['the service is a table of request and response', '  GetThing: { request: Part; response: Thing };'],
  ];
  for (const [what, text] of cases) it(what, () => assert.ok(out.includes(text), `missing:\n${text}`));
  it('well-known types get no interface of their own', () => {
    assert.doesNotMatch(out, /export interface (Struct|Timestamp|BoolValue|Value)\b/);
  });
  it('is deterministic', () => assert.equal(render(), out));
});
