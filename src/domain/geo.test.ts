import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ApiError } from './errors.js';
import { parseGeo } from './geo.js';

const refused = (raw: unknown, re: RegExp) =>
  assert.throws(
    () => parseGeo(raw, 'inputs[0].data.geo'),
    (e: unknown) => e instanceof ApiError && e.code === 30104 && re.test(e.details),
  );

it('parseGeo reads a point; absent, null, {} and an empty geo_point-less object are "no geo"', () => {
  assert.deepEqual(parseGeo({ geo_point: { longitude: -122.4194, latitude: 37.7749 } }, 'g'), { longitude: -122.4194, latitude: 37.7749 });
  assert.equal(parseGeo(undefined, 'g'), null);
  assert.equal(parseGeo(null, 'g'), null);
  assert.equal(parseGeo({}, 'g'), null);
  // gRPC cannot send a 0: a coordinate left out is 0.
  assert.deepEqual(parseGeo({ geo_point: { latitude: 10 } }, 'g'), { longitude: 0, latitude: 10 });
  assert.deepEqual(parseGeo({ geo_point: {} }, 'g'), { longitude: 0, latitude: 0 });
  assert.deepEqual(parseGeo({ geo_point: { longitude: 180, latitude: -90 } }, 'g'), { longitude: 180, latitude: -90 });
});

it('parseGeo refuses coordinates out of range or not numbers, and the geo-search fields, naming the field', () => {
  refused({ geo_point: { longitude: 180.5, latitude: 0 } }, /geo_point\.longitude is 180\.5; a longitude is from -180 to 180/);
  refused({ geo_point: { longitude: 0, latitude: -91 } }, /geo_point\.latitude is -91; a latitude is from -90 to 90/);
  refused({ geo_point: { longitude: '12', latitude: 0 } }, /longitude must be a number/);
  refused({ geo_point: { longitude: Number.NaN } }, /longitude must be a number/);
  refused({ geo_point: { lon: 1 } }, /geo_point\.lon is not a field/);
  refused({ geo_limit: { type: 'withinKilometers', value: 1 } }, /geo_limit is not supported: .*geo search/);
  refused({ geo_box: [] }, /geo_box is not supported/);
  refused('here', /must be an object/);
  refused({ geo_point: 5 }, /geo_point must be an object/);
});
