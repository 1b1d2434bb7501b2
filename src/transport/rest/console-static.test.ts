import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Fastify from 'fastify';
import { registerConsole } from './console-static.js';

describe('console static serving', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'modelkeep-console-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers /, /console and every /console/* page with index.html, revalidated', async () => {
    const app = Fastify();
    registerConsole(app, dir);
    for (const url of ['/', '/console', '/console/', '/console/apps/a/models/m/versions/v/predict']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 200, url);
      assert.match(r.body, /<title>console<\/title>/);
      assert.equal(r.headers['cache-control'], 'no-cache');
      assert.match(String(r.headers['content-security-policy']), /default-src 'self'/);
    }
    await app.close();
  });

  it('serves hashed assets as immutable, and a missing asset is a 404, not the page', async () => {
    const app = Fastify();
    registerConsole(app, dir);
    const js = await app.inject({ url: '/console/assets/index-abc123.js' });
    assert.equal(js.statusCode, 200);
    assert.equal(js.body, 'console.log(1)');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(js.headers['content-type']), /javascript/);
    const missing = await app.inject({ url: '/console/assets/nope.js' });
    assert.equal(missing.statusCode, 404);
    const escape = await app.inject({ url: '/console/assets/..%2findex.html' });
    assert.notEqual(escape.statusCode, 200);
    await app.close();
  });

  it('answers HEAD with the GET length, a revalidation with a bare 304, and hands its 404 to the outer server', async () => {
    const app = Fastify();
    app.setNotFoundHandler((_req, reply) => reply.code(404).send({ outer: true }));
    registerConsole(app, dir);
    const head = await app.inject({ method: 'HEAD', url: '/console/assets/index-abc123.js' });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['content-length'], String('console.log(1)'.length));
    assert.equal(head.body, '');
    const js = await app.inject({ url: '/console/assets/index-abc123.js' });
    const again = await app.inject({ url: '/console/assets/index-abc123.js', headers: { 'if-none-match': String(js.headers.etag) } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.headers['content-type'], undefined);
    assert.equal(again.body, '');
    const missing = await app.inject({ url: '/console/assets/nope.js' });
    assert.deepEqual(missing.json(), { outer: true });
    await app.close();
  });

  it('without a build, the pages say how to make one (503), not a bare 404', async () => {
    const app = Fastify();
    registerConsole(app, path.join(dir, 'missing'));
    const r = await app.inject({ url: '/console/apps' });
    assert.equal(r.statusCode, 503);
    assert.match(r.body, /npm run build/);
    await app.close();
  });
});
