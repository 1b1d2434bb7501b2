import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiClient, type ApiObject, grpcClient, restClient } from '../helpers/clients.js';
import { type Cluster, startCluster } from '../helpers/cluster.js';
import { sleep } from '../helpers/modelkeep-process.js';
import { PG_CLUSTER_SKIP, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';

/**
 * PostgreSQL restarted under load (a throwaway cluster of our own, stopped with a fast shutdown —
 * every session killed — and started again after a pause): requests in flight and during the
 * outage get the retryable status (REST 503 + 10030, gRPC UNAVAILABLE), never a crash or another
 * error; the API processes and the worker reconnect by themselves; every acknowledged write is there.
 */

type Outcome = { kind: 'ok'; id: string } | { kind: 'retryable' } | { kind: 'unexpected'; what: string };

const GRPC_UNAVAILABLE = 14;

async function attempt(api: ApiClient, rpc: string, req: ApiObject, id: string): Promise<Outcome> {
  try {
    const r = await api.call(rpc, req);
    const code = r.body.status?.code;
    if (code === 10000 && r.http === 200) return { kind: 'ok', id };
    if (api.transport === 'rest' && r.http === 503 && code === 10030) return { kind: 'retryable' };
    return { kind: 'unexpected', what: `${api.transport} ${rpc}: HTTP ${r.http} ${JSON.stringify(r.body.status)}` };
  } catch (e) {
    if (api.transport === 'grpc' && (e as { code?: number }).code === GRPC_UNAVAILABLE) return { kind: 'retryable' };
    return { kind: 'unexpected', what: `${api.transport} ${rpc}: ${String(e)}` };
  }
}

describe('PostgreSQL restarted under load', { skip: PG_CLUSTER_SKIP, timeout: 600_000 }, () => {
  let pg: PgCluster;
  let cluster: Cluster;
  let clients: ApiClient[] = [];
  const uai = { user_id: 'me', app_id: 'outage' };

  before(async () => {
    pg = await startPgCluster();
    cluster = await startCluster(`${pg.url}?schema=mk_outage`, { apis: 2, workers: 1 }, { MODELKEEP_DB_POOL_SIZE: '4' });
    clients = cluster.apis.flatMap((a) => [restClient(a.httpPort), grpcClient(a.grpcPort)]);
  });
  after(async () => {
    for (const c of clients) c.close();
    await cluster?.kill();
    pg?.destroy();
  });

  it('retryable statuses during the outage, reconnection after it, no acknowledged write lost', async () => {
    const setup = await clients[0]!.call('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: 'outage' }] });
    assert.equal(setup.body.status.code, 10000);
    assert.equal(
      (await clients[1]!.call('PostModels', { user_app_id: uai, models: [{ id: 'hub', model_type_id: 'concept-thresholder' }] })).body.status.code,
      10000,
    );

    const outcomes: Outcome[] = [];
    const byPhase = { before: 0, after: 0 };
    let phase: 'before' | 'outage' | 'after' = 'before';
    let stop = false;
    let seq = 0;
    // 8 writers, each one request at a time, over both processes and both transports: new models,
    // new versions of one model, and metadata merges (each ack'd key must survive).
    const writer = async (w: number): Promise<void> => {
      while (!stop) {
        const api = clients[w % clients.length]!;
        const n = ++seq;
        let o: Outcome;
        if (n % 3 === 0) o = await attempt(api, 'PostModels', { user_app_id: uai, models: [{ id: `m${n}` }] }, `model:m${n}`);
        else if (n % 3 === 1)
          o = await attempt(
            api,
            'PostModelVersions',
            { user_app_id: uai, model_id: 'hub', model_versions: [{ id: `v${n}`, output_info: { data: { concepts: [{ id: 'x', value: 0.5 }] } } }] },
            `version:v${n}`,
          );
        else o = await attempt(api, 'PatchModels', { user_app_id: uai, action: 'merge', models: [{ id: 'hub', metadata: { [`k${n}`]: n } }] }, `key:k${n}`);
        outcomes.push(o);
        if (o.kind === 'ok' && phase !== 'outage') byPhase[phase]++;
        if (o.kind !== 'ok') await sleep(20);
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await sleep(2000);
    assert.ok(byPhase.before > 0, 'writes succeed before the outage');

    phase = 'outage';
    pg.stop(); // fast shutdown: in-flight statements die with 57P01, then connections are refused
    await sleep(2000);
    pg.start();
    phase = 'after';
    for (const deadline = Date.now() + 30_000; byPhase.after < 50; await sleep(100)) {
      assert.ok(Date.now() < deadline, `writes do not succeed again after the restart (${byPhase.after} in 30 s)`);
    }
    stop = true;
    await Promise.all(writers);

    const unexpected = outcomes.filter((o) => o.kind === 'unexpected').map((o) => (o as { what: string }).what);
    assert.deepEqual(unexpected, [], 'only SUCCESS or the retryable status');
    const retryable = outcomes.filter((o) => o.kind === 'retryable').length;
    assert.ok(retryable > 0, 'the outage was felt (some requests got the retryable status)');
    for (const a of cluster.apis) assert.equal(await fetch(`${a.restBase}/healthz`).then((r) => r.status), 200, 'API process alive and ready');

    // Every acknowledged write is readable, through the other process than the one that wrote it.
    const acked = outcomes.filter((o): o is { kind: 'ok'; id: string } => o.kind === 'ok').map((o) => o.id);
    const models = new Set(
      ((await clients[2]!.call('ListModels', { user_app_id: uai, per_page: 1000 })).body.models as ApiObject[]).map((m) => `model:${m.id}`),
    );
    const versions = new Set(
      ((await clients[3]!.call('ListModelVersions', { user_app_id: uai, model_id: 'hub', per_page: 1000 })).body.model_versions as ApiObject[]).map(
        (v) => `version:${v.id}`,
      ),
    );
    const keys = new Set(
      Object.keys((await clients[0]!.call('GetModel', { user_app_id: uai, model_id: 'hub' })).body.model.metadata ?? {}).map((k) => `key:${k}`),
    );
    const lost = acked.filter((id) => !models.has(id) && !versions.has(id) && !keys.has(id));
    assert.deepEqual(lost, [], 'acknowledged writes that are gone');
    console.log(`${outcomes.length} requests: ${acked.length} acknowledged (all found again), ${retryable} retryable during the outage`);

    // The worker reconnected too: it processes inputs posted after the restart.
    const posted = await clients[1]!.call('PostInputs', { user_app_id: uai, inputs: [{ id: 'after-restart', data: { text: { raw: 'still here' } } }] });
    assert.equal(posted.body.status.code, 10000);
    for (const deadline = Date.now() + 60_000; ; await sleep(200)) {
      const i = (await clients[0]!.call('GetInput', { user_app_id: uai, input_id: 'after-restart' })).body.input;
      if (i?.status?.code === 30000) break;
      assert.ok(Date.now() < deadline, `the worker did not process the input after the restart: ${JSON.stringify(i?.status)}`);
    }
  });
});
