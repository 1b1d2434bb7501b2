import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hrefOf, parseRoute, type Route } from './routes.js';

describe('console routes', () => {
  const table: [string, Route][] = [
    ['/console/', { page: 'apps' }],
    ['/console/keys', { page: 'keys' }],
    ['/console/apps/pets', { page: 'app', app: 'pets', tab: 'models' }],
    ['/console/apps/pets/inputs', { page: 'app', app: 'pets', tab: 'inputs' }],
    ['/console/apps/pets/datasets', { page: 'app', app: 'pets', tab: 'datasets' }],
    ['/console/apps/pets/models/m%201', { page: 'model', app: 'pets', model: 'm 1' }],
    ['/console/apps/pets/models/m/versions/new', { page: 'new-version', app: 'pets', model: 'm' }],
    ['/console/apps/pets/models/m/compare', { page: 'compare', app: 'pets', model: 'm' }],
    ['/console/apps/pets/models/m/versions/v1', { page: 'version', app: 'pets', model: 'm', version: 'v1', tab: 'overview' }],
    ['/console/apps/pets/models/m/versions/v1/predict', { page: 'version', app: 'pets', model: 'm', version: 'v1', tab: 'predict' }],
    ['/console/apps/pets/models/m/versions/v1/evaluation', { page: 'version', app: 'pets', model: 'm', version: 'v1', tab: 'evaluation' }],
  ];
  for (const [path, route] of table) {
    it(`${path} round-trips`, () => {
      assert.deepEqual(parseRoute(path), route);
      assert.equal(hrefOf(route), path);
    });
  }

  it('the server root and /console without a slash are the apps list', () => {
    assert.deepEqual(parseRoute('/'), { page: 'apps' });
    assert.deepEqual(parseRoute('/console'), { page: 'apps' });
    assert.deepEqual(parseRoute('/console/apps/pets/'), { page: 'app', app: 'pets', tab: 'models' });
  });

  it('unknown and malformed paths are a not-found page, not a throw', () => {
    for (const p of [
      '/elsewhere',
      '/console/apps',
      '/console/apps/a/bogus',
      '/console/apps/a/models/m/versions/v/train',
      '/console/apps/%E0%A4%A',
      '/console/apps/a/models/m/versions/v/predict/x',
    ]) {
      assert.equal(parseRoute(p).page, 'not-found', p);
    }
  });

  it('ids are encoded in links so a slash or # in an id cannot change the route', () => {
    const r: Route = { page: 'model', app: 'a/b', model: 'c#d' };
    assert.equal(hrefOf(r), '/console/apps/a%2Fb/models/c%23d');
    assert.deepEqual(parseRoute(hrefOf(r)), r);
  });
});
