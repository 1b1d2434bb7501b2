import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshPostgres, freshSqlite, PG_SKIP, type TestDatabase } from '../contract/databases.js';
import { grpcClient, restClient, type ApiClient, type ApiObject } from '../helpers/clients.js';
import { startCluster, type Cluster } from '../helpers/cluster.js';
import { sleep } from '../helpers/modelkeep-process.js';

/**
 * PostModelOutputs reuses its reads of the model and of the version it runs until the store changes
 * (src/service/predict/read-memo.ts). Two API processes on one database: versions are created and
 * deleted through A, predictions go through B, which has just run the version the write outdates. On
 * SQLite B must run the new one at once; on PostgreSQL as soon as the commit's NOTIFY reaches B
 * (allowed: 2 s).
 */
for (const backend of ['sqlite', 'postgres'] as const) {
  const skip = backend === 'postgres' ? PG_SKIP : false;
  describe(`PostModelOutputs across two API processes [${backend}]`, { skip, timeout: 300_000 }, () => {
    let db: TestDatabase;
    let cluster: Cluster;
    let writer: ApiClient;
    let readers: ApiClient[];
    const uai = { user_id: 'me', app_id: 'shared' };
    const immediate = backend === 'sqlite';

    const ok = async (c: ApiClient, rpc: string, req: ApiObject): Promise<ApiObject> => {
      const body = (await c.call(rpc, req)).body;
      assert.equal(body.status?.code, 10000, `${rpc} via ${c.transport}: ${JSON.stringify(body.status)}`);
      return body;
    };
    const predict = (c: ApiClient) => c.call('PostModelOutputs', { user_app_id: uai, model_id: 'th', inputs: [{ data: { concepts: [{ id: 'cat', value: 0.9 }, { id: 'dog', value: 0.9 }] } }] }).then((r) => r.body);
    /** Predicts through `c` until `check` holds; SQLite allows no retry at all. */
    const runs = async (c: ApiClient, check: (b: ApiObject) => boolean, what: string): Promise<void> => {
      const end = Date.now() + 2000;
      for (let tries = 1; ; tries++) {
        const body = await predict(c);
        if (check(body)) return;
        if (immediate || Date.now() > end) assert.fail(`${c.transport} still predicts with a stale ${what} after ${tries} tries: version ${versionOf(body)}, concepts ${JSON.stringify(body.outputs?.[0]?.data)}, status ${JSON.stringify(body.status)}`);
        await sleep(10);
      }
    };
    const versionOf = (b: ApiObject): string | undefined => b.outputs?.[0]?.model?.model_version?.id;

    before(async () => {
      db = backend === 'sqlite' ? freshSqlite() : freshPostgres();
      cluster = await startCluster(db.url, { apis: 2, workers: 0 });
      const [a, b] = cluster.apis;
      writer = restClient(a!.httpPort);
      readers = [restClient(b!.httpPort), grpcClient(b!.grpcPort)];
      await ok(writer, 'PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: 'shared' }] });
      await ok(writer, 'PostModels', { user_app_id: uai, model: { id: 'th', model_type_id: 'concept-thresholder' } });
    });
    after(async () => {
      for (const c of [writer, ...(readers ?? [])]) c?.close();
      await cluster?.kill();
      await db?.drop();
    });

    it('a version created through A runs in B at once; deleting it goes back to the older one; deleting the model is 21200', async () => {
      const first = (await ok(writer, 'PostModelVersions', { user_app_id: uai, model_id: 'th', model_versions: [{ output_info: { data: { concepts: [{ id: 'cat', value: 0.5 }] } } }] })).model.model_version.id as string;
      for (let i = 0; i < 6; i++) {
        const reader = readers[i % readers.length]!;
        assert.equal(versionOf(await predict(reader)), first); // B keeps its reads
        const next = (await ok(writer, 'PostModelVersions', { user_app_id: uai, model_id: 'th', model_versions: [{ output_info: { data: { concepts: [{ id: 'dog', value: 0.5 }] } } }] })).model.model_version.id as string;
        await runs(reader, (b) => versionOf(b) === next, 'version');
        await ok(writer, 'DeleteModelVersion', { user_app_id: uai, model_id: 'th', version_id: next });
        await runs(reader, (b) => versionOf(b) === first, 'deleted version');
      }
      await ok(writer, 'DeleteModel', { user_app_id: uai, model_id: 'th' });
      await runs(readers[1]!, (b) => b.status?.code === 21200, 'deleted model');
    });
  });
}
