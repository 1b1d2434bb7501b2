import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from './errors.js';
import type { JsonObject } from './json.js';
import { applyOutputConfig, checkSelection, effectiveOutputConfig, legacyOverride, type OutputConfig, type ScoredConcept } from './output-config.js';
import { Code } from './status-codes.js';

const is21202 =
  (re: RegExp) =>
  (e: unknown): boolean =>
    e instanceof ApiError && e.code === Code.MODEL_INVALID_ARGUMENT && re.test(e.details);

describe('effectiveOutputConfig: stored output_info overlaid by the request', () => {
  const cases: { name: string; stored?: JsonObject; override?: JsonObject; want: Partial<OutputConfig> }[] = [
    { name: 'nothing set: defaults', want: { maxConcepts: 20, minValue: 0, selectConcepts: [] } },
    { name: 'stored params', stored: { params: { max_concepts: 5, min_value: 0.3 } }, want: { maxConcepts: 5, minValue: 0.3 } },
    { name: 'stored output_config beats stored params', stored: { output_config: { max_concepts: 4 }, params: { max_concepts: 5 } }, want: { maxConcepts: 4 } },
    {
      name: 'request params beat stored output_config',
      stored: { output_config: { max_concepts: 4 } },
      override: { params: { max_concepts: 7 } },
      want: { maxConcepts: 7 },
    },
    {
      name: 'request output_config beats request params',
      override: { output_config: { max_concepts: 3 }, params: { max_concepts: 7 } },
      want: { maxConcepts: 3 },
    },
    {
      name: 'output_config zero means unset',
      stored: { params: { max_concepts: 6, min_value: 0.2 } },
      override: { output_config: { max_concepts: 0, min_value: 0 } },
      want: { maxConcepts: 6, minValue: 0.2 },
    },
    {
      name: 'params zero is a value: switches a stored threshold off',
      stored: { output_config: { min_value: 0.9 } },
      override: { params: { min_value: 0 } },
      want: { minValue: 0 },
    },
    { name: 'params max_concepts 0 means the default', override: { params: { max_concepts: 0 } }, want: { maxConcepts: 20 } },
    {
      name: 'empty select_concepts in output_config falls through',
      stored: { params: { select_concepts: [{ id: 'a' }] } },
      override: { output_config: { select_concepts: [] } },
      want: { selectConcepts: [{ id: 'a' }] },
    },
    {
      name: 'selectors keep id and name',
      override: { output_config: { select_concepts: [{ id: 'a', value: 1 }, { name: 'Dog' }] } },
      want: { selectConcepts: [{ id: 'a' }, { name: 'Dog' }] },
    },
    { name: 'bounds are allowed', override: { output_config: { max_concepts: 200, min_value: 1 } }, want: { maxConcepts: 200, minValue: 1 } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = effectiveOutputConfig(c.stored, c.override);
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k as keyof OutputConfig], v, k);
    });
  }

  const bad: { name: string; override: JsonObject; re: RegExp }[] = [
    { name: 'max_concepts 201', override: { output_config: { max_concepts: 201 } }, re: /max_concepts 201 is out of range: use 1 to 200/ },
    { name: 'max_concepts negative in params', override: { params: { max_concepts: -1 } }, re: /max_concepts -1/ },
    { name: 'max_concepts fractional', override: { params: { max_concepts: 2.5 } }, re: /max_concepts 2.5/ },
    { name: 'max_concepts a string', override: { params: { max_concepts: 'ten' } }, re: /max_concepts "ten"/ },
    { name: 'min_value above 1', override: { output_config: { min_value: 1.5 } }, re: /min_value 1.5 is out of range/ },
    { name: 'min_value negative in params', override: { params: { min_value: -0.1 } }, re: /min_value -0.1/ },
    {
      name: 'selector without id or name',
      override: { output_config: { select_concepts: [{ value: 1 }] } },
      re: /select_concepts\[0\] needs an "id" or a "name"/,
    },
    { name: 'select_concepts not a list', override: { params: { select_concepts: 'cat' } }, re: /must be a list/ },
  ];
  for (const c of bad) test(`21202: ${c.name}`, () => assert.throws(() => effectiveOutputConfig(undefined, c.override), is21202(c.re)));
});

