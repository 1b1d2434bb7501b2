import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJsonBody, decodeQuery, JsonCodecError, setPath } from './json-codec.js';
import { loadClarifaiProtos } from './load.js';

const protos = loadClarifaiProtos();
const T = (name: string) => protos.type(`clarifai.api.${name}`);

/** The JsonCodecError a decode throws: its path and reason. */
function failure(run: () => unknown): { path: string; reason: string } {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof JsonCodecError, `expected a JsonCodecError, got ${String(e)}`);
    return { path: e.path, reason: e.reason };
  }
  assert.fail('expected the decode to throw');
}

describe('decodeJsonBody: messages', () => {
  it('decodes a PostModelOutputs body: nested messages, lists, strings', () => {
    const out = decodeJsonBody(T('PostModelOutputsRequest'), {
      inputs: [{ data: { text: { raw: 'hello' } } }, { id: 'in-2', data: { image: { url: 'http://x/y.jpg' } } }],
      model: { model_version: { output_info: { output_config: { max_concepts: 3, min_value: 0.5, select_concepts: [{ id: 'cat' }] } } } },
    });
    assert.deepEqual(out, {
      inputs: [{ data: { text: { raw: 'hello' } } }, { id: 'in-2', data: { image: { url: 'http://x/y.jpg' } } }],
      // Concept.value has cl_default_float 1: filled when absent.
      model: { model_version: { output_info: { output_config: { max_concepts: 3, min_value: 0.5, select_concepts: [{ id: 'cat', value: 1 }] } } } },
    });
  });

  it('accepts lowerCamelCase names and answers with the proto names', () => {
    const out = decodeJsonBody(T('PostModelOutputsRequest'), { versionId: 'v1', userAppId: { userId: 'u', appId: 'a' } });
    assert.deepEqual(out, { version_id: 'v1', user_app_id: { user_id: 'u', app_id: 'a' } });
  });

  it('skips null and undefined fields; a missing body is an empty request', () => {
    assert.deepEqual(decodeJsonBody(T('PostModelOutputsRequest'), { model_id: null, version_id: undefined, inputs: null }), {});
    assert.deepEqual(decodeJsonBody(T('PostModelOutputsRequest'), undefined), {});
    assert.deepEqual(decodeJsonBody(T('PostModelOutputsRequest'), null), {});
  });

  it('keeps the cl_default_float default unless the value is given (0 included)', () => {
    const out = decodeJsonBody(T('PostConceptsRequest'), { concepts: [{ id: 'a' }, { id: 'b', value: 0 }, { id: 'c', value: '0.25' }] });
    assert.deepEqual(out, {
      concepts: [
        { id: 'a', value: 1 },
        { id: 'b', value: 0 },
        { id: 'c', value: 0.25 },
      ],
    });
  });

  it('does not share the decoded objects with the JSON it read', () => {
    const json = { inputs: [{ data: { text: { raw: 'x' } } }] };
    const out = decodeJsonBody(T('PostModelOutputsRequest'), json) as { inputs: { data: unknown }[] };
    assert.notEqual(out.inputs, json.inputs);
    assert.notEqual(out.inputs[0]!.data, json.inputs[0]!.data);
  });

  it('names the path of an unknown field, in lists and nested messages', () => {
    assert.deepEqual(
      failure(() => decodeJsonBody(T('PostModelOutputsRequest'), { inputs: [{ data: { text: { raw: 'a' } } }, { data: { txt: { raw: 'b' } } }] })),
      {
        path: 'inputs[1].data.txt',
        reason: 'unknown field "txt" in Data',
      },
    );
    assert.deepEqual(
      failure(() => decodeJsonBody(T('PostModelOutputsRequest'), { modle: {} })),
      { path: 'modle', reason: 'unknown field "modle" in PostModelOutputsRequest' },
    );
  });

  it('refuses wrong JSON types with the path and what was expected', () => {
    const req = T('PostModelOutputsRequest');
    assert.deepEqual(
      failure(() => decodeJsonBody(req, [])),
      { path: '', reason: 'expected an object (PostModelOutputsRequest), got array' },
    );
    assert.deepEqual(
      failure(() => decodeJsonBody(req, { inputs: {} })),
      { path: 'inputs', reason: 'expected an array, got object' },
    );
    assert.deepEqual(
      failure(() => decodeJsonBody(req, { inputs: [null] })),
      { path: 'inputs[0]', reason: 'null is not allowed in a list' },
    );
    assert.deepEqual(
      failure(() => decodeJsonBody(req, { inputs: ['x'] })),
      { path: 'inputs[0]', reason: 'expected an object (Input), got string' },
    );
    assert.deepEqual(
      failure(() => decodeJsonBody(req, { inputs: [{ data: { text: { raw: 5 } } }] })),
      { path: 'inputs[0].data.text.raw', reason: 'expected a string, got number' },
    );
    assert.deepEqual(
      failure(() => decodeJsonBody(req, { model_id: true })),
      { path: 'model_id', reason: 'expected a string, got boolean' },
    );
    assert.deepEqual(
      failure(() => decodeJsonBody(req, { inputs: [{ data: { concepts: [{ id: 'a', value: 'high' }] } }] })),
      { path: 'inputs[0].data.concepts[0].value', reason: 'expected a number, got "high"' },
    );
  });

  it('names the JSON path as sent (camelCase stays camelCase in the path)', () => {
    assert.deepEqual(
      failure(() => decodeJsonBody(T('PostModelOutputsRequest'), { userAppId: { userId: 3 } })),
      { path: 'userAppId.userId', reason: 'expected a string, got number' },
    );
  });

  it('starts paths at the given prefix', () => {
    assert.deepEqual(
      failure(() => decodeJsonBody(T('Input'), { data: { nope: 1 } }, 'inputs[7]')),
      { path: 'inputs[7].data.nope', reason: 'unknown field "nope" in Data' },
    );
  });
});

