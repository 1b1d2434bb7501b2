import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { defaultModelTypes, ModelTypeRegistry } from '../../domain/model-types/catalog.js';
import { PluginRegistry } from '../../plugins/registry.js';
import type { Store } from '../../ports/store.js';
import { loadClarifaiProtos } from '../../proto/load.js';
import type { AppResolver } from '../../service/access/app-resolver.js';
import type { Authenticator } from '../../service/access/auth.service.js';
import type { RpcImpl } from '../../service/core/context.js';
import { Dispatcher } from '../../service/core/dispatcher.js';
import { rpcTable } from '../../service/core/rpc-table.js';
import { couldShareRequest, OnDemandRoutes, type RouteSpec, splitRoutes } from './on-demand-routes.js';
import { buildRestServer } from './server.js';

const spec = (method: string, url: string): RouteSpec<string> => ({ method, url, value: `${method} ${url}` });
const names = (rs: RouteSpec<string>[]) => rs.map((r) => r.value);
const ROUTER = { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 20 };

describe('splitRoutes', () => {
  it('could-share: same length, and equal statics or a param at every position', () => {
    assert.equal(couldShareRequest(['', 'a', ':p0'], ['', 'a', 'searches']), true);
    assert.equal(couldShareRequest(['', 'a', ':p0'], ['', ':p0', 'b']), true);
    assert.equal(couldShareRequest(['', 'a', 'b'], ['', 'a', 'c']), false);
    assert.equal(couldShareRequest(['', 'a', ':p0'], ['', 'a', ':p0', 'x']), false);
  });

  it('keeps eager every route that could take a request from an eager one, transitively, in order', () => {
    const routes = [
      spec('GET', '/m/searches'), // static: a router prefers it to /m/:p0 for /m/searches
      spec('GET', '/m/:p0'), // needed
      spec('POST', '/m/:p0'), // other method: not affected
      spec('GET', '/:p0/searches'), // shares /m/searches with the first one, which became eager
      spec('GET', '/x/y'), // shares nothing
      spec('HEAD', '/x/:p0'), // HEAD is matched against GET routes
    ];
    const { eager, deferred } = splitRoutes(routes, (r) => r.value === 'GET /m/:p0' || r.value === 'GET /x/y');
    assert.deepEqual(names(eager), ['GET /m/searches', 'GET /m/:p0', 'GET /:p0/searches', 'GET /x/y', 'HEAD /x/:p0']);
    assert.deepEqual(names(deferred), ['POST /m/:p0']);
  });

  it('keeps duplicates together, so the first registered still wins', () => {
    const { eager } = splitRoutes([spec('GET', '/a/:p0'), { method: 'GET', url: '/a/:p0', value: 'second' }], (r) => r.value === 'second');
    assert.deepEqual(names(eager), ['GET /a/:p0', 'second']);
  });
});

describe('OnDemandRoutes', () => {
  it('matches like the router: params decoded, normalised paths, first of duplicates, HEAD for GET', () => {
    const routes = [spec('GET', '/a/:p0'), { method: 'GET', url: '/a/:p0', value: 'dup' }, spec('GET', '/a/:p0/b')];
    const r = new OnDemandRoutes(routes, ROUTER, routes);
    const plain = (m: ReturnType<typeof r.find>) => (m && 'value' in m ? { value: m.value, params: { ...m.params } } : m);
    assert.deepEqual(plain(r.find('GET', '/a/x%20y?q=1')), { value: 'GET /a/:p0', params: { p0: 'x y' } });
    assert.deepEqual(plain(r.find('HEAD', '//a/z/b/')), { value: 'GET /a/:p0/b', params: { p0: 'z' } });
    assert.equal(r.find('POST', '/a/x'), undefined);
    assert.equal(r.find('GET', '/A/x'), undefined);
    assert.deepEqual(r.find('GET', `/a/${'y'.repeat(21)}`), { paramTooLong: `/a/${'y'.repeat(21)}` });
  });
});

/**
 * The whole point: a server that registers only the implemented RPCs' routes answers every request
 * exactly as one that registers all of them (status, headers that matter, body), including bodies
 * refused before a handler runs and over-long params.
 */
