import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonCodecError } from './codec-error.js';
import { checkJson, MAX_JSON_DEPTH } from './json-guard.js';

const refusal = (v: unknown, path = 'metadata'): JsonCodecError => {
  try {
    checkJson(v, path);
  } catch (e) {
    assert.ok(e instanceof JsonCodecError);
    return e;
  }
  return assert.fail('expected a refusal');
};

/** `depth` levels of {"a": …} around a number. */
const nested = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};

describe('checkJson: prototype keys and nesting in free-form JSON', () => {
  const cases: Array<[string, unknown, string]> = [
    ['__proto__ at the top', JSON.parse('{"__proto__":{"status":"x"}}'), 'metadata.__proto__'],
    ['constructor.prototype chain', { a: { constructor: { prototype: { status: 'x' } } } }, 'metadata.a.constructor'],
    ['prototype alone', { prototype: 1 }, 'metadata.prototype'],
    ['inside a list', [{ ok: 1 }, JSON.parse('{"__proto__":1}')], 'metadata[1].__proto__'],
  ];
  for (const [name, value, path] of cases) {
    it(`refuses ${name}, naming ${path}`, () => {
      const e = refusal(value);
      assert.equal(e.path, path);
      assert.match(e.reason, /not allowed as a key/);
    });
  }

  it('accepts ordinary keys, including look-alikes', () => {
    checkJson({ proto: 1, __proto: 2, Constructor: 3, prototypes: [4], nested: { toString: 'plain data' } }, 'metadata');
  });

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more, naming where`, () => {
    checkJson(nested(MAX_JSON_DEPTH), 'metadata');
    const e = refusal(nested(MAX_JSON_DEPTH + 1));
    assert.match(e.reason, new RegExp(`deeper than ${MAX_JSON_DEPTH} levels`));
    assert.equal(e.path, `metadata${'.a'.repeat(MAX_JSON_DEPTH)}`);
  });

  it('stops at the limit on very deep input (no stack overflow)', () => {
    const deep = JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    assert.match(refusal(deep).reason, /deeper than/);
  });
});
