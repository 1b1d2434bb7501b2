import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DEFAULT_MODEL_TYPE_ID, defaultModelTypes, ModelTypeRegistry } from './catalog.js';
import { classifyPath, flattenFields } from './paths.js';
import { EVALUATION_TYPE_NUMBERS, FIELD_TYPE_NUMBERS, type ModelTypeDef, VALUE_COMPARATOR_NUMBERS } from './types.js';

const registry = new ModelTypeRegistry(defaultModelTypes());
const mustGet = (id: string): ModelTypeDef => {
  const t = registry.get(id);
  assert.ok(t, `model type ${id} is in the catalog`);
  return t;
};

/** Reads `NAME = n;` lines of one enum block of the official proto, so our numbers cannot drift from it. */
function protoEnum(name: string): Map<string, number> {
  const proto = readFileSync(new URL('../../../node_modules/clarifai-nodejs-grpc/proto/clarifai/api/resources.proto', import.meta.url), 'utf8').replace(
    /\/\/.*$/gm,
    '',
  );
  const start = proto.indexOf(`enum ${name} {`);
  assert.ok(start >= 0, `enum ${name} in resources.proto`);
  const body = proto.slice(start, proto.indexOf('}', start));
  return new Map([...body.matchAll(/^\s*(\w+)\s*=\s*(\d+);/gm)].map((m) => [m[1]!, Number(m[2])]));
}

for (const [ours, protoName] of [
  [FIELD_TYPE_NUMBERS, 'ModelTypeFieldType'],
  [EVALUATION_TYPE_NUMBERS, 'EvaluationType'],
  [VALUE_COMPARATOR_NUMBERS, 'ValueComparator'],
] as const) {
  test(`${protoName} numbers match resources.proto`, () => {
    const proto = protoEnum(protoName);
    for (const [k, v] of Object.entries(ours)) assert.equal(proto.get(k), v, k);
  });
}

// id, trainable, creatable, input, output, concepts field
const expected: [string, boolean, boolean, string, string, string | undefined][] = [
  ['embedding-classifier', true, true, 'embeddings', 'concepts', 'ARRAY_OF_CONCEPTS'],
  ['text-classifier', true, true, 'text', 'concepts', 'ARRAY_OF_CONCEPTS'],
  ['visual-classifier', true, true, 'image', 'concepts', 'ARRAY_OF_CONCEPTS'],
  ['visual-embedder', false, true, 'image', 'embeddings', undefined],
  ['text-embedder', false, true, 'text', 'embeddings', undefined],
  ['clusterer', true, true, 'embeddings', 'clusters', undefined],
  ['concept-thresholder', false, true, 'concepts', 'concepts', 'ARRAY_OF_CONCEPTS_WITH_THRESHOLD'],
  ['random-sample', false, true, 'image', 'image', undefined],
  ['knn-concept', false, true, 'embeddings', 'concepts', 'ARRAY_OF_CONCEPTS'],
  ['visual-detector', true, false, 'image', 'regions[...].data.concepts', undefined],
  ['text-to-text', true, false, 'text', 'text', undefined],
];
for (const [id, trainable, creatable, input, output, concepts] of expected) {
  test(`catalog: ${id}`, () => {
    const t = mustGet(id);
    assert.deepEqual([t.trainable, t.creatable, t.conceptsField], [trainable, creatable, concepts]);
    assert.ok(t.inputFields.includes(input) && t.outputFields.includes(output));
  });
}

test('catalog: the default type exists and is creatable', () => {
  assert.equal(mustGet(DEFAULT_MODEL_TYPE_ID).creatable, true);
});

test('catalog: embedding-classifier carries Clarifai defaults (reference §4.3)', () => {
  const byPath = new Map(mustGet('embedding-classifier').fields.map((f) => [f.path, f]));
  assert.equal(byPath.get('output_info.params.max_concepts')?.defaultValue, 20);
  assert.deepEqual(byPath.get('output_info.params.max_concepts')?.range, { min: 1, max: 200, step: 1 });
  assert.equal(byPath.get('output_info.params.min_value')?.defaultValue, 0);
  assert.deepEqual(byPath.get('output_info.params.select_concepts')?.defaultValue, []);
  assert.equal(byPath.get('train_info.params.enrich_dataset')?.defaultValue, 'Automatic');
  assert.equal(byPath.get('output_info.output_config.concepts_mutually_exclusive')?.defaultValue, false);
  // No default base model: the training inputs' kind decides (issue 11 item 8); the description says so.
  assert.equal(byPath.get('input_info.base_embed_model')?.defaultValue, undefined);
  assert.match(String(byPath.get('input_info.base_embed_model')?.description), /general-text-embedding for text, general-image-embedding for images/);
  assert.deepEqual(mustGet('clusterer').fields.find((f) => f.path === 'input_info.base_embed_model')?.defaultValue, {
    id: 'general-image-embedding',
    app_id: 'main',
    user_id: 'clarifai',
    model_type_id: 'visual-embedder',
  });
  assert.equal(byPath.has('train_info.params.template'), false, 'template-less, like the SDKs expect');
});

