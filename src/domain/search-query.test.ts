import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from './errors.js';
import { parseQuery, parseSearches } from './search-query.js';

const failure = (fn: () => unknown): { code: number; details: string } => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return { code: e.code, details: e.details };
    throw e;
  }
  return { code: 0, details: '' };
};
const one = (query: unknown, extra: object = {}) => parseSearches([{ query, ...extra }]);
const ann = (data: object) => ({ annotation: { data } });

describe('search query parsing', () => {
  it('filters: concepts by id or name (1 positive, 0 negative), metadata, type, datasets, ids, status, negate', () => {
    const plan = one({
      filters: [
        ann({
          concepts: [
            { id: 'dog', value: 1 },
            { name: 'Cat', value: 0 },
          ],
        }),
        { negate: true, ...ann({ metadata: { k: { inner: 'v' } } }) },
        ann({ image: {} }),
        { input: { dataset_ids: ['d1', 'd2'], id: 'x', status: { code: 30000 } } },
        { annotation: { input_id: 'y' } },
      ],
    });
    assert.deepEqual(plan.filters, [
      {
        negate: false,
        concepts: [
          { id: 'dog', positive: true },
          { name: 'Cat', positive: false },
        ],
      },
      { negate: true, concepts: [], metadata: { k: { inner: 'v' } } },
      { negate: false, concepts: [], kind: 'image' },
      { negate: false, concepts: [], datasetIds: ['d1', 'd2'], inputIds: ['x'], statusCode: 30000 },
      { negate: false, concepts: [], inputIds: ['y'] },
    ]);
    assert.equal(plan.rank, undefined);
    assert.equal(plan.minValue, 0);
  });

  it('ranks: text, image url, image bytes, input id; min_value kept', () => {
    const rank = (data: object) => one({ ranks: [{ annotation: data }] }).rank;
    assert.deepEqual(rank({ data: { text: { raw: 'a dog' } } }), { by: 'text', text: 'a dog' });
    assert.deepEqual(rank({ data: { image: { url: 'https://x/y.png' } } }), { by: 'image-url', url: 'https://x/y.png' });
    assert.deepEqual(rank({ data: { image: { base64: 'AQI=' } } }), { by: 'image-bytes', base64: 'AQI=' });
    assert.deepEqual(rank({ input_id: 'i1' }), { by: 'input', inputId: 'i1' });
    assert.equal(one({}, { min_value: 0.7 }).minValue, 0.7);
  });

  it('algorithm brute_force asks for the exact scan; nearest_neighbor and none leave it to the setting (decision 0042)', () => {
    assert.equal(one({}, { algorithm: 'brute_force' }).bruteForce, true);
    assert.equal(one({}, { algorithm: 'nearest_neighbor' }).bruteForce, undefined);
    assert.equal(one({}).bruteForce, undefined);
  });

  it('geo filters: a point with a limit (in radians), or a box of two corners in any order', () => {
    const [radius, box] = one({
      filters: [
        ann({ geo: { geo_point: { longitude: 43, latitude: 56 }, geo_limit: { type: 'withinRadians', value: 0.5 } } }),
        ann({ geo: { geo_box: [{ geo_point: { longitude: 45, latitude: 54 } }, { geo_point: { longitude: 43, latitude: 56 } }] } }),
      ],
    }).filters;
    assert.deepEqual(radius!.geo, { within: 'radius', longitude: 43, latitude: 56, radians: 0.5 });
    assert.deepEqual(box!.geo, { within: 'box', minLon: 43, maxLon: 45, minLat: 54, maxLat: 56 });
  });

  it('legacy PostSearches ands: input is a filter, output.input a rank', () => {
    const plan = parseQuery(
      { ands: [{ input: { data: { concepts: [{ id: 'c', value: 1 }] } } }, { output: { input: { data: { image: { url: 'https://x/a.jpg' } } } } }] },
      'query',
    );
    assert.deepEqual(plan.filters, [{ negate: false, concepts: [{ id: 'c', positive: true }] }]);
    assert.deepEqual(plan.rank, { by: 'image-url', url: 'https://x/a.jpg' });
  });

  // Each refusal is 40002 with details naming the field, so the caller knows what to change.
  const refusals: [string, () => unknown, RegExp][] = [
    ['no search', () => parseSearches([]), /searches is empty/],
    ['two searches', () => parseSearches([{}, {}]), /one search per call/],
    ['saved search', () => parseSearches([{ save: true }]), /saved searches/],
    ['unknown algorithm', () => one({}, { algorithm: 'ann' }), /algorithm 'ann'/],
    ['geo point without a limit type', () => one({ filters: [ann({ geo: { geo_point: { latitude: 1 } } })] }), /geo_limit\.type must be one of/],
    ['geo box of one point', () => one({ filters: [ann({ geo: { geo_box: [{ geo_point: { latitude: 1 } }] } })] }), /a box is two opposite corners/],
    [
      'geo latitude 91',
      () => one({ filters: [ann({ geo: { geo_point: { latitude: 91 }, geo_limit: { type: 'withinKilometers', value: 1 } } })] }),
      /latitude must be/,
    ],
    ['unknown data field', () => one({ filters: [ann({ regions: [{ id: 'r' }] })] }), /filters\[0\]\.annotation\.data\.regions is not supported/],
    ['time range', () => one({ filters: [{ last_updated_time_range: { start_time: 'x' } }] }), /last_updated_time_range is not supported/],
    ['worker filter', () => one({ filters: [{ annotation: { worker: { model: {} } } }] }), /annotation\.worker is not supported/],
    ['concept value 0.5', () => one({ filters: [ann({ concepts: [{ id: 'c', value: 0.5 }] })] }), /value is 0\.5/],
    ['concept without id or name', () => one({ filters: [ann({ concepts: [{ value: 1 }] })] }), /neither id nor name/],
    ['both types', () => one({ filters: [ann({ image: {}, text: {} })] }), /both image and text/],
    ['type with content', () => one({ filters: [ann({ text: { raw: 'x' } })] }), /must be empty/],
    ['129 input ids', () => one({ filters: [{ input: { dataset_ids: Array.from({ length: 129 }, (_, i) => `d${i}`) } }] }), /at most 128/],
    ['129 concepts', () => one({ filters: [ann({ concepts: Array.from({ length: 129 }, (_, i) => ({ id: `c${i}`, value: 1 })) })] }), /at most 128/],
    ['rank by predicted concept', () => one({ ranks: [ann({ concepts: [{ id: 'dog', value: 1 }] })] }), /predicted concepts/],
    ['two ranks', () => one({ ranks: [ann({ text: { raw: 'a' } }), ann({ text: { raw: 'b' } })] }), /one similarity target/],
    ['negated rank', () => one({ ranks: [{ negate: true, ...ann({ text: { raw: 'a' } }) }] }), /negated ranks/],
    ['text and image in one rank', () => one({ ranks: [ann({ text: { raw: 'a' }, image: { url: 'https://x' } })] }), /exactly one of/],
    ['empty rank', () => one({ ranks: [{ annotation: {} }] }), /is empty/],
    ['too-long text', () => one({ ranks: [ann({ text: { raw: 'x'.repeat(2049) } })] }), /2049 characters; the limit is 2048/],
    ['embedding vector rank', () => one({ ranks: [ann({ embeddings: [{ vector: [1] }] })] }), /data\.embeddings is not supported/],
    ['min_value over 1', () => one({}, { min_value: 2 }), /min_value is 2/],
    ['legacy predicted-concept and', () => parseQuery({ ands: [{ output: { data: { concepts: [{ name: 'dog' }] } } }] }, 'query'), /predicted concepts/],
  ];
  for (const [name, fn, details] of refusals) {
    it(`refuses ${name} with 40002`, () => {
      const f = failure(fn);
      assert.equal(f.code, 40002, f.details);
      assert.match(f.details, details);
    });
  }
});
