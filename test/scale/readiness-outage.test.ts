import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { healthCheck, healthClient } from '../helpers/grpc-ops-clients.js';
import { sleep } from '../helpers/modelkeep-process.js';
import { PG_CLUSTER_SKIP, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Readiness follows the database: a throwaway PostgreSQL cluster is stopped under a running server
 * — /readyz turns 503 with the reason and grpc.health.v1 NOT_SERVING, while /livez stays 200 — and
 * started again: both come back by themselves.
 */
describe('readiness while PostgreSQL goes away and comes back', { skip: PG_CLUSTER_SKIP, timeout: 300_000 }, () => {
  let pg: PgCluster;
  let server: TestServer;
  let health: ReturnType<typeof healthClient>;
  let down = false;
  const readyz = async (): Promise<{ http: number; body: { status: string; reason?: string } }> => {
    const r = await fetch(`http://127.0.0.1:${server.httpPort}/readyz`);
    return { http: r.status, body: (await r.json()) as { status: string; reason?: string } };
  };
  /** Polls until `done` holds (the listener reconnects with back-off), failing after a minute. */
  const until = async (what: string, done: () => Promise<boolean>): Promise<void> => {
    for (const deadline = Date.now() + 60_000; !(await done()); await sleep(200)) assert.ok(Date.now() < deadline, `never: ${what}`);
  };

  before(async () => {
    pg = await startPgCluster();
    server = await startTestServer({ MODELKEEP_DATABASE_URL: `${pg.url}?schema=mk_ready`, MODELKEEP_DB_POOL_SIZE: '2' });
    health = healthClient(server.grpcPort);
  });
  after(async () => {
    health?.close();
    if (down) pg.start();
    await server?.close();
    pg?.destroy();
  });

  it('is ready with the database up (once the change listener listens)', async () => {
    await until('/readyz 200', async () => (await readyz()).http === 200);
    assert.equal(await healthCheck(health, 'clarifai.api.V2'), 'SERVING');
  });

  it('database stopped: /readyz 503 saying why, Health NOT_SERVING, /livez still 200', async () => {
    pg.stop();
    down = true;
    await until('/readyz 503', async () => (await readyz()).http === 503);
    const r = await readyz();
    assert.equal(r.body.status, 'not ready');
    assert.match(r.body.reason ?? '', /database does not answer|did not answer|change listener is not connected/);
    assert.equal(await healthCheck(health, ''), 'NOT_SERVING');
    assert.equal((await fetch(`http://127.0.0.1:${server.httpPort}/livez`)).status, 200);
  });

  it('database back: ready again without a restart', async () => {
    pg.start();
    down = false;
    await until('/readyz 200 again', async () => (await readyz()).http === 200);
    assert.equal(await healthCheck(health, ''), 'SERVING');
  });
});
