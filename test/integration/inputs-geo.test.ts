import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBoth, NO_WORKER, uid } from '../helpers/both.js';
import { textInput } from '../helpers/inputs.js';
import { apiOf, newApp } from '../helpers/models.js';

// Over gRPC GeoPoint is float32: a coordinate comes back as the nearest float (37.7749 -> 37.77490234375).
const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-4, `${a} ≈ ${b}`);

describeBoth(
  'data.geo on inputs: stored, returned, patched like metadata; bad points refused',
  (h) => {
    const api = apiOf(h);
    let uai: { user_id: string; app_id: string };
    const geoOf = async (id: string) => (await api.ok('GetInput', { user_app_id: uai, input_id: id })).input.data.geo;

    before(async () => {
      uai = await newApp(api, uid('geo'));
    });

    it('PostInputs keeps data.geo.geo_point and GetInput / ListInputs return it; an input without one has no geo', async () => {
      const body = await api.ok('PostInputs', {
        user_app_id: uai,
        inputs: [
          textInput('sf', 'golden gate', [], { data: { text: { raw: 'golden gate' }, geo: { geo_point: { longitude: -122.4194, latitude: 37.7749 } } } }),
          textInput('plain', 'no place'),
        ],
      });
      near(body.inputs[0].data.geo.geo_point.longitude, -122.4194);
      const g = await geoOf('sf');
      near(g.geo_point.longitude, -122.4194);
      near(g.geo_point.latitude, 37.7749);
      assert.equal(await geoOf('plain'), undefined);
      const listed = (await api.ok('ListInputs', { user_app_id: uai, ids: ['sf'] })).inputs[0];
      near(listed.data.geo.geo_point.latitude, 37.7749);
    });

    it('PatchInputs merges, removes (naming data.geo) and overwrites data.geo like metadata', async () => {
      await api.ok('PatchInputs', {
        user_app_id: uai,
        action: 'merge',
        inputs: [{ id: 'plain', data: { geo: { geo_point: { longitude: 2.35, latitude: 48.85 } } } }],
      });
      near((await geoOf('plain')).geo_point.latitude, 48.85);
      await api.ok('PatchInputs', { user_app_id: uai, action: 'merge', inputs: [{ id: 'plain', data: { metadata: { k: 1 } } }] });
      near((await geoOf('plain')).geo_point.longitude, 2.35);
      await api.ok('PatchInputs', {
        user_app_id: uai,
        action: 'remove',
        inputs: [{ id: 'plain', data: { geo: { geo_point: { longitude: 2.35, latitude: 48.85 } } } }],
      });
      assert.equal(await geoOf('plain'), undefined);
      await api.ok('PatchInputs', { user_app_id: uai, action: 'overwrite', inputs: [{ id: 'sf', data: { metadata: { only: 'this' } } }] });
      assert.equal(await geoOf('sf'), undefined);
      await api.ok('PatchInputs', {
        user_app_id: uai,
        action: 'overwrite',
        inputs: [{ id: 'sf', data: { geo: { geo_point: { longitude: 10, latitude: -20 } } } }],
      });
      assert.deepEqual((await geoOf('sf')).geo_point, { longitude: 10, latitude: -20 });
    });

    it('coordinates out of range, and geo search fields, are refused with 30104 naming the field; nothing is written', async () => {
      const lat = await api.fails(
        'PostInputs',
        { user_app_id: uai, inputs: [textInput('bad1', 'x', [], { data: { text: { raw: 'x' }, geo: { geo_point: { longitude: 0, latitude: 95 } } } })] },
        30104,
        400,
      );
      assert.match(lat.details ?? '', /inputs\[0\]\.data\.geo\.geo_point\.latitude is 95; a latitude is from -90 to 90/);
      await api.fails('GetInput', { user_app_id: uai, input_id: 'bad1' }, 11101, 404);
      const lon = await api.fails(
        'PatchInputs',
        { user_app_id: uai, action: 'merge', inputs: [{ id: 'sf', data: { geo: { geo_point: { longitude: -181 } } } }] },
        30104,
        400,
      );
      assert.match(lon.details ?? '', /longitude is -181/);
      assert.deepEqual((await geoOf('sf')).geo_point, { longitude: 10, latitude: -20 });
      const limit = await api.fails(
        'PostInputs',
        {
          user_app_id: uai,
          inputs: [textInput('bad2', 'x', [], { data: { text: { raw: 'x' }, geo: { geo_limit: { type: 'withinKilometers', value: 5 } } } })],
        },
        30104,
        400,
      );
      assert.match(limit.details ?? '', /geo_limit is not supported/);
    });
  },
  NO_WORKER,
);
