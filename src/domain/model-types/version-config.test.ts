import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../errors.js';
import type { JsonObject, JsonValue } from '../json.js';
import { Code } from '../status-codes.js';
import { defaultModelTypes, ModelTypeRegistry } from './catalog.js';
import { range } from './catalog-fields.js';
import type { ConceptInput, ModelTypeDef } from './types.js';
import { resolveVersionConfig, type VersionConfig, validateConcepts, validateOutputInfoOverride } from './version-config.js';

/** Exercises what the built-in catalog does not have: defaulted ENUM with options, nested ENUMs, internal-only fields. */
const synthetic: ModelTypeDef = {
  id: 'synthetic',
  title: 'S',
  description: '',
  inputFields: [],
  outputFields: [],
  trainable: true,
  creatable: true,
  evaluationType: 'Undefined',
  fields: [
    { path: 'train_info.params.secret', fieldType: 'STRING', defaultValue: 's3', internalOnly: true, description: '' },
    {
      path: 'train_info.params.template',
      fieldType: 'ENUM',
      defaultValue: 'a',
      description: '',
      enumOptions: [
        { id: 'a', description: '', fields: [range('train_info.params.alpha', 1, 0, 2, 0.1, '')] },
        {
          id: 'b',
          description: '',
          fields: [
            range('train_info.params.beta', 1, 0, 2, 0.1, ''),
            {
              path: 'train_info.params.mode',
              fieldType: 'ENUM',
              defaultValue: 'x',
              description: '',
              enumOptions: [{ id: 'x', description: '', fields: [range('train_info.params.gamma', 3, 1, 9, 1, '')] }],
            },
          ],
        },
      ],
    },
  ],
};

const registry = new ModelTypeRegistry([...defaultModelTypes(), synthetic]);
const type = (id: string): ModelTypeDef => registry.get(id) ?? assert.fail(`no model type ${id}`);
const req = (parts: Partial<VersionConfig> = {}): VersionConfig => ({ outputInfo: {}, inputInfo: {}, trainInfo: {}, importInfo: {}, ...parts });
const params = (p: JsonObject): JsonObject => ({ params: p });

/** Asserts a 21202 ApiError whose details match every pattern. */
function assertInvalid(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.code, Code.MODEL_INVALID_ARGUMENT);
    for (const p of patterns) assert.match(e.details, p);
    return true;
  });
}

test('resolve: embedding-classifier with nothing given gets every default (reference §4.3)', () => {
  assert.deepEqual(resolveVersionConfig(type('embedding-classifier'), req()), {
    outputInfo: params({ max_concepts: 20, min_value: 0, select_concepts: [] }),
    inputInfo: {}, // no base model: training picks it from the inputs' kind
    trainInfo: params({
      dataset_id: '',
      dataset_version_id: '',
      enrich_dataset: 'Automatic',
      num_epochs: 100,
      learning_rate: 0.003,
      l2_regularization: 0.01,
      seed: -1,
    }),
    importInfo: {},
  });
});

