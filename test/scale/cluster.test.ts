import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminQuery, freshPostgres, PG_SKIP, type TestDatabase } from '../contract/databases.js';
import { type ApiClient, type ApiObject, grpcClient, restClient } from '../helpers/clients.js';
import { type Cluster, startCluster } from '../helpers/cluster.js';
import { sleep } from '../helpers/modelkeep-process.js';
import { SENTIMENT } from '../helpers/training.js';

/**
 * Issue 4, with real processes on one PostgreSQL: 2 API processes (`serve --no-worker`) and 2
 * workers (`modelkeep worker`), started at once on an empty schema. Every request goes to one of the
 * two API processes, over REST or gRPC, so nothing relies on in-process state.
 */

const LEASE_MS = 3000;
const WORDS = { positive: ['good', 'great', 'lovely', 'excellent', 'happy', 'superb'], negative: ['bad', 'awful', 'terrible', 'poor', 'sad', 'broken'] };

describe('2 API processes + 2 workers on one PostgreSQL', { skip: PG_SKIP, timeout: 900_000 }, () => {
  let db: TestDatabase;
  let schema: string;
  let cluster: Cluster;
  /** Four clients: REST and gRPC on each API process. */
  let clients: ApiClient[] = [];
  const client = (i: number): ApiClient => clients[i % clients.length]!;
  const sql = <R extends Record<string, unknown>>(text: string, values: unknown[] = []) => adminQuery<R>(text.replaceAll('$S.', `"${schema}".`), values);

  /** Calls and asserts SUCCESS; the failure message carries the status. */
  const ok = async (c: ApiClient, rpc: string, req: ApiObject): Promise<ApiObject> => {
    const r = await c.call(rpc, req);
    assert.equal(r.body.status?.code, 10000, `${rpc} via ${c.transport}: ${JSON.stringify(r.body.status)}`);
    return r.body;
  };

  before(async () => {
    db = freshPostgres();
    schema = new URL(db.url).searchParams.get('schema')!;
    cluster = await startCluster(db.url, { apis: 2, workers: 2 }, { MODELKEEP_JOB_LEASE_MS: String(LEASE_MS), MODELKEEP_DB_POOL_SIZE: '8' });
    clients = cluster.apis.flatMap((a) => [restClient(a.httpPort), grpcClient(a.grpcPort)]);
  });
  after(async () => {
    for (const c of clients) c.close();
    await cluster?.kill();
    await db?.drop();
  });

  it('all four processes started at once on an empty schema (they migrated it one after the other)', async () => {
    const [m] = await sql<{ n: string }>('select count(*) as n from $S.kysely_migration');
    assert.ok(Number(m!.n) >= 2);
    await ok(client(0), 'PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: 'scale' }] });
  });

  it('8 clients × 100 concurrent PostModelVersions on one model: 800 distinct versions, 0 errors', async () => {
    const uai = { user_id: 'me', app_id: 'scale' };
    await ok(client(1), 'PostModels', { user_app_id: uai, models: [{ id: 'many', model_type_id: 'concept-thresholder' }] });
    const errors: string[] = [];
    const started = Date.now();
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, c) =>
        Promise.all(
          Array.from({ length: 100 }, async (_, i) => {
            const api = client(c);
            try {
              const r = await api.call('PostModelVersions', {
                user_app_id: uai,
                model_id: 'many',
                model_versions: [{ description: `c${c}-${i}`, output_info: { data: { concepts: [{ id: 'x', value: 0.5 }] } } }],
              });
              if (r.body.status?.code !== 10000) errors.push(`${api.transport}: ${JSON.stringify(r.body.status)}`);
              return r.body.model?.model_version?.id as string;
            } catch (e) {
              errors.push(`${api.transport}: ${String(e)}`);
              return undefined;
            }
          }),
        ),
      ),
    );
    const ms = Date.now() - started;
    assert.deepEqual(errors, []);
    const ids = created.flat();
    assert.equal(new Set(ids).size, 800, 'every response names a new version');
    const listed = await ok(client(2), 'ListModelVersions', { user_app_id: uai, model_id: 'many', per_page: 1000 });
    assert.equal(listed.model_versions.length, 800);
    assert.deepEqual(new Set(listed.model_versions.map((v: ApiObject) => v.id)), new Set(ids));
    assert.deepEqual(new Set(listed.model_versions.map((v: ApiObject) => v.description)).size, 800);
    console.log(`800 PostModelVersions on one model through 2 API processes: ${ms} ms`);
  });

  it('concurrent PatchModels merges on different metadata keys lose no key', async () => {
    const uai = { user_id: 'me', app_id: 'scale' };
    await ok(client(0), 'PostModels', { user_app_id: uai, models: [{ id: 'patched', metadata: { base: true } }] });
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        ok(client(i), 'PatchModels', {
          user_app_id: uai,
          action: 'merge',
          models: [{ id: 'patched', metadata: { [`k${i}`]: i, nested: { [`n${i}`]: true } } }],
        }),
      ),
    );
    const m = (await ok(client(3), 'GetModel', { user_app_id: uai, model_id: 'patched' })).model;
    const keys = Object.keys(m.metadata).sort();
    assert.equal(
      keys.length,
      202,
      `lost keys: ${Array.from({ length: 200 }, (_, i) => `k${i}`)
        .filter((k) => !keys.includes(k))
        .join(',')}`,
    );
    assert.equal(m.metadata.base, true);
    assert.equal(Object.keys(m.metadata.nested).length, 200, 'nested merges survive too');
  });

  it('50 versions queued for training are each trained exactly once, by both workers', async () => {
    const uai = { user_id: 'me', app_id: 'scale' };
    const inputs = [
      ...SENTIMENT.positive.map((t, i) => ({ id: `p${i}`, data: { text: { raw: t }, concepts: [{ id: 'positive', value: 1 }] } })),
      ...SENTIMENT.negative.map((t, i) => ({ id: `n${i}`, data: { text: { raw: t }, concepts: [{ id: 'negative', value: 1 }] } })),
    ];
    await ok(client(0), 'PostInputs', { user_app_id: uai, inputs });
    for (const deadline = Date.now() + 120_000; ; await sleep(200)) {
      const counts = (await ok(client(1), 'GetInputCount', { user_app_id: uai })).counts;
      if (Number(counts.processed) === inputs.length) break;
      assert.ok(Date.now() < deadline, `inputs not processed by the workers: ${JSON.stringify(counts)}`);
    }
    for (const id of ['train-a', 'train-b']) await ok(client(0), 'PostModels', { user_app_id: uai, models: [{ id, model_type_id: 'text-classifier' }] });
    const versions = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const modelId = i % 2 ? 'train-a' : 'train-b';
        const body = await ok(client(i), 'PostModelVersions', {
          user_app_id: uai,
          model_id: modelId,
          model_versions: [
            {
              output_info: { data: { concepts: [{ id: 'positive' }, { id: 'negative' }] }, output_config: { concepts_mutually_exclusive: true } },
              train_info: { params: { template: 'modelkeep_text_logreg', seed: i } },
            },
          ],
        });
        assert.equal(body.model.model_version.status.code, 21103);
        return { modelId, id: body.model.model_version.id as string };
      }),
    );
    for (const deadline = Date.now() + 300_000; ; await sleep(500)) {
      const codes = (
        await Promise.all(
          ['train-a', 'train-b'].map(
            async (m) => (await ok(client(2), 'ListModelVersions', { user_app_id: uai, model_id: m, per_page: 100 })).model_versions as ApiObject[],
          ),
        )
      )
        .flat()
        .map((v) => v.status.code);
      assert.equal(codes.length, 50);
      if (codes.every((c) => c === 21100)) break;
      assert.ok(
        codes.every((c) => [21103, 21101, 21100].includes(c)),
        `a version failed: ${codes.join(',')}`,
      );
      assert.ok(Date.now() < deadline, `not all TRAINED: ${codes.join(',')}`);
    }
    const jobs = await sql<{ version_pk: string; state: string; attempts: number; lease_owner: string; train_log: string }>(
      `select j.version_pk, j.state, j.attempts, j.lease_owner, v.train_log from $S.jobs j join $S.model_versions v on v.pk = j.version_pk join $S.models m on m.pk = v.model_pk where m.id in ('train-a', 'train-b')`,
    );
    assert.equal(jobs.length, 50, 'one job per version');
    assert.equal(new Set(jobs.map((j) => j.version_pk)).size, 50);
    for (const j of jobs) {
      assert.deepEqual([j.state, j.attempts], ['succeeded', 1], 'claimed and run once');
      assert.equal(j.train_log.match(/training started/g)?.length, 1, 'one training run in the log');
    }
    const owners = new Set(jobs.map((j) => j.lease_owner));
    assert.deepEqual(owners, new Set(cluster.workers.map((w) => w.workerId)), 'both workers trained');
    assert.equal(versions.length, 50);
  });

  it('kill -9 of the worker holding the training job: the other worker retakes the job and the version ends TRAINED', async () => {
    const uai = { user_id: 'me', app_id: 'crash' };
    await ok(client(0), 'PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: 'crash' }] });
    for (let batch = 0; batch < 4; batch++) {
      const inputs = Array.from({ length: 128 }, (_, j) => {
        const i = batch * 128 + j;
        const concept = i % 2 ? 'positive' : 'negative';
        const w = WORDS[concept];
        return { id: `in${i}`, data: { text: { raw: `${w[i % 6]} thing ${i}, really ${w[(i * 5) % 6]}` }, concepts: [{ id: concept, value: 1 }] } };
      });
      await ok(client(batch), 'PostInputs', { user_app_id: uai, inputs });
    }
    for (const deadline = Date.now() + 180_000; ; await sleep(250)) {
      const counts = (await ok(client(1), 'GetInputCount', { user_app_id: uai })).counts;
      if (Number(counts.processed) === 512) break;
      assert.ok(Date.now() < deadline, `inputs not processed: ${JSON.stringify(counts)}`);
    }
    await ok(client(0), 'PostModels', { user_app_id: uai, models: [{ id: 'slow', model_type_id: 'text-classifier' }] });
    const [killed, other] = cluster.workers as [(typeof cluster.workers)[number], (typeof cluster.workers)[number]];
    const jobOf = async (vid: string) =>
      (
        await sql<{ state: string; attempts: number; lease_owner: string }>(
          `select j.state, j.attempts, j.lease_owner from $S.jobs j join $S.model_versions v on v.pk = j.version_pk where v.id = $1`,
          [vid],
        )
      )[0];
    // Only the first worker can claim; it is killed the moment it holds the job. Training takes
    // milliseconds since the L-BFGS kernel (ADR 0023), so a try where it finished first is repeated.
    other.kill('SIGSTOP');
    let vid: string | undefined;
    for (let attempt = 0; attempt < 10 && !vid; attempt++) {
      const created = await ok(client(1), 'PostModelVersions', {
        user_app_id: uai,
        model_id: 'slow',
        model_versions: [
          {
            output_info: { data: { concepts: [{ id: 'positive' }, { id: 'negative' }] } },
            train_info: { params: { template: 'modelkeep_text_logreg', seed: 5 } },
          },
        ],
      });
      const id = created.model.model_version.id as string;
      for (const deadline = Date.now() + 60_000; ; ) {
        const j = await jobOf(id);
        if (j?.state === 'running') {
          assert.equal(j.lease_owner, killed.workerId);
          killed.kill('SIGKILL');
          vid = id;
          break;
        }
        if (j?.state === 'succeeded' || j?.state === 'failed') break;
        assert.ok(Date.now() < deadline, `the job was not claimed: ${JSON.stringify(j)}`);
      }
    }
    assert.ok(vid, 'the first worker was caught holding a training job');
    await killed.exited;
    const killedAt = Date.now();
    other.kill('SIGCONT');
    const job = async () => (await jobOf(vid!))!;
    const get = async (i: number) => (await ok(client(i), 'GetModelVersion', { user_app_id: uai, model_id: 'slow', version_id: vid })).model_version;
    let v = await get(0);
    const killedPercent = v.status.percent_completed ?? 0;
    for (const deadline = Date.now() + 180_000; [21103, 21101].includes(v.status.code); v = await get(2)) {
      assert.ok(Date.now() < deadline, `still ${JSON.stringify(v.status)} 180 s after the kill`);
      await sleep(200);
    }
    assert.equal(v.status.code, 21100, JSON.stringify(v.status));
    const end = await job();
    assert.deepEqual([end.state, end.attempts, end.lease_owner], ['succeeded', 2, other.workerId]);
    const log = (
      await ok(client(3), 'ListLogEntries', { user_app_id: uai, model_id: 'slow', model_version_id: vid, log_type: 'training', page: 1, per_page: 1000 })
    ).log_entries
      .map((e: ApiObject) => e.message)
      .join('\n');
    assert.match(log, new RegExp(`attempt 2: training started by ${other.workerId}`));
    console.log(`worker killed at ${killedPercent}%; TRAINED ${((Date.now() - killedAt) / 1000).toFixed(1)} s later (lease ${LEASE_MS} ms)`);
    const out = await ok(client(0), 'PostModelOutputs', {
      user_app_id: uai,
      model_id: 'slow',
      inputs: [{ data: { text: { raw: 'great thing, really lovely' } } }],
    });
    assert.equal(out.outputs[0].data.concepts[0].id, 'positive');
  });
});
