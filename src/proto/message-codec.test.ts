import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadClarifaiProtos } from './load.js';
import { fieldEncoder, messageCodec } from './message-codec.js';

const protos = loadClarifaiProtos();

describe('messageCodec: google.protobuf.Value fields', () => {
  const codec = messageCodec(protos.type('clarifai.api.SingleModelTypeResponse'));
  const roundTrip = (o: Record<string, unknown>) => codec.decode(codec.encode(o));

  it('encodes scalar default_value (number, string, bool) and decodes it back', () => {
    const out = roundTrip({
      model_type: {
        id: 't',
        model_type_fields: [
          { path: 'a', default_value: 20 },
          { path: 'b', default_value: 'Automatic' },
          { path: 'c', default_value: false },
          { path: 'd', default_value: { id: 'x' } },
          { path: 'e', default_value: [] },
        ],
      },
    });
    const fields = (out.model_type as { model_type_fields: Array<{ path: string; default_value: unknown }> }).model_type_fields;
    assert.deepEqual(
      fields.map((f) => f.default_value),
      [20, 'Automatic', false, { id: 'x' }, []],
    );
  });

  it('reaches Value fields nested in recursive messages (ModelTypeField -> enum option -> ModelTypeField)', () => {
    const out = roundTrip({
      model_type: {
        id: 't',
        model_type_fields: [{ path: 'tpl', model_type_enum_options: [{ id: 'o', model_type_fields: [{ path: 'n', default_value: 5 }] }] }],
      },
    });
    const opt = (out.model_type as any).model_type_fields[0].model_type_enum_options[0];
    assert.equal(opt.model_type_fields[0].default_value, 5);
  });

  it('leaves Struct contents alone, even a key named "fields"', () => {
    const c = messageCodec(protos.type('clarifai.api.SingleModelResponse'));
    const out = c.decode(c.encode({ model: { id: 'm', metadata: { fields: 3, values: ['a'] } } }));
    assert.deepEqual((out.model as { metadata: unknown }).metadata, { fields: 3, values: ['a'] });
  });
});

describe('fieldEncoder: a response as its status field + the rest', () => {
  const type = protos.type('clarifai.api.SingleModelResponse');
  const codec = messageCodec(type);
  const status = { code: 10000, description: 'Ok', req_id: 'abc' };
  const body = { model: { id: 'm1', created_at: '2024-01-02T03:04:05.123456Z', model_version: { id: 'v1', status: { code: 21100 } } } };

  it('the two parts concatenated are byte-identical to encoding the whole message', () => {
    const split = Buffer.concat([fieldEncoder(type, 'status')(status), codec.encode(body)]);
    assert.deepEqual(split, codec.encode({ status, ...body }));
    assert.deepEqual(codec.decode(split), codec.decode(codec.encode({ status, ...body })));
  });

  it('refuses a field that is not a singular message', () => {
    assert.throws(() => fieldEncoder(protos.type('clarifai.api.MultiModelResponse'), 'models'), /not a singular message field/);
  });
});

describe('messageCodec.decode: the request guard (prototype keys, nesting)', () => {
  const c = messageCodec(protos.type('clarifai.api.PostModelsRequest'));
  const decodeError = (o: Record<string, unknown>): Error => {
    const buf = c.encode(o);
    try {
      c.decode(buf);
    } catch (e) {
      return e as Error;
    }
    return assert.fail('expected the decode to refuse');
  };

  it('a "__proto__" key in a Struct survives the wire and is refused with its path', () => {
    const e = decodeError(JSON.parse('{"model":{"id":"m","metadata":{"ok":1,"__proto__":{"status":"x"}}}}'));
    assert.match(e.message, /^model\.metadata\.__proto__: .*not allowed as a key/);
    assert.equal(({} as Record<string, unknown>).status, undefined);
  });

  it('constructor / prototype keys deep inside lists are refused', () => {
    const e = decodeError({ model: { id: 'm', metadata: { a: [{ b: { constructor: 1 } }] } } });
    assert.match(e.message, /^model\.metadata\.a\[0\]\.b\.constructor: /);
  });

  it('a Struct nested deeper than the JSON limit is refused; ordinary metadata decodes unchanged', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { a: deep };
    assert.match(decodeError({ model: { id: 'm', metadata: deep } }).message, /deeper than 32 levels/);
    const ok = { model: { id: 'm', metadata: { a: { b: [1, 'x', { c: true }] }, proto: 'fine' } } };
    assert.deepEqual(c.decode(c.encode(ok)), ok);
  });
});
