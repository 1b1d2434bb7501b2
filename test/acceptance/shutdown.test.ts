import assert from 'node:assert/strict';
import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { after, describe, it } from 'node:test';
import { HANDED_BACK_DETAILS } from '../../src/jobs/train-model-version.js';
import { type Json, removeDir, rest, runCli, type ServerProcess, sleep, startServer, tempDir } from '../helpers/modelkeep-process.js';

/**
 * Stopping and starting as an operator sees it, with real `modelkeep serve` processes: SIGTERM lets a
 * request in flight finish and hands a running training job back (its version at 21103 saying
 * training restarts), a second signal exits at once, the grace period bounds the wait, a taken port is
 * one sentence and exit 2, an unknown MODELKEEP_* variable is a warning naming the right one.
 */

const PAT = 'shutdown-test-pat-0123456789abcdef';
const base = (dir: string): Record<string, string> => ({
  MODELKEEP_DATA_DIR: dir,
  MODELKEEP_BOOTSTRAP_USER: 'ops',
  MODELKEEP_BOOTSTRAP_PAT: PAT,
  MODELKEEP_LOG_LEVEL: 'info',
});

/** A request whose body has been only half sent: in flight on the server until `finish()`. */
function halfSentRequest(port: number, body: Json): { finish(): void; response: Promise<{ status: number; body: Json }>; req: ClientRequest } {
  const text = JSON.stringify(body);
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/v2/users/me/apps',
    headers: { authorization: `Key ${PAT}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
  });
  const response = new Promise<{ status: number; body: Json }>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      let data = '';
      res
        .setEncoding('utf8')
        .on('data', (d: string) => (data += d))
        .on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) as Json }));
    });
    req.on('error', reject);
  });
  req.write(text.slice(0, 10));
  return { finish: () => req.end(text.slice(10)), response, req };
}

/** Log records (pino JSON lines) a process wrote to stdout. */
const records = (p: ServerProcess): Json[] =>
  p
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Json);

async function waitForLog(p: ServerProcess, msg: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; !records(p).some((r) => r.msg === msg); await sleep(25))
    assert.ok(Date.now() < deadline, `no "${msg}" in\n${p.stdout()}`);
}

describe('clean shutdown with real processes', { timeout: 300_000 }, () => {
  const dir = tempDir();
  after(() => removeDir(dir));
  let versionPath = '';

  it('SIGTERM: the request in flight is answered, the training job is handed back with its version at 21103, exit 0; a typo in MODELKEEP_* is a warning', async () => {
    const server = await startServer({ env: { ...base(dir), MODELKEEP_HTTP_PROT: '9999' } });
    try {
      const warning = records(server).find((r) => r.level === 40 && /MODELKEEP_HTTP_PROT/.test(r.msg));
      assert.ok(warning, `a warning about MODELKEEP_HTTP_PROT in\n${server.stdout()}`);
      assert.match(warning.msg, /did you mean MODELKEEP_HTTP_PORT\?/);

      const call = async (method: string, p: string, body?: Json): Promise<Json> => {
        const r = await rest(server.restBase, method, `/v2/users/me/apps/ops-app${p}`, PAT, body);
        assert.ok([10000, 10010].includes(r.body.status?.code), `${method} ${p}: ${JSON.stringify(r.body.status)}`);
        return r.body;
      };
      assert.equal((await rest(server.restBase, 'POST', '/v2/users/me/apps', PAT, { apps: [{ id: 'ops-app' }] })).body.status.code, 10000);
      // A training that runs for seconds although the solver is fast: 4,096 texts of random words with
      // random labels (nothing to converge to) and no L2 penalty; a seeded generator keeps it repeatable.
      let seed = 7;
      const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      const word = (): string => Math.floor(rnd() * 1e6).toString(36);
      const N = 4096;
      for (let batch = 0; batch < N / 128; batch++) {
        await call('POST', '/inputs', {
          inputs: Array.from({ length: 128 }, (_, j) => ({
            id: `in${batch * 128 + j}`,
            data: { text: { raw: Array.from({ length: 12 }, word).join(' ') }, concepts: [{ id: rnd() < 0.5 ? 'positive' : 'negative', value: 1 }] },
          })),
        });
      }
      for (const deadline = Date.now() + 180_000; (await call('GET', '/inputs/status')).counts.processed !== N; await sleep(200))
        assert.ok(Date.now() < deadline, 'inputs processed');

      await call('POST', '/models', { model: { id: 'long', model_type_id: 'text-classifier' } });
      const created = await call('POST', '/models/long/versions', {
        model_versions: [
          {
            output_info: { data: { concepts: [{ id: 'positive' }, { id: 'negative' }] } },
            train_info: { params: { template: 'modelkeep_text_logreg', num_epochs: 1000, l2_regularization: 0, seed: 3 } },
          },
        ],
      });
      versionPath = `/models/long/versions/${created.model.model_version.id as string}`;
      let v = (await call('GET', versionPath)).model_version;
      for (
        const deadline = Date.now() + 60_000;
        !(v.status.code === 21101 && (v.status.percent_completed ?? 0) >= 2);
        v = (await call('GET', versionPath)).model_version
      ) {
        assert.ok(Date.now() < deadline && [21103, 21101].includes(v.status.code), JSON.stringify(v.status));
        await sleep(100);
      }

      const inFlight = halfSentRequest(server.httpPort, { apps: [{ id: 'sent-while-stopping' }] });
      await sleep(200); // the request line and headers have reached the server
      const exited = server.stop(60_000);
      await waitForLog(server, 'stopping');
      inFlight.finish();
      const answered = await inFlight.response;
      assert.equal(answered.status, 200, JSON.stringify(answered.body));
      assert.equal(answered.body.status.code, 10000);
      assert.deepEqual(await exited, { code: 0, signal: null });
      assert.ok(
        records(server).some((r) => r.msg === 'job handed back to the queue'),
        server.stdout(),
      );
    } finally {
      await server.stop();
    }
  });

  it('after the restart the version reads 21103 with details saying training restarts, and the app sent while stopping exists', async () => {
    const server = await startServer({ env: base(dir), args: ['--no-worker'] });
    try {
      const r = await rest(server.restBase, 'GET', `/v2/users/me/apps/ops-app${versionPath}`, PAT);
      assert.equal(r.body.model_version.status.code, 21103, JSON.stringify(r.body.model_version.status));
      assert.equal(r.body.model_version.status.details, HANDED_BACK_DETAILS);
      assert.equal(r.body.model_version.status.percent_completed ?? 0, 0);
      const log = await rest(server.restBase, 'GET', `/v2/users/me/apps/ops-app${versionPath}/training/logs?per_page=1000`, PAT);
      assert.match(log.body.log_entries.map((e: Json) => e.message).join('\n'), /attempt 1: stopped because its worker shut down; back in the queue/);
      assert.equal((await rest(server.restBase, 'GET', '/v2/users/me/apps/sent-while-stopping', PAT)).body.status.code, 10000);

      // A second signal while a request holds the shutdown: exit at once, 128 + 15.
      const stuck = halfSentRequest(server.httpPort, { apps: [{ id: 'never-finished' }] });
      stuck.req.on('error', () => undefined);
      stuck.response.catch(() => undefined);
      await sleep(200);
      const exited = server.stop(60_000);
      await waitForLog(server, 'stopping');
      process.kill(server.pid, 'SIGTERM');
      assert.deepEqual(await exited, { code: 143, signal: null });
      assert.ok(
        records(server).some((r) => /second signal/.test(r.msg)),
        server.stdout(),
      );
    } finally {
      await server.stop();
    }
  });

  it('MODELKEEP_SHUTDOWN_GRACE_MS bounds the wait for a request that never finishes: exit 0 after closing it', async () => {
    const server = await startServer({ env: { ...base(dir), MODELKEEP_SHUTDOWN_GRACE_MS: '300' }, args: ['--no-worker'] });
    try {
      const stuck = halfSentRequest(server.httpPort, { apps: [{ id: 'never-finished' }] });
      stuck.req.on('error', () => undefined);
      stuck.response.catch(() => undefined);
      await sleep(200);
      assert.deepEqual(await server.stop(60_000), { code: 0, signal: null });
      assert.ok(
        records(server).some((r) => r.level === 40 && /MODELKEEP_SHUTDOWN_GRACE_MS/.test(r.msg)),
        server.stdout(),
      );
    } finally {
      await server.stop();
    }
  });

  for (const which of ['REST', 'gRPC'] as const) {
    it(`a taken ${which} port: one sentence naming the setting, exit 2, nothing logged as listening`, async () => {
      const holder: Server = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      const port = String((holder.address() as { port: number }).port);
      try {
        const ports = which === 'REST' ? { MODELKEEP_HTTP_PORT: port, MODELKEEP_GRPC_PORT: '0' } : { MODELKEEP_HTTP_PORT: '0', MODELKEEP_GRPC_PORT: port };
        const run = await runCli(['serve'], { ...base(dir), MODELKEEP_HOST: '127.0.0.1', ...ports });
        assert.equal(run.code, 2, run.stderr);
        const setting = which === 'REST' ? 'MODELKEEP_HTTP_PORT' : 'MODELKEEP_GRPC_PORT';
        assert.equal(
          run.stderr.trim(),
          `modelkeep: The ${which} port ${port} on 127.0.0.1 is already in use by another process: stop it, or choose another port with ${setting} (--${which === 'REST' ? 'http' : 'grpc'}-port).`,
        );
        assert.doesNotMatch(run.stdout, /listening|is ready/i);
      } finally {
        holder.close();
      }
    });
  }
});
