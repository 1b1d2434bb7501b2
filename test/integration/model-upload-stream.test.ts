import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { type ApiObject, grpcClient } from '../helpers/clients.js';
import { startTestServer, TEST_PAT, type TestServer } from '../helpers/server.js';
import { grpcUploadStream } from '../helpers/upload.js';

/** What only a stream can do wrong: parts before the config, too many bytes, an end before the last byte, no key. */
describe('PostModelVersionsUpload over gRPC: the stream', () => {
  let server: TestServer;
  const uai = { user_id: 'me', app_id: 'stream-app' };
  const stream = async (messages: ApiObject[], token?: string): Promise<ApiObject[]> => {
    const call = grpcUploadStream(server.grpcPort, token);
    const answers: ApiObject[] = [];
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (a: ApiObject) => answers.push(a));
      call.on('end', () => resolve());
      call.on('error', reject);
    });
    for (const m of messages) call.write(m);
    call.end();
    await done;
    return answers;
  };
  const config = (total: number, id?: string) => ({
    upload_config: { user_app_id: uai, model_id: 'm', total_size: String(total), model_version: id ? { id } : {} },
  });
  const part = (bytes: Uint8Array) => ({ content_part: { data: Buffer.from(bytes).toString('base64'), part_number: '1' } });
  const scratchDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('modelkeep-upload-')).length;

  before(async () => {
    server = await startTestServer();
    const api = grpcClient(server.grpcPort);
    await api.call('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: uai.app_id }] });
    await api.call('PostModels', { user_app_id: uai, models: [{ id: 'm', model_type_id: 'text-classifier' }] });
    api.close();
  });
  after(() => server.close());

  it('content_part before upload_config, a second upload_config, and more bytes than total_size are 21203; nothing is kept', async () => {
    const before = scratchDirs();
    let a = await stream([part(Buffer.from('x'))]);
    assert.equal(a.length, 1);
    assert.equal(a[0]!.status.code, 21203);
    assert.match(a[0]!.status.details, /first message of PostModelVersionsUpload must carry upload_config/);
    a = await stream([config(10), config(10)]);
    assert.deepEqual(
      a.map((x) => x.status.code),
      [68000, 21203],
    );
    a = await stream([config(4), part(Buffer.from('12345')), part(Buffer.from('ignored'))]);
    assert.deepEqual(
      a.map((x) => x.status.code),
      [68000, 21203],
      'the stream ends at the first error: later messages get no answer',
    );
    assert.match(a[1]!.status.details, /more than upload_config\.total_size \(4 bytes\)/);
    assert.equal(scratchDirs(), before, 'every upload file is removed');
  });

  it('a stream that ends before the last byte is 68002 UPLOAD_FAILED and leaves no version and no file', async () => {
    const before = scratchDirs();
    const a = await stream([config(100, 'partial'), part(Buffer.alloc(40))]);
    assert.deepEqual(
      a.map((x) => x.status.code),
      [68000, 68000, 68002],
    );
    assert.match(a[2]!.status.details, /ended after 40 of the 100 bytes/);
    const api = grpcClient(server.grpcPort);
    const got = await api.call('GetModelVersion', { user_app_id: uai, model_id: 'm', version_id: 'partial' });
    api.close();
    assert.equal(got.body.status.code, 21200);
    assert.equal(scratchDirs(), before);
  });

  it('a bad key is refused on the first message, before the model is looked at', async () => {
    const a = await stream([config(10)], 'not-a-real-key-0000000000000000000');
    assert.equal(a.length, 1);
    assert.ok([11008, 11009].includes(a[0]!.status.code), JSON.stringify(a[0]!.status));
  });

  it('a REST client is told where the REST upload is', async () => {
    const res = await fetch(`http://127.0.0.1:${server.httpPort}/v2/models/versions/upload`, {
      method: 'POST',
      headers: { authorization: `Key ${TEST_PAT}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const body = (await res.json()) as ApiObject;
    assert.equal(body.status.code, 10040);
    assert.match(body.status.details, /over REST, POST the package to \/v2\/users\/\{user_id\}\/apps\/\{app_id\}\/models\/\{model_id\}\/versions\/upload/);
  });
});
