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

  const unicode: Array<[string, unknown, string]> = [
    ['a lone high surrogate in a value', { k: 'a\uD800' }, 'metadata.k'],
    ['a lone low surrogate in a list', ['ok', '\uDC00x'], 'metadata[1]'],
    ['a lone surrogate in a key (shown as U+FFFD)', { ['k\uD800']: 1 }, 'metadata.k\uFFFD'],
    ['a bare string value', 'x\uDBFF', 'metadata'],
  ];
  for (const [name, value, path] of unicode) {
    it(`refuses ${name}, naming ${JSON.stringify(path)}`, () => {
      const e = refusal(value);
      assert.equal(e.path, path);
      assert.match(e.reason, /not valid Unicode/);
    });
  }

  it('accepts well-formed text outside the BMP (surrogate pairs)', () => {
    checkJson({ '\u{1F600}': ['\u{1F600}', 'é'] }, 'metadata');
  });

  it('stops at the limit on very deep input (no stack overflow)', () => {
    const deep = JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    assert.match(refusal(deep).reason, /deeper than/);
  });
});
