import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestServer, TEST_PAT, type TestServer } from '../helpers/server.js';

interface RawAnswer {
  http: number;
  headers: string;
  body: { status: { code: number; description: string; details?: string; req_id: string } };
}

/**
 * Requests refused before any route runs — by Node's HTTP parser or Fastify's router — still answer a
 * Clarifai status body (issue 18 item 5). Sent over raw sockets: fetch cannot send most of them.
 */
describe('framework and HTTP parser errors answer a Clarifai status', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.close());

  /** Writes `data` (optionally half-closing), reads until the server closes, parses the first response. */
  const send = (data: string, opts: { halfClose?: boolean } = {}): Promise<RawAnswer> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const socket = net.connect(server.httpPort, '127.0.0.1', () => {
        socket.write(data);
        if (opts.halfClose) socket.end();
      });
      const timer = setTimeout(() => socket.destroy(new Error('no answer within 5 s')), 5000);
      socket.on('data', (d) => chunks.push(d));
      socket.on('error', (e) => (clearTimeout(timer), reject(e)));
      socket.on('close', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        const m = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(text);
        if (!m) return reject(new Error(`not an HTTP response: ${JSON.stringify(text.slice(0, 300))}`));
        const len = Number(/content-length: (\d+)/i.exec(m[2]!)?.[1]);
        try {
          resolve({ http: Number(m[1]), headers: m[2]!, body: JSON.parse(Buffer.from(m[3]!).subarray(0, len).toString('utf8')) });
        } catch (e) {
          reject(new Error(`body is not JSON: ${JSON.stringify(m[3]!.slice(0, 300))} (${(e as Error).message})`));
        }
      });
    });

  const request = (line: string, headers: string[] = [], body = ''): string =>
    `${line}\r\n${['Host: 127.0.0.1', `Authorization: Key ${TEST_PAT}`, ...headers, 'Connection: close'].join('\r\n')}\r\n\r\n${body}`;

  /** The answer is a Clarifai status (and nothing of Fastify's own error shape), with the given codes. */
  const expectStatus = (a: RawAnswer, code: number, http: number, details: RegExp): void => {
    assert.equal(a.http, http, JSON.stringify(a.body));
    assert.match(a.headers, /content-type: application\/json/i);
    assert.deepEqual(Object.keys(a.body), ['status']);
    const s = a.body.status;
    assert.equal(s.code, code, JSON.stringify(s));
    assert.equal(s.description, code === 11100 ? 'Bad request format' : 'Resource does not exist');
    assert.match(s.req_id, /^[0-9a-f]{32}$/);
    assert.match(s.details ?? '', details);
  };

  it('a path parameter over the router limit -> 11100, HTTP 414 (on a route registered at start and on one matched on demand)', async () => {
    expectStatus(
      await send(request(`GET /v2/users/me/apps/${'a'.repeat(1200)} HTTP/1.1`)),
      11100,
      414,
      /path segment .* too long: ids in paths are at most 128 characters/,
    );
    // Modules are not implemented: their routes are matched on demand (on-demand-routes.ts).
    expectStatus(await send(request(`GET /v2/users/me/apps/x/modules/${'w'.repeat(1200)} HTTP/1.1`)), 11100, 414, /too long/);
  });

  it('headers over the HTTP parser limit -> 11100, HTTP 431', async () => {
    expectStatus(await send(request('GET /v2/users/me/apps HTTP/1.1', [`X-Big: ${'a'.repeat(20_000)}`])), 11100, 431, /headers are too large/);
  });

  it('a path that is not valid percent-encoding -> 11100, HTTP 400 naming the path', async () => {
    expectStatus(await send(request('GET /v2/users/%/apps HTTP/1.1')), 11100, 400, /"\/v2\/users\/%\/apps" is not valid URL encoding/);
  });

  it('an HTTP method no route has (PROPFIND) or the parser does not know (BREW) -> 11101, HTTP 404', async () => {
    expectStatus(await send(request('PROPFIND /v2/users/me/apps HTTP/1.1')), 11101, 404, /No API method answers PROPFIND/);
    expectStatus(await send(request('BREW / HTTP/1.1')), 11101, 404, /HTTP method/);
    expectStatus(await send('hello\r\n\r\n'), 11101, 404, /HTTP method/);
  });

  it('a malformed chunked body -> 11100, HTTP 400', async () => {
    const r = request('POST /v2/users/me/apps HTTP/1.1', ['Transfer-Encoding: chunked', 'Content-Type: application/json'], 'zz\r\n{}\r\n0\r\n\r\n');
    expectStatus(await send(r), 11100, 400, /chunked request body is malformed/);
  });

  it('a wrong Content-Length -> 11100, HTTP 400 (not a number, with chunked too, more than was sent)', async () => {
    expectStatus(await send(request('POST /v2/users/me/apps HTTP/1.1', ['Content-Length: abc'], '{}')), 11100, 400, /Content-Length is invalid/);
    expectStatus(
      await send(request('POST /v2/users/me/apps HTTP/1.1', ['Content-Length: 2', 'Transfer-Encoding: chunked'], '2\r\n{}\r\n0\r\n\r\n')),
      11100,
      400,
      /Content-Length/,
    );
    expectStatus(await send(request('POST /v2/users/me/apps HTTP/1.1', ['Content-Length: 2', 'Content-Length: 3'], '{}')), 11100, 400, /Content-Length/);
    const short = request('POST /v2/users/me/apps HTTP/1.1', ['Content-Length: 100', 'Content-Type: application/json'], '{}');
    expectStatus(await send(short, { halfClose: true }), 11100, 400, /ended before the request was complete/);
  });

  it('a well-formed request on the same server still answers normally afterwards', async () => {
    const a = await send(request('GET /v2/users/me/apps HTTP/1.1'));
    assert.equal(a.http, 200);
    assert.equal(a.body.status.code, 10000);
  });
});

describe('MODELKEEP_HTTP_REQUEST_TIMEOUT_MS: a request that never arrives in full', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ MODELKEEP_HTTP_REQUEST_TIMEOUT_MS: '400' });
  });
  after(async () => server?.close());

  it('a body shorter than its Content-Length is answered 408 with a Clarifai status soon after the limit (was never answered)', async () => {
    const started = Date.now();
    const text = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const socket = net.connect(server.httpPort, '127.0.0.1', () => {
        socket.write(
          `POST /v2/users/me/apps HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Key ${TEST_PAT}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"apps":`,
        );
      });
      const timer = setTimeout(() => socket.destroy(new Error('no answer within 10 s')), 10_000);
      socket.on('data', (d) => chunks.push(d));
      socket.on('error', (e) => (clearTimeout(timer), reject(e)));
      socket.on('close', () => (clearTimeout(timer), resolve(Buffer.concat(chunks).toString('utf8'))));
    });
    assert.match(text, /^HTTP\/1\.1 408 /);
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { status: { code: number; details: string } };
    assert.equal(body.status.code, 11100);
    assert.match(body.status.details, /not received in full in time/);
    assert.ok(Date.now() - started >= 400, 'not before the limit');
  });
});
