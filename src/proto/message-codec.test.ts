import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadClarifaiProtos } from './load.js';
import { messageCodec } from './message-codec.js';

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
    assert.deepEqual(fields.map((f) => f.default_value), [20, 'Automatic', false, { id: 'x' }, []]);
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
