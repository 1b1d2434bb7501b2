import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonValue } from '../json.js';
import { checkFieldValue, findEnumOption } from './field-values.js';
import type { FieldSpec } from './types.js';

const spec = (s: Partial<FieldSpec> & Pick<FieldSpec, 'fieldType'>): FieldSpec => ({ path: 'train_info.params.x', description: '', ...s });

const epochs = spec({ fieldType: 'RANGE', range: { min: 1, max: 100, step: 1 } });
const size = spec({ fieldType: 'RANGE', range: { min: 96, max: 224, step: 32 } });
const rate = spec({ fieldType: 'RANGE', range: { min: 0, max: 1, step: 0.01 } });
const cmp = spec({
  fieldType: 'ENUM',
  enumOptions: [
    { id: 'GREATER_THAN', description: '', aliases: [1] },
    { id: 'HIDDEN', description: '', internalOnly: true },
  ],
});

type Row = [name: string, spec: FieldSpec, value: JsonValue, expect: { value: JsonValue } | { problem: RegExp }];
const rows: Row[] = [
  ['boolean ok', spec({ fieldType: 'BOOLEAN' }), true, { value: true }],
  ['boolean refuses string', spec({ fieldType: 'BOOLEAN' }), 'true', { problem: /train_info\.params\.x must be true or false .*got string/ }],
  ['string ok', spec({ fieldType: 'STRING' }), 'a', { value: 'a' }],
  ['number refuses string', spec({ fieldType: 'NUMBER' }), '3', { problem: /must be a number/ }],
  ['number range is enforced', spec({ fieldType: 'NUMBER', range: { min: 1, max: 200, step: 1 } }), 201, { problem: /201 is out of range.*1 to 200/ }],
  ['range in bounds', epochs, 100, { value: 100 }],
  ['range below min', epochs, 0, { problem: /train_info\.params\.x 0 is out of range for model type T; allowed: 1 to 100, whole numbers/ }],
  ['integral step refuses fractions', epochs, 1.5, { problem: /out of range/ }],
  ['step 32 accepts 160', size, 160, { value: 160 }],
  ['step 32 refuses 100', size, 100, { problem: /in steps of 32/ }],
  ['fractional step is only a hint', rate, 0.123, { value: 0.123 }],
  ['fractional range still bounded', rate, 1.01, { problem: /0 to 1/ }],
  ['enum by id', cmp, 'GREATER_THAN', { value: 'GREATER_THAN' }],
  ['enum alias becomes the id', cmp, 1, { value: 'GREATER_THAN' }],
  ['enum unknown lists allowed', cmp, 'NOPE', { problem: /'NOPE' is not valid for model type T; allowed: GREATER_THAN \(or 1\)$/ }],
  ['enum internal option refused', cmp, 'HIDDEN', { problem: /'HIDDEN' is not valid/ }],
  ['dataset id empty ok', spec({ fieldType: 'DATASET_ID' }), '', { value: '' }],
  ['dataset id malformed', spec({ fieldType: 'DATASET_ID' }), 'a b', { problem: /'a b' is not a valid id/ }],
  ['model concepts ok', spec({ fieldType: 'ARRAY_OF_MODEL_CONCEPTS' }), [{ id: 'a' }, { name: 'b' }], { value: [{ id: 'a' }, { name: 'b' }] }],
  ['model concepts need id or name', spec({ fieldType: 'ARRAY_OF_MODEL_CONCEPTS' }), [{ value: 1 }], { problem: /array of concepts/ }],
  ['numbers array', spec({ fieldType: 'ARRAY_OF_NUMBERS' }), [1, 'x'], { problem: /array of numbers/ }],
  ['strings array', spec({ fieldType: 'ARRAY_OF_STRINGS' }), ['x'], { value: ['x'] }],
  ['json takes anything', spec({ fieldType: 'JSON' }), { a: [1] }, { value: { a: [1] } }],
  ['concepts never live in params', spec({ fieldType: 'ARRAY_OF_CONCEPTS' }), [], { problem: /output_info\.data\.concepts/ }],
];

for (const [name, s, value, expect] of rows) {
  test(`checkFieldValue: ${name}`, () => {
    const r = checkFieldValue(s, value, 'T');
    if ('value' in expect) assert.deepEqual(r, { ok: true, value: expect.value });
    else {
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.problem, expect.problem);
    }
  });
}

test('checkFieldValue: internal option allowed for catalog defaults', () => {
  assert.deepEqual(checkFieldValue(cmp, 'HIDDEN', 'T', true), { ok: true, value: 'HIDDEN' });
});

test('findEnumOption: by id, by alias, otherwise undefined', () => {
  assert.equal(findEnumOption(cmp, 'GREATER_THAN')?.id, 'GREATER_THAN');
  assert.equal(findEnumOption(cmp, 1)?.id, 'GREATER_THAN');
  assert.equal(findEnumOption(cmp, 2), undefined);
  assert.equal(findEnumOption(cmp, undefined), undefined);
});
