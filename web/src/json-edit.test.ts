import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseJsonObject } from './json-edit.js';

it('parseJsonObject accepts objects and empty text, refuses the rest with a reason', () => {
  assert.deepEqual(parseJsonObject('{"a":{"b":1}}'), { ok: true, value: { a: { b: 1 } } });
  assert.deepEqual(parseJsonObject('  '), { ok: true, value: {} });
  const bad = (t: string) => {
    const r = parseJsonObject(t);
    assert.equal(r.ok, false, t);
    return r.ok ? '' : r.error;
  };
  assert.match(bad('{"a":'), /not valid JSON/);
  assert.match(bad('[1]'), /an array/);
  assert.match(bad('null'), /null/);
  assert.match(bad('3'), /number/);
  assert.equal(bad('{"x":[{"__proto__":{}}]}'), 'metadata.x[0].__proto__ is not allowed as a key');
});
