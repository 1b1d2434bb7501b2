import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from './errors.js';
import type { JsonObject, JsonValue } from './json.js';
import { applyPatch, type PatchAction, parsePatchAction } from './patch.js';
import { Code } from './status-codes.js';

// [name, patch (the docs' A), target (the docs' B), expected]. "docs:" = example from Clarifai's patching.md.
type Case = [string, JsonObject, JsonObject, JsonObject];

const mergeCases: Case[] = [
  ['docs: merges different key:values', { a: [1, 2, 3] }, { blah: true }, { blah: true, a: [1, 2, 3] }],
  ['docs: id lists append new ids', { a: [{ id: 1 }] }, { a: [{ id: 2 }] }, { a: [{ id: 2 }, { id: 1 }] }],
  // The docs print `{"id":"1"}` here, dropping `other`; they clearly abbreviate, the deep-merge example below keeps keys.
  [
    'docs: simple merge of key:values and within a list',
    { a: [{ id: '1', other: true }], blah: 1 },
    { a: [{ id: '2' }, { id: '1', other: false }] },
    { a: [{ id: '2' }, { id: '1', other: true }], blah: 1 },
  ],
  ['docs: different types overwrite', { a: [{ id: '1' }], blah: 1 }, { a: [{ id: '2' }], blah: 'string' }, { a: [{ id: '2' }, { id: '1' }], blah: 1 }],
  [
    'docs: deep merge of matching ids in a list',
    { a: [{ id: '1', hey: true }], blah: 1 },
    { a: [{ id: '1', foo: 'bar', hey: false }, { id: '2' }], blah: 'string' },
    { a: [{ hey: true, id: '1', foo: 'bar' }, { id: '2' }], blah: 1 },
  ],
  ['docs: non-id lists append', { a: [{ blah: '1' }], blah: 1 }, { a: [{ blah: '2' }], blah: 'string' }, { a: [{ blah: '2' }, { blah: '1' }], blah: 1 }],
  [
    'docs: non-id lists append, other keys kept',
    { a: [{ blah: '1' }], blah: 1, dict: { a: 1, b: 2 } },
    { a: [{ blah: '2' }], blah: 'string' },
    { a: [{ blah: '2' }, { blah: '1' }], blah: 1, dict: { a: 1, b: 2 } },
  ],
  ['docs: scalar overwrites root object', { key1: true }, { key1: { key2: 'value2', key3: 'value3' } }, { key1: true }],
  ['docs: overwrite a sub element', { key1: { key2: true } }, { key1: { key2: 'value2', key3: 'value3' } }, { key1: { key2: true, key3: 'value3' } }],
  [
    'docs: object replaces a scalar sub element',
    { key1: { key2: { key4: 'value4' } } },
    { key1: { key2: 'value2', key3: 'value3' } },
    { key1: { key2: { key4: 'value4' }, key3: 'value3' } },
  ],
  [
    'docs: merge multiple trees',
    { key1: { key2: { key9: 'value9' }, key3: { key4: 'value4', key10: [1, 2, 3] } }, key6: { key11: 'value11' } },
    { key1: { key2: 'value2', key3: { key4: { key5: 'value5' } } }, key6: { key7: { key8: 'value8' } } },
    { key1: { key2: { key9: 'value9' }, key3: { key4: 'value4', key10: [1, 2, 3] } }, key6: { key7: { key8: 'value8' }, key11: 'value11' } },
  ],
  ['docs: {} replaces', { key1: { key2: {} } }, { key1: { key2: 'value2', key3: 'value3' } }, { key1: { key2: {}, key3: 'value3' } }],
  ['docs: null does nothing', { key1: { key2: null } }, { key1: { key2: 'value2', key3: 'value3' } }, { key1: { key2: 'value2', key3: 'value3' } }],
  ['docs: [] replaces root element', { key1: [] }, { key1: { key2: 'value2', key3: 'value3' } }, { key1: [] }],
  ['docs: [] replaces a single element', { key1: { key2: [] } }, { key1: { key2: 'value2', key3: 'value3' } }, { key1: { key2: [], key3: 'value3' } }],
  ['docs: list replaces an object', { key1: { key2: [{ key3: 'value3' }] } }, { key1: { key2: { key3: 'value3' } } }, { key1: { key2: [{ key3: 'value3' }] } }],
  [
    'docs: object replaces a list',
    { key1: { key2: { key3: [{ key4: 'value4' }] } } },
    { key1: { key2: [] } },
    { key1: { key2: { key3: [{ key4: 'value4' }] } } },
  ],
  ['{} replaces a non-empty object', { metadata: {} }, { metadata: { a: 1 }, x: 1 }, { metadata: {}, x: 1 }],
  ['[] replaces a non-empty list', { toolkits: [] }, { toolkits: ['a', 'b'] }, { toolkits: [] }],
  ['plain values are appended once', { toolkits: ['b', 'c', 'c'] }, { toolkits: ['a', 'b'] }, { toolkits: ['a', 'b', 'c'] }],
  ['objects without id are appended even if equal', { a: [{ x: 1 }] }, { a: [{ x: 1 }] }, { a: [{ x: 1 }, { x: 1 }] }],
  [
    'empty-string id counts as no id',
    { a: [{ id: '', v: 2 }] },
    { a: [{ id: '', v: 1 }] },
    {
      a: [
        { id: '', v: 1 },
        { id: '', v: 2 },
      ],
    },
  ],
  [
    'numeric and string ids differ',
    { a: [{ id: 1, v: 2 }] },
    { a: [{ id: '1', v: 1 }] },
    {
      a: [
        { id: '1', v: 1 },
        { id: 1, v: 2 },
      ],
    },
  ],
  [
    'repeated ids within the patch merge together',
    {
      a: [
        { id: 'x', p: 1 },
        { id: 'x', q: 2 },
      ],
    },
    {},
    { a: [{ id: 'x', p: 1, q: 2 }] },
  ],
  [
    'nested id-list merge keeps order and deep-merges',
    { output_info: { data: { concepts: [{ id: 'dog', meta: { b: 2, c: null } }, { id: 'cat' }] } } },
    { output_info: { data: { concepts: [{ id: 'cow' }, { id: 'dog', meta: { a: 1, c: 3 } }] }, type: 'concept' } },
    { output_info: { data: { concepts: [{ id: 'cow' }, { id: 'dog', meta: { a: 1, b: 2, c: 3 } }, { id: 'cat' }] }, type: 'concept' } },
  ],
  [
    'nulls inside newly added objects are dropped',
    { metadata: { a: { b: null, c: 1 } }, list: [{ id: 'n', z: null }] },
    {},
    { metadata: { a: { c: 1 } }, list: [{ id: 'n' }] },
  ],
  ['object patch over a scalar drops its nulls', { k: { a: null, b: 1 } }, { k: 'old' }, { k: { b: 1 } }],
  ['empty patch changes nothing', {}, { a: 1, b: [1] }, { a: 1, b: [1] }],
  ['__proto__ keys are ignored', JSON.parse('{"__proto__":{"polluted":true},"a":1}') as JsonObject, {}, { a: 1 }],
];

