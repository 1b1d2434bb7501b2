import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import resources_pb from 'clarifai-nodejs-grpc/proto/clarifai/api/resources_pb';
import { V2Client } from 'clarifai-nodejs-grpc/proto/clarifai/api/service_grpc_pb';
import service_pb from 'clarifai-nodejs-grpc/proto/clarifai/api/service_pb';
import { removeDir, type ServerProcess, startServer, tempDir } from '../helpers/modelkeep-process.js';
import { assertSuccess, officialUnary } from '../helpers/official-grpc.js';
import { TOPICS } from '../helpers/training.js';

/**
 * The unmodified official client `clarifai-nodejs-grpc` exporting a version the way Clarifai's Python
 * `Model.export` does: GetModelVersionExport (CONN_DOES_NOT_EXIST = not exported yet), then
 * PutModelVersionExports, then Get until MODEL_EXPORTED, then the url downloaded in Range requests
 * with the key, until `size` bytes have arrived. Training is set up over REST.
 */
const USER = 'export-user';
const PAT = 'acceptance-export-pat-0123456789abcdef';
const { GetModelVersionExportRequest, PutModelVersionExportsRequest } = service_pb;
const { UserAppIDSet } = resources_pb;
const unary = officialUnary(PAT);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('clarifai-nodejs-grpc: PutModelVersionExports / GetModelVersionExport', { timeout: 180_000 }, () => {
  const dataDir = tempDir();
  let server: ServerProcess | undefined;
  let client: V2Client;
  let versionId = '';
  const rest = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${server!.restBase}/v2/users/me/apps/exports${path}`, {
      method,
      headers: { authorization: `Key ${PAT}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await r.json()) as Record<string, any>;
  };
  const req = <T extends { setUserAppId(u: resources_pb.UserAppIDSet): T; setModelId(m: string): T; setVersionId(v: string): T }>(r: T): T =>
    r.setUserAppId(new UserAppIDSet().setUserId('me').setAppId('exports')).setModelId('topics').setVersionId(versionId);

  before(async () => {
    server = await startServer({ env: { MODELKEEP_DATA_DIR: dataDir, MODELKEEP_BOOTSTRAP_USER: USER, MODELKEEP_BOOTSTRAP_PAT: PAT } });
    client = new V2Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
    await fetch(`${server.restBase}/v2/users/me/apps`, {
      method: 'POST',
      headers: { authorization: `Key ${PAT}`, 'content-type': 'application/json' },
      body: JSON.stringify({ apps: [{ id: 'exports' }] }),
    });
    const inputs = Object.entries(TOPICS).flatMap(([c, texts]) =>
      texts.map((raw, i) => ({ id: `${c}${i}`, data: { text: { raw }, concepts: [{ id: c, value: 1 }] } })),
    );
    assert.equal((await rest('POST', '/inputs', { inputs })).status.code, 10000);
    for (let deadline = Date.now() + 60_000; ; await sleep(200)) {
      const counts = (await rest('GET', '/inputs/status')).counts;
      if (counts.processed === inputs.length) break;
      assert.ok(Date.now() < deadline, JSON.stringify(counts));
    }
    await rest('POST', '/models', { model: { id: 'topics', model_type_id: 'text-classifier' } });
    const v = await rest('POST', '/models/topics/versions', {
      model_versions: [
        { output_info: { data: { concepts: [{ id: 'sports' }, { id: 'cooking' }] } }, train_info: { params: { template: 'modelkeep_text_logreg' } } },
      ],
    });
    versionId = v.model.model_version.id;
    for (let deadline = Date.now() + 60_000; ; await sleep(200)) {
      const code = (await rest('GET', `/models/topics/versions/${versionId}`)).model_version.status.code;
      if (code === 21100) break;
      assert.ok(Date.now() < deadline && [21103, 21101].includes(code), `status ${code}`);
    }
  });
  after(async () => {
    client?.close();
    await server?.stop();
    removeDir(dataDir);
  });

  it('not exported → Put → MODEL_EXPORTED → the url downloads in ranges with the key', async () => {
    const first = await unary(client.getModelVersionExport.bind(client), req(new GetModelVersionExportRequest()));
    assert.equal(first.getStatus()?.getCode(), 11101, first.getStatus()?.getDetails());
    assertSuccess(await unary(client.putModelVersionExports.bind(client), req(new PutModelVersionExportsRequest())));
    const got = await unary(client.getModelVersionExport.bind(client), req(new GetModelVersionExportRequest()));
    assertSuccess(got);
    const e = got.getExport()!;
    assert.equal(e.getStatus()?.getCode(), 21500);
    const size = e.getSize();
    assert.ok(size > 0);
    // Python's _download_exported_model: Range requests of growing size until `size` bytes arrived.
    const parts: Buffer[] = [];
    for (let have = 0, range = 512; have < size; have += range, range *= 2) {
      const header = have + range >= size ? `bytes=${have}-` : `bytes=${have}-${have + range - 1}`;
      const res = await fetch(e.getUrl(), { headers: { authorization: `Key ${PAT}`, range: header } });
      assert.equal(res.status, 206, header);
      parts.push(Buffer.from(await res.arrayBuffer()));
    }
    const zip = Buffer.concat(parts);
    assert.equal(zip.length, size);
    assert.equal(zip.subarray(0, 2).toString('latin1'), 'PK');
    const whole = Buffer.from(await (await fetch(e.getUrl(), { headers: { authorization: `Key ${PAT}` } })).arrayBuffer());
    assert.deepEqual(zip, whole);
  });
});
