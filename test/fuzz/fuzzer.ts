import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { messageCodec } from '../../src/proto/message-codec.js';
import { addUserWithPat } from '../helpers/access.js';
import { type ApiObject, testProtos } from '../helpers/clients.js';
import { startTestServer, TEST_BACKEND, TEST_PAT, TEST_USER, type TestServer } from '../helpers/server.js';
import { type FuzzFailure, Run } from './cases.js';
import { mutateObject } from './mutate.js';
import { Rng } from './rng.js';
import { implementedRpcs, rawGrpcClient } from './targets.js';
import { type Fixture, message } from './values.js';

export interface FuzzOptions {
  seed: number;
  requests: number;
  /** Replay only these case indexes (from a failure report). */
  only?: number[];
  progress?: (done: number, total: number) => void;
}

export type { FuzzFailure };

export interface FuzzReport {
  seed: number;
  requests: number;
  implemented: number;
  failures: FuzzFailure[];
  /** Canary answers (another user's model) that differed from the first ones. */
  canaryChanges: string[];
  /** Properties that appeared on Object.prototype / Array.prototype in this process (the server runs in it). */
  polluted: string[];
  healthzMaxMs: number;
  healthzP99Ms: number;
  /** `transport:code` → count, to see what the run reached. */
  codes: Record<string, number>;
  /** SQLite `PRAGMA integrity_check` + `foreign_key_check` after the run ('ok', or what they said). */
  integrity: string;
}

const BATCH = 50;

const prototypeNames = (): string[] =>
  [...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertyNames(Array.prototype).map((n) => `[].${n}`)].sort();

