import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { BUILT_CLI, type Json, removeDir, rest, type ServerProcess, sleep, startServer, tempDir } from '../helpers/modelkeep-process.js';

/**
 * Durability under group commit (SQLite, issue 17): 16 clients post model versions as fast as they
 * are answered, the server is killed with SIGKILL in the middle, and after a restart every version
 * that was acknowledged (a 200 with its id) is there. A response sent before its COMMIT would show
 * up here as an acknowledged id missing after the restart. Runs the built CLI (npm run build).
 */

const PAT = 'write-crash-pat-0123456789abcdef';
const CLIENTS = 16;
const APP = '/v2/users/me/apps/crash-app';
const THRESHOLDER = { model_versions: [{ output_info: { data: { concepts: [{ id: 'cat', value: 0.75 }] } } }] };

describe('kill -9 during concurrent PostModelVersions on SQLite: every acknowledged version survives', { timeout: 180_000 }, () => {
  const dataDir = tempDir();
  const env = { MODELKEEP_DATA_DIR: dataDir, MODELKEEP_BOOTSTRAP_USER: 'crash', MODELKEEP_BOOTSTRAP_PAT: PAT, MODELKEEP_LOG_LEVEL: 'info' };
  let server: ServerProcess | undefined;
  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  const ok = async (method: string, p: string, body?: Json): Promise<Json> => {
    const r = await rest(server!.restBase, method, APP + p, PAT, body);
    assert.equal(r.body.status?.code, 10000, `${method} ${p}: ${JSON.stringify(r.body.status)}`);
    return r.body;
  };

  it('acknowledged versions are listed after the restart, none twice, at most the in-flight ones more', async () => {
    server = await startServer({ env, args: ['--no-worker'], cli: BUILT_CLI, timeoutMs: 120_000 });
    const created = await rest(server.restBase, 'POST', '/v2/users/me/apps', PAT, { apps: [{ id: 'crash-app' }] });
    assert.equal(created.body.status?.code, 10000, JSON.stringify(created.body.status));
    await ok('POST', '/models', { model: { id: 'ct', model_type_id: 'concept-thresholder' } });

    const acknowledged: string[] = [];
    let failedAfterKill = 0;
    let killed = false;
    const base = server.restBase;
    const clients = Array.from({ length: CLIENTS }, async () => {
      while (!killed) {
        let r: { http: number; body: Json };
        try {
          r = await rest(base, 'POST', `${APP}/models/ct/versions`, PAT, THRESHOLDER);
        } catch {
          // Only the kill cuts connections: this request was not acknowledged, committed or not.
          killed = true;
          failedAfterKill++;
          continue;
        }
        assert.equal(r.body.status?.code, 10000, `PostModelVersions: ${JSON.stringify(r.body.status)}`);
        acknowledged.push(r.body.model.model_version.id as string);
      }
    });
    while (acknowledged.length < 100) await sleep(5);
    // From another process, so the kill does not wait for this event loop (where answers pile up unread).
    spawn('sh', ['-c', `sleep 0.5; kill -9 ${server.pid}`], { stdio: 'ignore' });
    await Promise.all(clients);
    const exit = await server.stop();
    assert.equal(exit.signal, 'SIGKILL');

    server = await startServer({ env, args: ['--no-worker'], cli: BUILT_CLI, timeoutMs: 120_000 });
    const listed: string[] = [];
    for (let page = 1; ; page++) {
      const r = await ok('GET', `/models/ct/versions?per_page=1000&page=${page}`);
      const got = (r.model_versions ?? []) as Json[];
      for (const v of got) {
        assert.equal(v.status?.code, 21100, `version ${v.id}: ${JSON.stringify(v.status)}`);
        listed.push(v.id as string);
      }
      if (got.length < 1000) break;
    }
    const have = new Set(listed);
    assert.equal(have.size, listed.length, 'a version id is listed twice');
    const lost = acknowledged.filter((id) => !have.has(id));
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged versions are gone after the crash`);
    assert.ok(listed.length <= acknowledged.length + CLIENTS, `${listed.length} listed, ${acknowledged.length} acknowledged + ${CLIENTS} in flight`);
    console.log(`${acknowledged.length} acknowledged, ${listed.length} listed after the restart, ${failedAfterKill} cut off by the kill`);
  });
});
