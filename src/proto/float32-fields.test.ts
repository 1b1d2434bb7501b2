import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSealed, seal } from '../service/reuse/sealed.js';
import { withFloat32 } from './float32-fields.js';
import { loadClarifaiProtos } from './load.js';

const protos = loadClarifaiProtos();
const MultiOutput = protos.type('MultiOutputResponse');
const third = 1 / 3;
const f3 = 0.33333334; // float32's shortest form of 1/3

describe('withFloat32', () => {
  it('rewrites float fields (concept values, embedding vectors, nested regions) and leaves doubles, Structs and the rest alone', () => {
    const input = { id: 'in', data: { text: { raw: 'x' }, metadata: { share: third } } };
    const body = {
      outputs: [
        {
          id: 'o',
          input,
          data: {
            concepts: [{ id: 'a', name: 'a', value: third, app_id: 'app' }],
            embeddings: [{ vector: [third, 0.1, -2.5], num_dimensions: 3 }],
            regions: [{ region_info: { bounding_box: { top_row: third } }, data: { concepts: [{ id: 'b', value: Math.fround(0.7) }] } }],
            float_value: third,
          },
        },
      ],
    };
    const before = JSON.stringify(body);
    const got = withFloat32(MultiOutput, body) as typeof body;
    assert.equal(JSON.stringify(body), before, 'the body itself is not changed');
    const data = got.outputs[0]!.data;
    assert.equal(data.concepts[0]!.value, f3);
    assert.deepEqual(data.embeddings[0]!.vector, [f3, 0.1, -2.5]);
    assert.equal(data.regions[0]!.region_info.bounding_box.top_row, f3);
    assert.equal(data.regions[0]!.data.concepts[0]!.value, 0.7);
    assert.equal(data.float_value, third, 'Data.float_value is a proto double: float64 digits stay');
    assert.equal(got.outputs[0]!.input, input, 'a part without floats is shared, not copied');
    assert.match(JSON.stringify(got), /"share":0\.3333333333333333/);
    assert.equal(Math.fround(data.concepts[0]!.value), Math.fround(third), 'the same float32');
  });

  it('returns the body itself when no float changes (values already shortest, or none)', () => {
    const body = {
      outputs: [
        {
          id: 'o',
          data: {
            concepts: [
              { id: 'a', value: 0.5 },
              { id: 'b', value: 1 },
            ],
          },
        },
      ],
    };
    assert.equal(withFloat32(MultiOutput, body), body);
    const status = { status: { code: 10000, description: 'Ok' } };
    assert.equal(withFloat32(protos.type('MultiModelResponse'), status), status);
  });

  it('gives a sealed (shared) part the same sealed copy every time, so its JSON is still printed once', () => {
    const model = seal({ id: 'm', output_info: { output_config: { min_value: third } }, model_version: { id: 'v' } });
    const body = {
      outputs: [
        { id: 'o1', model },
        { id: 'o2', model },
      ],
    };
    const a = withFloat32(MultiOutput, body) as { outputs: { model: { output_info: { output_config: { min_value: number } } } }[] };
    const b = withFloat32(MultiOutput, { outputs: [{ id: 'o3', model }] }) as typeof a;
    assert.equal(a.outputs[0]!.model, a.outputs[1]!.model);
    assert.equal(a.outputs[0]!.model, b.outputs[0]!.model);
    assert.ok(isSealed(a.outputs[0]!.model));
    assert.equal(a.outputs[0]!.model.output_info.output_config.min_value, f3);
  });

  it('keeps NaN and Infinity (printed as null, as before) and -0 (printed as 0)', () => {
    const body = { outputs: [{ data: { embeddings: [{ vector: [Number.NaN, Number.POSITIVE_INFINITY, -0, third] }] } }] };
    const got = withFloat32(MultiOutput, body);
    assert.match(JSON.stringify(got), /"vector":\[null,null,0,0\.33333334\]/);
  });
});