/** REST call with a token, answered body (for fixture set-up and the canary). */
async function rest(server: TestServer, token: string, method: string, url: string, body?: unknown): Promise<ApiObject> {
  const res = await fetch(`http://127.0.0.1:${server.httpPort}${url}`, {
    method,
    headers: { authorization: `Key ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as ApiObject;
}

/** (Re)creates what the cases aim at: fuzz cases may delete any of it, and later cases should still reach past the lookups. */
async function ensureFixture(server: TestServer, appId: string): Promise<string[]> {
  const base = `/v2/users/me/apps/${appId}`;
  await rest(server, TEST_PAT, 'POST', '/v2/users/me/apps', { apps: [{ id: appId }] });
  await rest(server, TEST_PAT, 'POST', `${base}/concepts`, { concepts: [{ id: 'c1' }, { id: 'c2' }] });
  await rest(server, TEST_PAT, 'POST', `${base}/models`, {
    models: [
      { id: 'm1', model_type_id: 'embedding-classifier' },
      { id: 'm2', model_type_id: 'concept-thresholder' },
    ],
  });
  const v = await rest(server, TEST_PAT, 'POST', `${base}/models/m1/versions`, {
    model_versions: [{ output_info: { data: { concepts: [{ id: 'c1' }, { id: 'c2' }] } } }],
  });
  await rest(server, TEST_PAT, 'POST', `${base}/inputs`, { inputs: [{ id: 'i1', data: { text: { raw: 'hello' }, concepts: [{ id: 'c1', value: 1 }] } }] });
  await rest(server, TEST_PAT, 'POST', `${base}/datasets`, { datasets: [{ id: 'ds1' }] });
  const versionId = v.model?.model_version?.id as string | undefined;
  return ['m1', 'm2', 'c1', 'c2', 'i1', 'ds1', ...(versionId ? [versionId] : [])];
}

async function canaryAnswers(server: TestServer, token: string): Promise<string[]> {
  const strip = (b: ApiObject) => {
    if (b.status) delete b.status.req_id;
    return JSON.stringify(b);
  };
  const grpc = rawGrpcClient(server.grpcPort);
  try {
    const getModel = messageCodec(testProtos().type('clarifai.api.GetModelRequest')).encode({
      user_app_id: { user_id: 'canary', app_id: 'capp' },
      model_id: 'cm',
    });
    return [
      strip(await rest(server, token, 'GET', '/v2/users/canary/apps/capp/models/cm')),
      strip(await rest(server, token, 'GET', '/v2/users/canary/apps/capp/models')),
      strip(await grpc.call('GetModel', Buffer.from(getModel), `Key ${token}`)),
    ];
  } finally {
    grpc.close();
  }
}

function integrityOf(dbFile: string): string {
  const db = new Database(dbFile, { readonly: true });
  try {
    const ic = db.pragma('integrity_check', { simple: true });
    const fk = db.pragma('foreign_key_check') as unknown[];
    return ic === 'ok' && fk.length === 0 ? 'ok' : `integrity_check: ${String(ic)}; foreign_key_check: ${JSON.stringify(fk).slice(0, 500)}`;
  } finally {
    db.close();
  }
}

/**
 * Runs `requests` generated and mutated requests, alternating REST and gRPC, at every method the
 * server implements, against a real server (worker off: the cases probe request handling, not
 * training). Between batches: the canary user's answers, the prototypes of this process and /healthz.
 */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'modelkeep-fuzz-'));
  const server = await startTestServer(
    { MODELKEEP_WORKER: 'false', MODELKEEP_FETCH_ALLOW: '192.0.2.0/24' /* TEST-NET-1: nothing; loopback is refused again */ },
    dir,
  );
  const before = prototypeNames();
  let run: Run | undefined;
  let closed = false;
  const closeServer = async () => {
    if (closed) return;
    closed = true;
    await server.close();
  };
  try {
    const canary = await addUserWithPat(server, 'canary');
    await rest(server, canary, 'POST', '/v2/users/canary/apps', { apps: [{ id: 'capp' }] });
    await rest(server, canary, 'POST', '/v2/users/canary/apps/capp/models', {
      models: [{ id: 'cm', model_type_id: 'embedding-classifier', metadata: { owner: 'canary' } }],
    });
    const canaryBaseline = await canaryAnswers(server, canary);
    const appId = 'fz';
    const fx: Fixture = { userId: TEST_USER, appId, ids: await ensureFixture(server, appId) };
    run = new Run(server);
    const targets = await implementedRpcs(run.grpcCall, `Key ${TEST_PAT}`, appId);
    const indexes = opts.only ?? Array.from({ length: opts.requests }, (_, i) => i);
    const canaryChanges: string[] = [];
    for (let i = 0; i < indexes.length; i++) {
      const index = indexes[i]!;
      const r = Rng.forCase(opts.seed, index);
      const rpc = r.pick(targets);
      const unmutated = message(r, rpc.requestType, fx) as ApiObject;
      // Most cases address the fixture's app, so that they reach past the app lookup.
      if (r.chance(0.85) && rpc.requestType.fields.user_app_id) unmutated.user_app_id = { user_id: 'me', app_id: appId };
      const req = mutateObject(r, structuredClone(unmutated));
      if (index % 2 === 0 && rpc.http.length > 0) await run.rest(index, r, rpc, req);
      else await run.grpcCase(index, r, rpc, req, unmutated);
      if ((i + 1) % BATCH === 0 || i === indexes.length - 1) {
        await run.probe();
        const now = await canaryAnswers(server, canary);
        now.forEach((a, k) => {
          if (a !== canaryBaseline[k]) canaryChanges.push(`after case ${index}: ${a.slice(0, 300)}`);
        });
        fx.ids = await ensureFixture(server, appId);
        opts.progress?.(i + 1, indexes.length);
      }
    }
    const after = prototypeNames();
    const sorted = [...run.healthz].sort((a, b) => a - b);
    const report: Omit<FuzzReport, 'integrity'> = {
      seed: opts.seed,
      requests: indexes.length,
      implemented: targets.length,
      failures: run.failures,
      canaryChanges,
      polluted: after.filter((n) => !before.includes(n)),
      healthzMaxMs: Math.round(sorted[sorted.length - 1] ?? 0),
      healthzP99Ms: Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0),
      codes: run.codes,
    };
    run.close();
    run = undefined;
    await closeServer();
    const integrity = TEST_BACKEND === 'sqlite' ? integrityOf(path.join(dir, 'modelkeep.db')) : 'not checked (PostgreSQL)';
    return { ...report, integrity };
  } finally {
    run?.close();
    await closeServer().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