type Ok = [name: string, typeId: string, input: Partial<VersionConfig>, check: (out: VersionConfig) => void];
const okRows: Ok[] = [
  [
    'given values win over defaults',
    'embedding-classifier',
    { trainInfo: params({ enrich_dataset: 'Disabled', num_epochs: 5 }), outputInfo: params({ max_concepts: 3 }) },
    (o) => {
      assert.equal(o.trainInfo.params && (o.trainInfo.params as JsonObject).enrich_dataset, 'Disabled');
      assert.deepEqual(o.outputInfo.params, { max_concepts: 3, min_value: 0, select_concepts: [] });
    },
  ],
  [
    'template hyper-params get their defaults',
    'text-classifier',
    { trainInfo: params({ template: 'modelkeep_text_logreg', num_epochs: 7 }) },
    (o) =>
      assert.deepEqual(o.trainInfo.params, {
        template: 'modelkeep_text_logreg',
        num_epochs: 7,
        dataset_id: '',
        dataset_version_id: '',
        learning_rate: 0.003,
        l2_regularization: 0.01,
        batch_size: 32,
        seed: -1,
      }),
  ],
  [
    'visual template defaults',
    'visual-classifier',
    { trainInfo: params({ template: 'modelkeep_mobilenet_v2_transfer', image_size: 160 }) },
    (o) => assert.deepEqual([(o.trainInfo.params as JsonObject).image_size, (o.trainInfo.params as JsonObject).num_epochs], [160, 30]),
  ],
  ["a defaulted ENUM activates its option's fields", 'synthetic', {}, (o) => assert.deepEqual(o.trainInfo.params, { secret: 's3', template: 'a', alpha: 1 })],
  [
    'nested ENUM inside a chosen option',
    'synthetic',
    { trainInfo: params({ template: 'b' }) },
    (o) => assert.deepEqual(o.trainInfo.params, { template: 'b', secret: 's3', beta: 1, mode: 'x', gamma: 3 }),
  ],
  [
    'comparator number becomes its name',
    'concept-thresholder',
    { outputInfo: params({ concept_threshold_type: 3 }) },
    (o) => assert.deepEqual(o.outputInfo.params, { concept_threshold_type: 'LESS_THAN' }),
  ],
  [
    'comparator defaults to GREATER_THAN',
    'concept-thresholder',
    {},
    (o) => assert.deepEqual(o, req({ outputInfo: params({ concept_threshold_type: 'GREATER_THAN' }) })),
  ],
  [
    'base_embed_model and other blocks pass through untouched',
    'embedding-classifier',
    {
      inputInfo: { base_embed_model: { id: 'mine', app_id: 'a', user_id: 'u', model_version: { id: 'v' } }, fields_map: { image: 'images' } },
      outputInfo: { output_config: { max_concepts: 0, min_value: 0.5, concepts_mutually_exclusive: true }, fields_map: { concepts: 'softmax' } },
    },
    (o) => {
      assert.deepEqual(o.inputInfo, {
        base_embed_model: { id: 'mine', app_id: 'a', user_id: 'u', model_version: { id: 'v' } },
        fields_map: { image: 'images' },
      });
      assert.deepEqual(o.outputInfo.output_config, { max_concepts: 0, min_value: 0.5, concepts_mutually_exclusive: true });
      assert.deepEqual(o.outputInfo.fields_map, { concepts: 'softmax' });
    },
  ],
  [
    'clusterer defaults',
    'clusterer',
    {},
    (o) => assert.deepEqual([(o.trainInfo.params as JsonObject).num_clusters, (o.trainInfo.params as JsonObject).seed], [10, -1]),
  ],
  ['random-sample keeps everything by default', 'random-sample', {}, (o) => assert.deepEqual(o.outputInfo.params, { keep_fraction: 1, seed: -1 })],
  ['knn-concept k defaults to 5', 'knn-concept', {}, (o) => assert.equal((o.outputInfo.params as JsonObject).k, 5)],
  ['a type without fields creates no params', 'visual-embedder', {}, (o) => assert.deepEqual(o, req())],
];
for (const [name, id, input, check] of okRows) {
  test(`resolve: ${name} (${id})`, () => check(resolveVersionConfig(type(id), req(input))));
}