test('catalog: deep-training types have a required template with a recommended option', () => {
  for (const id of ['text-classifier', 'visual-classifier']) {
    const tpl = mustGet(id).fields.find((f) => f.path === 'train_info.params.template');
    assert.equal(tpl?.required, true);
    assert.ok(
      tpl?.enumOptions?.some((o) => o.recommended && (o.fields?.length ?? 0) > 0),
      id,
    );
  }
});

test('catalog: every path is one version-config understands', () => {
  for (const t of registry.all()) for (const f of flattenFields(t.fields)) assert.ok(classifyPath(f.path), `${t.id} ${f.path}`);
});

test('registry: get / all / by data field', () => {
  assert.equal(registry.get('nope'), undefined);
  assert.equal(registry.all().length, defaultModelTypes().length);
  const producers = registry.typesWithOutputField('concepts').map((t) => t.id);
  assert.ok(producers.includes('embedding-classifier') && !producers.includes('clusterer'));
  assert.deepEqual(
    registry.typesWithInputField('embeddings').map((t) => t.id),
    ['embedding-classifier', 'clusterer', 'random-sample', 'knn-concept'],
  );
});

test('registry: comma-separated field entries match each name', () => {
  const t: ModelTypeDef = { ...mustGet('visual-embedder'), id: 'multi', inputFields: ['image, video'] };
  assert.deepEqual(
    new ModelTypeRegistry([t]).typesWithInputField('video').map((x) => x.id),
    ['multi'],
  );
});

test('registry: refuses duplicate ids', () => {
  const defs = defaultModelTypes();
  assert.throws(() => new ModelTypeRegistry([...defs, defs[0]!]), /duplicate model type id 'embedding-classifier'/);
});

test('registry: entries are frozen copies (a caller cannot edit shared defaults)', () => {
  const defs = defaultModelTypes();
  const r = new ModelTypeRegistry(defs);
  const t = r.get('embedding-classifier')!;
  const sel = t.fields.find((f) => f.path === 'output_info.params.select_concepts')!;
  assert.throws(() => (sel.defaultValue as unknown[]).push('x'), TypeError);
  defs[0]!.title = 'changed';
  assert.equal(r.get('embedding-classifier')!.title, 'Transfer Learning');
});

const base = (): ModelTypeDef => ({
  id: 'x',
  title: 'X',
  description: '',
  inputFields: [],
  outputFields: [],
  trainable: false,
  creatable: true,
  evaluationType: 'Undefined',
  fields: [],
});
const malformed: [string, ModelTypeDef, RegExp][] = [
  ['bad path', { ...base(), fields: [{ path: 'train_info.foo', fieldType: 'STRING', description: '' }] }, /train_info\.foo: unsupported path/],
  [
    'bad default',
    { ...base(), fields: [{ path: 'train_info.params.n', fieldType: 'RANGE', defaultValue: 9, range: { min: 0, max: 1, step: 1 }, description: '' }] },
    /bad default/,
  ],
  ['RANGE without range', { ...base(), fields: [{ path: 'train_info.params.n', fieldType: 'RANGE', description: '' }] }, /RANGE needs range info/],
  [
    'required with default',
    { ...base(), fields: [{ path: 'train_info.params.n', fieldType: 'STRING', required: true, defaultValue: '', description: '' }] },
    /required field cannot have a default/,
  ],
  ['ENUM without options', { ...base(), fields: [{ path: 'train_info.params.e', fieldType: 'ENUM', description: '' }] }, /ENUM needs options/],
  [
    'duplicate path',
    {
      ...base(),
      fields: [
        { path: 'train_info.params.n', fieldType: 'STRING', description: '' },
        { path: 'train_info.params.n', fieldType: 'STRING', description: '' },
      ],
    },
    /declared twice/,
  ],
  [
    'option redefines a parent field',
    {
      ...base(),
      fields: [
        { path: 'train_info.params.n', fieldType: 'STRING', description: '' },
        {
          path: 'train_info.params.e',
          fieldType: 'ENUM',
          description: '',
          enumOptions: [{ id: 'a', description: '', fields: [{ path: 'train_info.params.n', fieldType: 'STRING', description: '' }] }],
        },
      ],
    },
    /train_info\.params\.n is declared twice/,
  ],
  ['concepts field without declaration', { ...base(), conceptsField: 'ARRAY_OF_CONCEPTS' }, /output_info\.data must be declared/],
  [
    'concepts type outside output_info.data',
    { ...base(), fields: [{ path: 'output_info.params.c', fieldType: 'ARRAY_OF_CONCEPTS', description: '' }] },
    /only output_info\.data holds concepts/,
  ],
  ['bad id', { ...base(), id: 'no spaces' }, /not a valid id/],
];
for (const [name, def, re] of malformed) {
  test(`registry: refuses a malformed entry (${name})`, () => {
    assert.throws(() => new ModelTypeRegistry([def]), re);
  });
}