describe('decodeJsonBody: scalars, enums and well-known types', () => {
  it('enums: by name or number; other values are refused', () => {
    const t = T('PostAppsRequest');
    assert.deepEqual(decodeJsonBody(t, { apps: [{ id: 'a', visibility: { gettable: 'PUBLIC' } }] }), { apps: [{ id: 'a', visibility: { gettable: 50 } }] });
    assert.deepEqual(decodeJsonBody(t, { apps: [{ id: 'a', visibility: { gettable: 10 } }] }), { apps: [{ id: 'a', visibility: { gettable: 10 } }] });
    assert.deepEqual(decodeJsonBody(t, { apps: [{ id: 'a', visibility: { gettable: '50' } }] }), { apps: [{ id: 'a', visibility: { gettable: 50 } }] });
    assert.equal(failure(() => decodeJsonBody(t, { apps: [{ visibility: { gettable: 20 } }] })).reason, '20 is not a value of Gettable');
    assert.equal(failure(() => decodeJsonBody(t, { apps: [{ visibility: { gettable: 'OPEN' } }] })).reason, '"OPEN" is not a value of Gettable');
    assert.equal(
      failure(() => decodeJsonBody(t, { apps: [{ visibility: { gettable: true } }] })).reason,
      'expected an enum name or number of Gettable, got boolean',
    );
  });

  it('integers: numbers or digit strings, in range; int64 as strings', () => {
    const t = T('ListModelsRequest');
    assert.deepEqual(decodeJsonBody(t, { page: 2, per_page: '30' }), { page: 2, per_page: 30 });
    assert.equal(failure(() => decodeJsonBody(t, { page: 1.5 })).reason, 'expected an integer, got 1.5');
    assert.equal(failure(() => decodeJsonBody(t, { page: -1 })).reason, 'expected a non-negative integer up to 4294967295, got -1');
    const data = T('Data');
    assert.deepEqual(decodeJsonBody(data, { int_value: 12 }), { int_value: '12' });
    assert.deepEqual(decodeJsonBody(data, { int_value: ' -9007199254740993 ' }), { int_value: '-9007199254740993' });
  });

  it('bools, bytes and floats', () => {
    const t = T('PostModelOutputsRequest');
    assert.deepEqual(decodeJsonBody(t, { inputs: [{ data: { image: { base64: 'aGk=', allow_duplicate_url: true } } }] }), {
      inputs: [{ data: { image: { base64: 'aGk=', allow_duplicate_url: true } } }],
    });
    assert.equal(failure(() => decodeJsonBody(t, { inputs: [{ data: { image: { base64: 'not base64!' } } }] })).reason, 'expected base64-encoded bytes');
    assert.equal(
      failure(() => decodeJsonBody(t, { inputs: [{ data: { image: { allow_duplicate_url: 'yes' } } }] })).reason,
      'expected true or false, got "yes"',
    );
    assert.equal(failure(() => decodeJsonBody(t, { inputs: [{ data: { concepts: [{ value: Infinity }] } }] })).reason, 'expected a number, got null');
  });

  it('Struct, Value and Timestamp pass through as JSON; Struct must be an object', () => {
    const t = T('PostModelOutputsRequest');
    const meta = { a: [1, { b: null }], c: 'x' };
    assert.deepEqual(decodeJsonBody(t, { inputs: [{ data: { metadata: meta } }] }), { inputs: [{ data: { metadata: meta } }] });
    assert.equal(failure(() => decodeJsonBody(t, { inputs: [{ data: { metadata: [1] } }] })).reason, 'expected a JSON object, got array');
    const v = T('PostModelVersionsRequest');
    assert.deepEqual(decodeJsonBody(v, { model_versions: [{ output_info: { params: { x: 1 } } }] }), {
      model_versions: [{ output_info: { params: { x: 1 } } }],
    });
    const inputs = T('PostInputsRequest');
    assert.deepEqual(decodeJsonBody(inputs, { inputs: [{ created_at: '2024-01-02T03:04:05Z' }] }), { inputs: [{ created_at: '2024-01-02T03:04:05Z' }] });
    assert.equal(failure(() => decodeJsonBody(inputs, { inputs: [{ created_at: 'yesterday' }] })).reason, '"yesterday" is not an RFC 3339 timestamp');
    assert.equal(failure(() => decodeJsonBody(inputs, { inputs: [{ created_at: 5 }] })).reason, 'expected an RFC 3339 timestamp string');
  });

  it('wrapper types take their scalar directly', () => {
    const t = T('PostAppsRequest');
    assert.deepEqual(decodeJsonBody(t, { apps: [{ id: 'a', is_template: true }] }), { apps: [{ id: 'a', is_template: true }] });
    assert.equal(failure(() => decodeJsonBody(t, { apps: [{ is_template: 'no' }] })).reason, 'expected true or false, got "no"');
  });

  it('map fields: an object of values', () => {
    const t = T('Image');
    assert.deepEqual(decodeJsonBody(t, { hosted_image_info: { small: { width: 3 } } }), { hosted_image_info: { small: { width: 3 } } });
    assert.deepEqual(
      failure(() => decodeJsonBody(t, { hosted_image_info: [] })),
      { path: 'hosted_image_info', reason: 'expected an object, got array' },
    );
    assert.deepEqual(
      failure(() => decodeJsonBody(t, { hosted_image_info: { small: { wide: 3 } } })),
      { path: 'hosted_image_info.small.wide', reason: 'unknown field "wide" in ImageInfo' },
    );
  });

  it('only one member of a oneof', () => {
    const t = T('Worker');
    assert.deepEqual(decodeJsonBody(t, { model: { id: 'm' } }), { model: { id: 'm' } });
    assert.deepEqual(
      failure(() => decodeJsonBody(t, { model: { id: 'm' }, workflow: { id: 'w' } })),
      { path: 'workflow', reason: 'only one of user, model, workflow may be set (also got model)' },
    );
  });
});

