import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshPostgres, freshSqlite, PG_SKIP, type TestDatabase } from '../contract/databases.js';
import { grpcClient, restClient, type ApiClient, type ApiObject } from '../helpers/clients.js';
import { startCluster, type Cluster } from '../helpers/cluster.js';
import { sleep } from '../helpers/modelkeep-process.js';

/**
 * Reads are answered from a per-process cache (src/service/answer-cache.ts) that a write anywhere
 * must invalidate. Two API processes on one database: every write goes to A, every read to B, which
 * has just cached the answer the write outdates. On SQLite B must see the write at once (PRAGMA
 * data_version); on PostgreSQL as soon as the commit's NOTIFY reaches B (allowed: 2 s, typically
 * before the next request).
 */
for (const backend of ['sqlite', 'postgres'] as const) {
  const skip = backend === 'postgres' ? PG_SKIP : false;
  describe(`cached answers across two API processes [${backend}]`, { skip, timeout: 300_000 }, () => {
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
    /** Reads through `c` until `check` holds; SQLite allows no retry at all. Returns the tries taken. */
    const sees = async (c: ApiClient, req: ApiObject, check: (b: ApiObject) => boolean, what: string): Promise<number> => {
      const end = Date.now() + 2000;
      for (let tries = 1; ; tries++) {
        const body = await call(c, 'GetModel', req);
        if (check(body)) return tries;
        if (immediate || Date.now() > end) assert.fail(`${c.transport} reader still answers a stale ${what} after ${tries} tries: ${JSON.stringify(body).slice(0, 300)}`);
        await sleep(10);
      }
    };

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
        const before = await ok(reader, 'GetModel', { user_app_id: uai, model_id: 'm1' }); // B caches this answer
        assert.equal(before.model.description, i === 0 ? 'd-start' : `d${i - 1}`);
        await ok(writer, 'PatchModels', { user_app_id: uai, action: 'overwrite', models: [{ id: 'm1', description: `d${i}` }] });
        retried += (await sees(reader, { user_app_id: uai, model_id: 'm1' }, (b) => b.model?.description === `d${i}`, 'description')) - 1;
      }
      if (!immediate) console.log(`# postgres: ${retried} of 20 reads needed a retry before the notification arrived`);
    });

    it('a new version and a deleted model through A show in B at once', async () => {
      await ok(writer, 'PostModels', { user_app_id: uai, model: { id: 'm2', model_type_id: 'concept-thresholder' } });
      const first = await ok(readers[0]!, 'GetModel', { user_app_id: uai, model_id: 'm2' });
      assert.equal(first.model.model_version, undefined);
      const posted = await ok(writer, 'PostModelVersions', { user_app_id: uai, model_id: 'm2', model_versions: [{ output_info: { data: { concepts: [{ id: 'cat' }] } } }] });
      const vid = posted.model.model_version.id as string;
      await sees(readers[0]!, { user_app_id: uai, model_id: 'm2' }, (b) => b.model?.model_version?.id === vid, 'latest version');
      await ok(writer, 'DeleteModel', { user_app_id: uai, model_id: 'm2' });
      await sees(readers[1]!, { user_app_id: uai, model_id: 'm2' }, (b) => b.status?.code === 21200, 'deleted model');
    });
  });
}