const removeCases: Case[] = [
  [
    'docs: remove from list by id',
    { a: [{ id: '1' }], blah: 1 },
    { a: [{ id: '2' }, { id: '3' }, { id: '1' }], blah: 'string' },
    { a: [{ id: '2' }, { id: '3' }], blah: 1 },
  ],
  ['docs: non-id lists append', { a: [{ blah: '1' }], blah: 1 }, { a: [{ blah: '2' }], blah: 'string' }, { a: [{ blah: '2' }, { blah: '1' }], blah: 1 }],
  ['docs: empty out a nested dictionary', { key1: { key2: true } }, { key1: { key2: 'value2' } }, { key1: {} }],
  ['docs: remove the root element', { key1: true }, { key1: { key2: 'value2', key3: 'value3' } }, {}],
  ['docs: remove a sub element', { key1: { key2: true } }, { key1: { key2: 'value2', key3: 'value3' } }, { key1: { key3: 'value3' } }],
  [
    'docs: remove multiple sub elements',
    { key1: { key2: { key3: true }, key4: true } },
    { key1: { key2: { key3: { key5: 'value5' } }, key4: { key6: { key7: 'value7' } } } },
    { key1: { key2: {} } },
  ],
  ['docs: remove one of several root elements', { key1: true }, { key1: { key2: 'value2', key3: 'value3' }, key4: ['a', 'b', 'c'] }, { key4: ['a', 'b', 'c'] }],
  [
    'docs: false overwrites',
    { key1: { key2: false, key3: true }, key4: false },
    { key1: { key2: 'value2', key3: 'value3' }, key4: [{ key5: 'value5', key6: 'value6' }, { key7: 'value7' }] },
    { key1: { key2: false }, key4: false },
  ],
  ['docs: only objects with ids can address list entries', { key1: [{ key2: true }] }, { key1: [{ key2: 'value2' }, { key3: 'value3' }] }, {}],
  ['docs: {} does nothing', { key1: {} }, { key1: { key2: 'value2', key3: 'value3' } }, { key1: { key2: 'value2', key3: 'value3' } }],
  ['docs: null does nothing', { key1: { key2: null } }, { key1: { key2: 'value2', key3: 'value3' } }, { key1: { key2: 'value2', key3: 'value3' } }],
  ['[] does nothing', { a: [] }, { a: [{ id: '1' }] }, { a: [{ id: '1' }] }],
  ['true on a missing key does nothing', { nope: true }, { a: 1 }, { a: 1 }],
  ['ids on a missing list do nothing', { a: [{ id: '1' }] }, { b: 1 }, { b: 1 }],
  ['unknown ids leave the list alone', { a: [{ id: 'x' }] }, { a: [{ id: '1' }, 'plain'] }, { a: [{ id: '1' }, 'plain'] }],
  ['nested object over a scalar does nothing', { k: { a: true } }, { k: 's' }, { k: 's' }],
  [
    'removes nested concept ids and metadata keys',
    { output_info: { data: { concepts: [{ id: 'dog' }, { id: 'cat' }] } }, metadata: { tmp: true } },
    { output_info: { data: { concepts: [{ id: 'dog', name: 'Dog' }, { id: 'cow' }, { id: 'cat' }] } }, metadata: { tmp: 1, keep: 2 } },
    { output_info: { data: { concepts: [{ id: 'cow' }] } }, metadata: { keep: 2 } },
  ],
  ['removing the last id leaves an empty list', { a: [{ id: 1 }] }, { a: [{ id: 1 }] }, { a: [] }],
];