describe('checkSelection', () => {
  const concepts = [
    { id: 'cat', name: 'Cat' },
    { id: 'dog', name: 'Dog' },
  ];
  const cases: { name: string; sel: { id?: string; name?: string }[]; unmatched?: string[]; fails?: boolean }[] = [
    { name: 'no selectors', sel: [], unmatched: [] },
    { name: 'all by id', sel: [{ id: 'cat' }, { id: 'dog' }], unmatched: [] },
    { name: 'by name', sel: [{ name: 'Dog' }], unmatched: [] },
    { name: 'names are case-sensitive', sel: [{ name: 'dog' }], fails: true },
    { name: 'some match: the rest reported', sel: [{ id: 'cat' }, { id: 'cow' }, { name: 'Horse' }], unmatched: ["id 'cow'", "name 'Horse'"] },
    { name: 'none match', sel: [{ id: 'cow' }], fails: true },
  ];
  for (const c of cases) {
    test(c.name, () => {
      if (c.fails) assert.throws(() => checkSelection(c.sel, concepts), is21202(/matches none of the model version's concepts.*its concepts are: cat, dog/));
      else assert.deepEqual(checkSelection(c.sel, concepts), c.unmatched);
    });
  }
});

describe('applyOutputConfig', () => {
  const scores: ScoredConcept[] = [
    { id: 'a', name: 'A', value: 0.1 },
    { id: 'b', name: 'B', value: 0.7 },
    { id: 'c', name: 'C', value: 0.98 },
    { id: 'd', name: 'D', value: 0.7 },
    { id: 'e', name: 'E', value: 0.4 },
  ];
  const cfg = (o: Partial<OutputConfig>): OutputConfig => ({ maxConcepts: 20, minValue: 0, selectConcepts: [], ...o });
  const cases: { name: string; cfg: OutputConfig; want: string[] }[] = [
    { name: 'sorted by value, ties by id', cfg: cfg({}), want: ['c', 'b', 'd', 'e', 'a'] },
    { name: 'max_concepts truncates after sorting', cfg: cfg({ maxConcepts: 2 }), want: ['c', 'b'] },
    { name: 'min_value keeps value >= min', cfg: cfg({ minValue: 0.7 }), want: ['c', 'b', 'd'] },
    { name: 'min_value given as a float32 (gRPC) keeps an equal value', cfg: cfg({ minValue: Math.fround(0.98) }), want: ['c'] },
    { name: 'select by id and name', cfg: cfg({ selectConcepts: [{ id: 'a' }, { name: 'E' }] }), want: ['e', 'a'] },
    { name: 'select, then min, then max', cfg: cfg({ selectConcepts: [{ id: 'a' }, { id: 'b' }, { id: 'd' }], minValue: 0.5, maxConcepts: 1 }), want: ['b'] },
    { name: 'nothing passes', cfg: cfg({ minValue: 0.99 }), want: [] },
  ];
  for (const c of cases)
    test(c.name, () =>
      assert.deepEqual(
        applyOutputConfig(scores, c.cfg).map((x) => x.id),
        c.want,
      ),
    );

  test('does not modify its input', () => {
    const copy = structuredClone(scores);
    applyOutputConfig(scores, cfg({ maxConcepts: 1 }));
    assert.deepEqual(scores, copy);
  });
});

describe('legacyOverride (API-DECISIONS row 9)', () => {
  const empty: (JsonObject | undefined)[] = [
    undefined,
    {},
    { output_info: {} },
    { output_info: { output_config: {} } },
    { output_info: { output_config: { max_concepts: 0, min_value: 0, select_concepts: [] } } },
    { id: 'm', output_info: { message: 'x' } },
  ];
  for (const m of empty) {
    test(`nothing set, nothing refused (either mode): ${JSON.stringify(m)}`, () => {
      assert.equal(legacyOverride(m, false), undefined);
      assert.equal(legacyOverride(m, true), undefined);
    });
  }
  const set: Array<[JsonObject, JsonObject]> = [
    [{ output_info: { output_config: { max_concepts: 3 } } }, { output_config: { max_concepts: 3 } }],
    [{ output_info: { output_config: { select_concepts: [{ id: 'a' }] } } }, { output_config: { select_concepts: [{ id: 'a' }] } }],
    [{ output_info: { output_config: { min_value: 0.5, concepts_mutually_exclusive: true } } }, { output_config: { min_value: 0.5 } }],
  ];
  for (const [m, layer] of set) {
    test(`honoured by default: ${JSON.stringify(m)}`, () => assert.deepEqual(legacyOverride(m, false), layer));
    test(`strict-2023 refuses: ${JSON.stringify(m)}`, () =>
      assert.throws(() => legacyOverride(m, true), is21202(/model\.model_version\.output_info\.output_config.*|MODELKEEP_STRICT_2023/)));
  }
});

describe('effectiveOutputConfig: request beats legacy beats stored, field by field', () => {
  const cases: { name: string; stored?: JsonObject; override?: JsonObject; legacy?: JsonObject; want: Partial<OutputConfig> }[] = [
    { name: 'legacy alone applies', legacy: { output_config: { max_concepts: 2, min_value: 0.4 } }, want: { maxConcepts: 2, minValue: 0.4 } },
    { name: 'legacy beats stored', stored: { output_config: { max_concepts: 9 } }, legacy: { output_config: { max_concepts: 2 } }, want: { maxConcepts: 2 } },
    {
      name: 'new place wins where both set, legacy fills the rest',
      override: { output_config: { max_concepts: 5 } },
      legacy: { output_config: { max_concepts: 2, min_value: 0.4 } },
      want: { maxConcepts: 5, minValue: 0.4 },
    },
    {
      name: 'new-place params beat legacy output_config',
      override: { params: { min_value: 0 } },
      legacy: { output_config: { min_value: 0.4 } },
      want: { minValue: 0 },
    },
    { name: 'legacy select_concepts', legacy: { output_config: { select_concepts: [{ name: 'Dog' }] } }, want: { selectConcepts: [{ name: 'Dog' }] } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = effectiveOutputConfig(c.stored, c.override, c.legacy);
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k as keyof OutputConfig], v, k);
    });
  }
  test('legacy values are range-checked like any other', () => {
    assert.throws(() => effectiveOutputConfig(undefined, undefined, { output_config: { max_concepts: 500 } }), is21202(/max_concepts 500/));
  });
});
