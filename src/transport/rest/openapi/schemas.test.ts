import assert from 'node:assert/strict';
import { it } from 'node:test';
import protobuf from 'protobufjs';
import { ProtoSchemas, scalarSchema } from './schemas.js';

it('scalars map to JSON Schema as the REST codec reads and writes them', () => {
  const cases: Array<[string, unknown]> = [
    ['string', { type: 'string' }],
    ['bool', { type: 'boolean' }],
    ['float', { type: 'number' }],
    ['double', { type: 'number' }],
    ['int32', { type: 'integer' }],
    ['uint32', { type: 'integer', minimum: 0 }],
    ['int64', { type: ['integer', 'string'], pattern: '^-?[0-9]+$' }],
    ['uint64', { type: ['integer', 'string'], pattern: '^-?[0-9]+$' }],
    ['bytes', { type: 'string', contentEncoding: 'base64' }],
  ];
  for (const [t, want] of cases) assert.deepEqual(scalarSchema(t), want, t);
});

it('messages become components with $refs (recursion stays finite), maps, lists, enums as numbers and well-known types', () => {
  const root = new protobuf.Root();
  for (const f of ['timestamp', 'struct', 'wrappers']) root.addJSON(protobuf.common.get(`google/protobuf/${f}.proto`)!.nested!);
  protobuf.parse(
    `syntax = "proto3"; package t;
    import "google/protobuf/timestamp.proto"; import "google/protobuf/struct.proto"; import "google/protobuf/wrappers.proto";
    enum Color { RED = 0; GREEN = 2; }
    message Node { string id = 1; repeated Node children = 2; map<string, int64> counts = 3; Color color = 4;
      google.protobuf.Timestamp at = 5; google.protobuf.Struct meta = 6; google.protobuf.BoolValue flag = 7;
      oneof pick { string a = 8; string b = 9; } }`,
    root,
    { keepCase: true },
  );
  root.resolveAll();
  const s = new ProtoSchemas();
  assert.deepEqual(s.of(root.lookupType('t.Node')), { $ref: '#/components/schemas/t.Node' });
  const node = s.components['t.Node'] as { properties: Record<string, unknown>; additionalProperties: boolean; description: string };
  assert.deepEqual(node.properties.children, { type: 'array', items: { $ref: '#/components/schemas/t.Node' } });
  assert.deepEqual(node.properties.counts, { type: 'object', additionalProperties: { type: ['integer', 'string'], pattern: '^-?[0-9]+$' } });
  assert.deepEqual(node.properties.color, { $ref: '#/components/schemas/t.Color' });
  assert.deepEqual(node.properties.at, { type: 'string', format: 'date-time' });
  assert.equal((node.properties.meta as { type: string }).type, 'object');
  assert.deepEqual(node.properties.flag, { type: 'boolean' });
  assert.equal(node.additionalProperties, false);
  assert.match(node.description, /pick: one of a, b/);
  assert.deepEqual((s.components['t.Color'] as { enum: number[] }).enum, [0, 2]);
  assert.deepEqual((s.components['t.Color'] as { 'x-enum-varnames': string[] })['x-enum-varnames'], ['RED', 'GREEN']);
});