const overwriteCases: Case[] = [
  ['docs: result is the patch', { a: [{ id: '1' }], blah: 1 }, { a: [{ id: '2' }], blah: 'string', foo: 'bar' }, { a: [{ id: '1' }], blah: 1 }],
  ['docs: {} empties the object', {}, { a: [{ blah: '2' }], blah: 'string' }, {}],
];

const deepFreeze = <T extends JsonValue>(v: T): T => {
  if (typeof v === 'object' && v !== null) {
    for (const c of Object.values(v)) deepFreeze(c);
    Object.freeze(v);
  }
  return v;
};
const containers = (v: JsonValue, acc = new Set<object>()): Set<object> => {
  if (typeof v === 'object' && v !== null) {
    acc.add(v);
    for (const c of Object.values(v)) containers(c, acc);
  }
  return acc;
};

const tables: [PatchAction, Case[]][] = [
  ['merge', mergeCases],
  ['remove', removeCases],
  ['overwrite', overwriteCases],
];
for (const [action, cases] of tables) {
  describe(`applyPatch ${action}`, () => {
    for (const [name, patch, target, expected] of cases) {
      it(name, () => {
        // Frozen inputs: any mutation throws (ES modules are strict mode).
        const got = applyPatch(deepFreeze(target), deepFreeze(patch), action);
        assert.deepStrictEqual(got, expected);
        const shared = [...containers(got)].filter((o) => containers(target).has(o) || containers(patch).has(o));
        assert.equal(shared.length, 0, 'result must not share objects/arrays with its inputs');
        assert.equal(Object.getPrototypeOf(got), Object.prototype);
      });
    }
  });
}

describe('parsePatchAction', () => {
  for (const [raw, want] of [
    ['merge', 'merge'],
    ['overwrite', 'overwrite'],
    ['remove', 'remove'],
    [undefined, 'merge'],
    ['', 'merge'],
  ] as const) {
    it(`${JSON.stringify(raw)} -> ${want}`, () => assert.equal(parsePatchAction(raw), want));
  }
  for (const raw of ['MERGE', 'append', ' merge', 'delete']) {
    it(`rejects ${JSON.stringify(raw)}`, () => {
      assert.throws(
        () => parsePatchAction(raw),
        (e: unknown) => {
          assert.ok(e instanceof ApiError);
          assert.equal(e.code, Code.MODEL_INVALID_REQUEST);
          for (const a of ['merge', 'overwrite', 'remove']) assert.match(e.details, new RegExp(a));
          assert.ok(e.details.includes(raw));
          return true;
        },
      );
    });
  }
});
