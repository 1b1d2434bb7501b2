import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { after, before, it } from 'node:test';
import { removeDir, selfSignedCert, tempDir } from '../helpers/modelkeep-process.js';
import { startTestServer, TEST_PAT, type TestServer } from '../helpers/server.js';

// Issue 18 item 9: REST over TLS (MODELKEEP_HTTP_TLS_CERT / _KEY), so tokens never cross a network in clear.

let server: TestServer;
let dir: string;
let ca: Buffer;
before(async () => {
  dir = tempDir('modelkeep-tls-');
  const { cert, key } = await selfSignedCert(dir);
  ca = readFileSync(cert);
  server = await startTestServer({ MODELKEEP_HTTP_TLS_CERT: cert, MODELKEEP_HTTP_TLS_KEY: key });
});
after(async () => {
  await server?.close();
  removeDir(dir);
});

const get = (path: string, trust: Buffer | undefined): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.httpPort, path, ca: trust, servername: 'localhost', headers: { authorization: `Key ${TEST_PAT}` } },
      (res) => {
        let body = '';
        res
          .setEncoding('utf8')
          .on('data', (d: string) => (body += d))
          .on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });

it('serves the API over HTTPS with the configured certificate', async () => {
  const r = await get('/v2/users/me/apps', ca);
  assert.equal(r.status, 200);
  assert.equal(JSON.parse(r.body).status.code, 10000);
  assert.equal((await get('/healthz', ca)).status, 200);
});

it('a client that does not trust the certificate is refused; plain HTTP gets no API answer', async () => {
  await assert.rejects(get('/healthz', undefined), /self[- ]signed|unable to verify/i);
  const plain = await fetch(`http://127.0.0.1:${server.httpPort}/v2/users/me/apps`, { headers: { authorization: `Key ${TEST_PAT}` } }).then(
    async (res) => ({ status: res.status, text: await res.text() }),
    (e: Error) => ({ status: 0, text: e.message }),
  );
  assert.doesNotMatch(plain.text, /"apps"/);
});
