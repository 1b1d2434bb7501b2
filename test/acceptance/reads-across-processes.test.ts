import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshPostgres, freshSqlite, PG_SKIP, type TestDatabase } from '../contract/databases.js';
import { type ApiClient, type ApiObject, grpcClient, restClient } from '../helpers/clients.js';
import { type Cluster, startCluster } from '../helpers/cluster.js';
import { sleep } from '../helpers/modelkeep-process.js';

/**
 * Reads reuse what they read until the store changes (GetModel/GetModelVersion answers:
 * src/service/reuse/answer-cache.ts; PostModelOutputs' model and version: src/service/predict/read-memo.ts),
 * and a write anywhere must end that. Two API processes on one database: every write goes to A,
 * every read to B, which has just read what the write outdates. On SQLite B must see the write at
 * once (PRAGMA data_version); on PostgreSQL as soon as the commit's NOTIFY reaches B (allowed: 2 s;
 * a write is acknowledged only after its notification went out, so typically at once).
 */
for (const backend of ['sqlite', 'postgres'] as const) {
  const skip = backend === 'postgres' ? PG_SKIP : false;
  describe(`reads across two API processes [${backend}]`, { skip, timeout: 300_000 }, () => {
    let db: TestDatabase;
    let cluster: Cluster;
    let writer: ApiClient;
    let readers: ApiClient[];
    const uai = { user_id: 'me', app_id: 'shared' };
    const immediate = backend === 'sqlite';

    const call = async (c: ApiClient, rpc: string, req: ApiObject): Promise<ApiObject> => (await c.call(rpc, req)).body;
    const ok = async (c: ApiClient, rpc: string, req: ApiObject): Promise<ApiObject> => {
      const body = await call(c, rpc, req);
      assert.equal(body.status?.code, 10000, `${rpc} via ${c.transport}: ${JSON.stringify(body.status)}`);
      return body;
    };
    /** Calls `rpc` through `c` until `check` holds; SQLite allows no retry at all. Returns the retries needed. */
    const sees = async (c: ApiClient, rpc: string, req: ApiObject, check: (b: ApiObject) => boolean, what: string): Promise<number> => {
      const end = Date.now() + 2000;
      for (let tries = 1; ; tries++) {
        const body = await call(c, rpc, req);
        if (check(body)) return tries - 1;
        if (immediate || Date.now() > end)
          assert.fail(`${rpc} via ${c.transport} still answers a stale ${what} after ${tries} tries: ${JSON.stringify(body).slice(0, 400)}`);
        await sleep(10);
      }
    };
    const getModel = (id: string): ApiObject => ({ user_app_id: uai, model_id: id });
    const predictOn = (id: string): ApiObject => ({
      user_app_id: uai,
      model_id: id,
      inputs: [
        {
          data: {
            concepts: [
              { id: 'cat', value: 0.9 },
              { id: 'dog', value: 0.9 },
            ],
          },
        },
      ],
    });
    const versionOf = (b: ApiObject): string | undefined => b.outputs?.[0]?.model?.model_version?.id;

    before(async () => {
      db = backend === 'sqlite' ? freshSqlite() : freshPostgres();
      cluster = await startCluster(db.url, { apis: 2, workers: 0 });
      const [a, b] = cluster.apis;
      writer = restClient(a!.httpPort);
      readers = [restClient(b!.httpPort), grpcClient(b!.grpcPort)];
      await ok(writer, 'PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: 'shared' }] });
    });
    after(async () => {
      for (const c of [writer, ...(readers ?? [])]) c?.close();
      await cluster?.kill();
      await db?.drop();
    });

    it('PatchModels through A shows in GetModel through B, every time (REST and gRPC readers)', async () => {
      await ok(writer, 'PostModels', { user_app_id: uai, model: { id: 'm1', description: 'd-start' } });
      let retried = 0;
      for (let i = 0; i < 20; i++) {
        const reader = readers[i % readers.length]!;
        const before = await ok(reader, 'GetModel', getModel('m1')); // B keeps this answer
        assert.equal(before.model.description, i === 0 ? 'd-start' : `d${i - 1}`);
        await ok(writer, 'PatchModels', { user_app_id: uai, action: 'overwrite', models: [{ id: 'm1', description: `d${i}` }] });
        retried += await sees(reader, 'GetModel', getModel('m1'), (b) => b.model?.description === `d${i}`, 'description');
      }
      if (!immediate) console.log(`# postgres: ${retried} of 20 reads needed a retry`);
    });

    it('a new version and a deleted model through A show in GetModel through B at once', async () => {
      await ok(writer, 'PostModels', { user_app_id: uai, model: { id: 'm2', model_type_id: 'concept-thresholder' } });
      assert.equal((await ok(readers[0]!, 'GetModel', getModel('m2'))).model.model_version, undefined);
      const posted = await ok(writer, 'PostModelVersions', {
        user_app_id: uai,
        model_id: 'm2',
        model_versions: [{ output_info: { data: { concepts: [{ id: 'cat' }] } } }],
      });
      const vid = posted.model.model_version.id as string;
      await sees(readers[0]!, 'GetModel', getModel('m2'), (b) => b.model?.model_version?.id === vid, 'latest version');
      await ok(writer, 'DeleteModel', { user_app_id: uai, model_id: 'm2' });
      await sees(readers[1]!, 'GetModel', getModel('m2'), (b) => b.status?.code === 21200, 'deleted model');
    });

    it('PostModelOutputs: a version created through A runs in B at once; deleting it goes back to the older one; deleting the model is 21200', async () => {
      await ok(writer, 'PostModels', { user_app_id: uai, model: { id: 'th', model_type_id: 'concept-thresholder' } });
      const version = (concept: string) => ({
        user_app_id: uai,
        model_id: 'th',
        model_versions: [{ output_info: { data: { concepts: [{ id: concept, value: 0.5 }] } } }],
      });
      const first = (await ok(writer, 'PostModelVersions', version('cat'))).model.model_version.id as string;
      for (let i = 0; i < 6; i++) {
        const reader = readers[i % readers.length]!;
        assert.equal(versionOf(await call(reader, 'PostModelOutputs', predictOn('th'))), first); // B keeps its reads
        const next = (await ok(writer, 'PostModelVersions', version('dog'))).model.model_version.id as string;
        await sees(reader, 'PostModelOutputs', predictOn('th'), (b) => versionOf(b) === next, 'version');
        await ok(writer, 'DeleteModelVersion', { user_app_id: uai, model_id: 'th', version_id: next });
        await sees(reader, 'PostModelOutputs', predictOn('th'), (b) => versionOf(b) === first, 'deleted version');
      }
      await ok(writer, 'DeleteModel', { user_app_id: uai, model_id: 'th' });
      await sees(readers[1]!, 'PostModelOutputs', predictOn('th'), (b) => b.status?.code === 21200, 'deleted model');
    });
  });
}