describe('decodeQuery', () => {
  it('nests dotted keys, coerces strings, and wraps single values of lists', () => {
    const out = decodeQuery(T('ListModelsRequest'), {
      'user_app_id.user_id': 'u',
      page: '2',
      sort_ascending: 'true',
      model_type_id: 'text-classifier',
      additional_fields: 'stars',
    });
    assert.deepEqual(out, { user_app_id: { user_id: 'u' }, page: 2, sort_ascending: true, model_type_id: 'text-classifier', additional_fields: ['stars'] });
    assert.deepEqual(decodeQuery(T('ListModelsRequest'), { sort_ascending: '' }), { sort_ascending: false });
    assert.equal(failure(() => decodeQuery(T('ListModelsRequest'), { per_pag: '10' })).path, 'per_pag');
  });
});

describe('setPath', () => {
  it('creates intermediate objects and replaces non-objects', () => {
    const o: Record<string, unknown> = { a: 5 };
    setPath(o, ['a', 'b'], 1);
    setPath(o, ['c', 'd', 'e'], 'x');
    assert.deepEqual(o, { a: { b: 1 }, c: { d: { e: 'x' } } });
  });
});

describe('prototype keys never reach a prototype', () => {
  const canary = (): void => assert.equal(({} as Record<string, unknown>).status, undefined, 'Object.prototype was polluted');

  it('query keys: __proto__ / constructor / prototype segments are refused, naming the key', () => {
    for (const key of ['__proto__.status', 'user_app_id.__proto__.status', 'constructor.prototype.status', '__proto__', 'prototype']) {
      const f = failure(() => decodeQuery(T('ListAppsRequest'), { [key]: 'x' }));
      assert.match(f.reason, /not allowed as a key/, key);
      assert.ok(key.startsWith(f.path), `${key}: path ${f.path}`);
      canary();
    }
  });

  it('body: a prototype key in a message, a Struct, a Value or a map is refused with its path', () => {
    const body = (json: string) => failure(() => decodeJsonBody(T('PostModelsRequest'), JSON.parse(json)));
    assert.equal(body('{"__proto__":{"status":"x"}}').path, '__proto__');
    assert.equal(body('{"model":{"id":"m","metadata":{"__proto__":{"status":"x"}}}}').path, 'model.metadata.__proto__');
    assert.equal(body('{"model":{"id":"m","metadata":{"a":[{"constructor":{"prototype":1}}]}}}').path, 'model.metadata.a[0].constructor');
    const value = failure(() =>
      decodeJsonBody(T('SingleModelTypeResponse'), JSON.parse('{"model_type":{"model_type_fields":[{"default_value":{"__proto__":1}}]}}')),
    );
    assert.equal(value.path, 'model_type.model_type_fields[0].default_value.__proto__');
    const map = failure(() => decodeJsonBody(T('Image'), JSON.parse('{"hosted_image_info":{"__proto__":{"width":1}}}')));
    assert.equal(map.path, 'hosted_image_info.__proto__');
    canary();
  });

  it('setPath refuses a prototype segment before writing anything', () => {
    const target: Record<string, unknown> = {};
    assert.throws(() => setPath(target, ['a', '__proto__', 'status'], 'x'), JsonCodecError);
    assert.deepEqual(target, {});
    canary();
  });
});