describe('REST server with on-demand routes', () => {
  const protos = loadClarifaiProtos();
  const implemented = rpcTable({
    store: {} as Store,
    types: new ModelTypeRegistry(defaultModelTypes()),
    auth: {} as Authenticator,
    apps: {} as AppResolver,
    validScopes: new Set(),
    plugins: new PluginRegistry([]),
    strict2023: false,
    fetchUrl: () => Promise.reject(new Error('not used here')),
  });
  const impls = new Map<string, RpcImpl>(
    [...implemented.keys()].map((name) => [name, { access: 'user', handle: (_ctx, req) => ({ handled_by: name, request: req }) }]),
  );
  const caller = { userId: 'me', keyId: 'k', keyKind: 'pat', scopes: ['All'], appIds: [] };
  const dispatcher = new Dispatcher({
    protos,
    impls,
    auth: { authenticate: async (h: string | undefined) => (h ? caller : Promise.reject(new Error('no key'))) } as unknown as Authenticator,
    apps: {} as AppResolver,
    clock: { now: () => 0 },
    log: { error: () => undefined },
  });
  const opts = { bodyLimitBytes: 2048, log: pino({ level: 'silent' }), ready: () => true };

  it('answers every binding (and variants of it) as a server with every route registered', async () => {
    const all = buildRestServer(dispatcher, protos.rpcs.values(), opts);
    const split = buildRestServer(dispatcher, protos.rpcs.values(), { ...opts, implemented: (n) => impls.has(n) });
    await Promise.all([all.ready(), split.ready()]);
    const requests: { method: string; url: string; payload?: string; auth?: boolean }[] = [];
    let deferredHits = 0;
    for (const rpc of protos.rpcs.values()) {
      for (const b of rpc.http) {
        const segs = b.template.split('/');
        const fill = (at: number, value: string) =>
          segs.map((s, i) => (!s.startsWith('{') ? s : i === at ? value : s.includes('user_id') ? 'me' : 'x1')).join('/');
        const url = fill(-1, '');
        const payload = b.body ? '{}' : undefined;
        requests.push(
          { method: b.method, url, payload, auth: true },
          { method: b.method, url: `${url}/?page=2`, payload },
          { method: b.method, url: url.toUpperCase(), payload, auth: true },
        );
        if (b.method === 'GET') requests.push({ method: 'HEAD', url, auth: true });
        if (b.body)
          requests.push(
            { method: b.method, url, payload: '{bad', auth: true },
            { method: b.method, url, payload: JSON.stringify({ pad: 'z'.repeat(3000) }), auth: true },
          );
        segs.forEach((s, i) => {
          if (!s.startsWith('{')) return;
          requests.push(
            { method: b.method, url: fill(i, 'searches'), payload, auth: true },
            { method: b.method, url: fill(i, 'a%2Fb'), payload, auth: true },
            { method: b.method, url: fill(i, 'y'.repeat(1001)), payload, auth: true },
          );
        });
      }
    }
    requests.push({ method: 'GET', url: '/v2/nothing/here' }, { method: 'OPTIONS', url: '/v2/users/me/apps/a/models' }, { method: 'GET', url: '/v2/%zz' });
    const norm = (s: string) => s.replace(/"req_id":"[^"]*"/g, '"req_id":""').replace(/req_id [0-9a-f]+/g, 'req_id …');
    for (const r of requests) {
      const headers = { ...(r.auth ? { authorization: 'Key k' } : {}), ...(r.payload !== undefined ? { 'content-type': 'application/json' } : {}) };
      const req = { method: r.method as 'GET', url: r.url, payload: r.payload, headers };
      const [a, b] = await Promise.all([all.inject(req), split.inject(req)]);
      const show = (x: typeof a) => `${x.statusCode} ${x.headers['content-type']} ${x.headers['content-length']} ${norm(x.body)}`;
      assert.equal(show(b), show(a), `${r.method} ${r.url.slice(0, 120)}`);
      if (a.statusCode === 501) deferredHits++;
    }
    assert.ok(deferredHits > 500, `only ${deferredHits} requests reached unimplemented RPCs`);
    await Promise.all([all.close(), split.close()]);
  });
});
