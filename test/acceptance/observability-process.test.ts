import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cleanEnv, freePort, REPO_ROOT, removeDir, sleep, spawnNode, tempDir } from '../helpers/modelkeep-process.js';

// Issue 13 item 1 and 3 through real processes: --log-format pretty writes human lines (request lines
// included) and the first-start PAT banner stays on stderr; `modelkeep worker` serves /metrics on
// MODELKEEP_METRICS_PORT (it has no API port).

const CLI = path.join(REPO_ROOT, 'src', 'cli', 'main.ts');

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, out: () => string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} did not happen in time; output:\n${out()}`);
    await sleep(50);
  }
}

describe("real processes: log format and a worker's metrics port", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeDir));

  it('serve --log-format pretty: human-readable lines on stdout, request lines with their req_id, the PAT on stderr only', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const httpPort = await freePort();
    const child = spawnNode(
      CLI,
      ['serve', '--log-format', 'pretty', '--no-worker'],
      cleanEnv({ MODELKEEP_HOST: '127.0.0.1', MODELKEEP_HTTP_PORT: String(httpPort), MODELKEEP_GRPC_PORT: '0', MODELKEEP_DATA_DIR: dir }),
    );
    try {
      await until(
        'ready line',
        () => (child.out().includes('modelkeep is ready') ? true : undefined),
        () => child.out() + child.err(),
      );
      const pat = /personal access token:\s+(\S+)/.exec(child.err())?.[1];
      assert.ok(pat, `the PAT banner is on stderr:\n${child.err()}`);
      const res = await fetch(`http://127.0.0.1:${httpPort}/v2/users/me/apps`, { headers: { authorization: `Key ${pat}`, 'x-request-id': 'pretty-req-1' } });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { status: { req_id: string } }).status.req_id, 'pretty-req-1');
      const line = await until(
        'request line',
        () =>
          child
            .out()
            .split('\n')
            .find((l) => l.includes('pretty-req-1')),
        () => child.out(),
      );
      // One line per request, as with JSON: level, message and the fields on it.
      assert.match(line, /INFO.*request.*"rpc":"ListApps".*"transport":"rest".*"code":10000.*"http_status":200/);
      assert.ok(!child.out().includes(pat), 'the PAT is not in the log stream');
      assert.ok(
        child
          .out()
          .split('\n')
          .every((l) => !l.startsWith('{')),
        `no JSON lines with --log-format pretty:\n${child.out()}`,
      );
    } finally {
      child.kill('SIGTERM');
      await child.exited;
    }
  });

  it('modelkeep worker --metrics-port: /metrics there, with the database gauges', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const port = await freePort();
    const child = spawnNode(
      CLI,
      ['worker', '--metrics-port', String(port)],
      cleanEnv({ MODELKEEP_HOST: '127.0.0.1', MODELKEEP_DATA_DIR: dir, MODELKEEP_LOG_FORMAT: 'json' }),
    );
    try {
      await until(
        'worker ready',
        () => (child.out().includes('"modelkeep worker is ready"') ? true : undefined),
        () => child.out() + child.err(),
      );
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.match(text, /^# TYPE modelkeep_jobs gauge$/m);
      assert.match(text, /^# TYPE modelkeep_embedder_calls_total counter$/m);
      assert.match(text, /^process_cpu_seconds_total \d/m);
      assert.doesNotMatch(text, /modelkeep_requests_total\{/, 'a worker answers no API calls');
    } finally {
      child.kill('SIGTERM');
      await child.exited;
    }
  });
});