type Bad = [name: string, typeId: string, input: Partial<VersionConfig>, patterns: RegExp[]];
const badRows: Bad[] = [
  [
    'unknown output param, with the known list',
    'embedding-classifier',
    { outputInfo: params({ foo: 1 }) },
    [/output_info\.params\.foo is not a parameter of model type embedding-classifier; known: max_concepts, min_value, select_concepts/],
  ],
  [
    'params on a type that takes none',
    'concept-thresholder',
    { trainInfo: params({ epochs: 1 }) },
    [/train_info\.params\.epochs is not a parameter.*model type concept-thresholder takes no train_info\.params/],
  ],
  ['import params are strict too', 'embedding-classifier', { importInfo: params({ x: 1 }) }, [/import_info\.params\.x is not a parameter/]],
  ['template on a template-less type', 'embedding-classifier', { trainInfo: params({ template: 'x' }) }, [/train_info\.params\.template is not a parameter/]],
  [
    'wrong JSON type',
    'embedding-classifier',
    { trainInfo: params({ num_epochs: '5' }) },
    [/train_info\.params\.num_epochs must be 1 to 1000, whole numbers \(RANGE\), got string/],
  ],
  ['out of range', 'embedding-classifier', { outputInfo: params({ max_concepts: 500 }) }, [/output_info\.params\.max_concepts 500 is out of range.*1 to 200/]],
  ['RANGE min_value', 'embedding-classifier', { outputInfo: params({ min_value: -0.1 }) }, [/output_info\.params\.min_value -0\.1 is out of range.*0 to 1/]],
  [
    'unknown ENUM value',
    'embedding-classifier',
    { trainInfo: params({ enrich_dataset: 'Sometimes' }) },
    [/train_info\.params\.enrich_dataset 'Sometimes' is not valid for model type embedding-classifier; allowed: Automatic \(recommended\), Disabled/],
  ],
  [
    'unknown template',
    'text-classifier',
    { trainInfo: params({ template: 'foo', num_epochs: 3 }) },
    [/train_info\.params\.template 'foo' is not valid for model type text-classifier; allowed: modelkeep_text_logreg/],
  ],
  [
    'missing required template',
    'visual-classifier',
    { trainInfo: params({ num_epochs: 3 }) },
    [/train_info\.params\.template is required for model type visual-classifier; allowed: modelkeep_mobilenet_v2_transfer \(recommended\)$/],
  ],
  [
    'template hyper-param out of range',
    'visual-classifier',
    { trainInfo: params({ template: 'modelkeep_mobilenet_v2_transfer', image_size: 100 }) },
    [/train_info\.params\.image_size 100 is out of range.*96 to 224 in steps of 32/],
  ],
  [
    'a param of another option',
    'synthetic',
    { trainInfo: params({ template: 'a', beta: 1 }) },
    [
      /train_info\.params\.beta is not a parameter of model type synthetic with train_info\.params\.template 'a' \(it belongs to 'b'\); known: secret, template, alpha/,
    ],
  ],
  ['internal-only set', 'synthetic', { trainInfo: params({ secret: 'mine' }) }, [/train_info\.params\.secret is internal-only and cannot be set/]],
  ['params not an object', 'embedding-classifier', { trainInfo: { params: [1] } }, [/train_info\.params must be a JSON object/]],
  [
    'output_config.max_concepts above 200',
    'embedding-classifier',
    { outputInfo: { output_config: { max_concepts: 201 } } },
    [/output_info\.output_config\.max_concepts 201 is out of range; allowed: 0 \(server default of 20\) or 1 to 200/],
  ],
  [
    'output_config.max_concepts fractional',
    'embedding-classifier',
    { outputInfo: { output_config: { max_concepts: 1.5 } } },
    [/max_concepts 1\.5 is out of range/],
  ],
  [
    'output_config.min_value above 1',
    'embedding-classifier',
    { outputInfo: { output_config: { min_value: 1.5 } } },
    [/output_info\.output_config\.min_value 1\.5 is out of range; allowed: 0 to 1/],
  ],
  [
    'output_config typed field with a spec',
    'embedding-classifier',
    { outputInfo: { output_config: { concepts_mutually_exclusive: 'yes' } } },
    [/output_info\.output_config\.concepts_mutually_exclusive must be true or false/],
  ],
  [
    'base_embed_model must be an object',
    'embedding-classifier',
    { inputInfo: { base_embed_model: 'general-image-embedding' } },
    [/input_info\.base_embed_model must be an object/],
  ],
  [
    'every problem is reported at once',
    'embedding-classifier',
    { outputInfo: params({ foo: 1, max_concepts: 0 }), trainInfo: params({ seed: 'x' }) },
    [/^invalid configuration for model type embedding-classifier: /, /output_info\.params\.foo/, /max_concepts 0/, /train_info\.params\.seed/],
  ],
];
for (const [name, id, input, patterns] of badRows) {
  test(`resolve refuses: ${name} (${id})`, () => assertInvalid(() => resolveVersionConfig(type(id), req(input)), ...patterns));
}

test('resolve: hyper-params sent with a missing template are not also called unknown', () => {
  assert.throws(
    () => resolveVersionConfig(type('text-classifier'), req({ trainInfo: params({ num_epochs: 3 }) })),
    (e: ApiError) => !/num_epochs/.test(e.details),
  );
});

test('resolve: never mutates its input and never shares objects with it or the catalog', () => {
  const input = req({ trainInfo: params({ template: 'modelkeep_text_logreg' }), inputInfo: { base_embed_model: { id: 'm' } } });
  const before = structuredClone(input);
  const out = resolveVersionConfig(type('text-classifier'), input);
  assert.deepEqual(input, before);
  assert.notEqual(out.inputInfo.base_embed_model, input.inputInfo.base_embed_model);
  ((out.outputInfo.params as JsonObject).select_concepts as JsonValue[]).push('changed'); // throws if it were the frozen catalog array
  const again = resolveVersionConfig(type('text-classifier'), before);
  assert.deepEqual((again.outputInfo.params as JsonObject).select_concepts, []);
});

test('override: checks output_info only, fills nothing, normalises aliases, leaves input alone', () => {
  const t = type('concept-thresholder');
  const input: JsonObject = { params: { concept_threshold_type: 5 } };
  assert.deepEqual(validateOutputInfoOverride(t, input), { params: { concept_threshold_type: 'EQUAL' } });
  assert.deepEqual(input, { params: { concept_threshold_type: 5 } });
  assert.deepEqual(validateOutputInfoOverride(type('text-classifier'), {}), {}, 'no template required, no defaults');
  assert.deepEqual(validateOutputInfoOverride(type('embedding-classifier'), { output_config: { max_concepts: 3 }, params: { min_value: 0.9 } }), {
    output_config: { max_concepts: 3 },
    params: { min_value: 0.9 },
  });
});

const badOverrides: [string, string, JsonObject, RegExp][] = [
  [
    'unknown key',
    'embedding-classifier',
    { params: { k: 3 } },
    /output_info\.params\.k is not a parameter of model type embedding-classifier; known: max_concepts/,
  ],
  ['range', 'knn-concept', { params: { k: 0 } }, /output_info\.params\.k 0 is out of range for model type knn-concept; allowed: 1 to 100/],
  ['enum', 'concept-thresholder', { params: { concept_threshold_type: 'BIGGER' } }, /'BIGGER' is not valid.*GREATER_THAN \(or 1\)/],
  ['output_config', 'embedding-classifier', { output_config: { max_concepts: 1000 } }, /output_config\.max_concepts 1000/],
  ['select_concepts shape', 'embedding-classifier', { params: { select_concepts: ['cat'] } }, /select_concepts must be an array of concepts/],
];
for (const [name, id, oi, re] of badOverrides) {
  test(`override refuses: ${name} (${id})`, () => assertInvalid(() => validateOutputInfoOverride(type(id), oi), re));
}

const c = (id: string, value = 1): ConceptInput => ({ id, name: id, value });
const conceptRows: [string, string, ConceptInput[], RegExp | null][] = [
  ['classifier with concepts', 'embedding-classifier', [c('cat'), c('dog')], null],
  ['classifier values are not thresholds', 'embedding-classifier', [c('cat', 5)], null],
  ['classifier without concepts', 'embedding-classifier', [], /output_info\.data\.concepts is required for model type embedding-classifier/],
  ['concepts on a type without them', 'clusterer', [c('cat')], /model type clusterer takes no concepts/],
  ['no concepts on a type without them', 'clusterer', [], null],
  ['duplicate ids', 'knn-concept', [c('cat'), c('dog'), c('cat')], /output_info\.data\.concepts\[2\]\.id 'cat' is a duplicate/],
  ['empty id', 'knn-concept', [c('')], /concepts\[0\]\.id is empty/],
  ['threshold in range', 'concept-thresholder', [c('cat', 0), c('dog', 1)], null],
  ['threshold above 1', 'concept-thresholder', [c('cat', 0.5), c('dog', 1.5)], /concepts\[1\]\.value 1\.5 is out of range for model type concept-thresholder/],
  ['threshold below 0', 'concept-thresholder', [c('cat', -0.1)], /concepts\[0\]\.value -0\.1/],
];
for (const [name, id, concepts, re] of conceptRows) {
  test(`validateConcepts: ${name} (${id})`, () => {
    if (re === null) assert.doesNotThrow(() => validateConcepts(type(id), concepts));
    else assertInvalid(() => validateConcepts(type(id), concepts), re);
  });
}
