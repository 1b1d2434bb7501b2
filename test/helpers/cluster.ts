import path from 'node:path';
import { cleanEnv, type Exit, REPO_ROOT, type ServerProcess, START_TIMEOUT_MS, sleep, spawnNode, startServer } from './modelkeep-process.js';
import { TEST_PAT, TEST_USER } from './server.js';

/**
 * Several modelkeep processes on one database, as a deployment runs them: API processes
 * (`serve --no-worker`) and training workers (`modelkeep worker`), all on 127.0.0.1.
 */

const CLI = path.join(REPO_ROOT, 'src', 'cli', 'main.ts');

export interface WorkerProcess {
  pid: number;
  /** The id the worker records as lease owner of the jobs it runs. */
  workerId: string;
  out(): string;
  err(): string;
  exited: Promise<Exit>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts `modelkeep worker` and resolves once it has logged its ready line. */
export async function startWorkerProcess(env: Record<string, string>, timeoutMs = START_TIMEOUT_MS): Promise<WorkerProcess> {
  const child = spawnNode(CLI, ['worker'], cleanEnv({ MODELKEEP_LOG_LEVEL: 'info', ...env }));
  let exit: Exit | undefined;
  void child.exited.then((e) => (exit = e));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = child
      .out()
      .split('\n')
      .find((l) => l.includes('"modelkeep worker is ready"'));
    if (ready) {
      const workerId = (JSON.parse(ready) as { worker: string }).worker;
      return { pid: child.pid!, workerId, out: child.out, err: child.err, exited: child.exited, kill: (s) => void child.kill(s) };
    }
    if (exit || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`worker did not start (${JSON.stringify(exit)}):\n${child.out()}\n${child.err()}`);
    }
    await sleep(50);
  }
}

export interface Cluster {
  apis: ServerProcess[];
  workers: WorkerProcess[];
  /** SIGKILL for every process still running. */
  kill(): Promise<void>;
}

/**
 * Starts `apis` API processes and `workers` workers at once on `databaseUrl` (so they also race to
 * migrate it), with the test user and PAT. `env` adds settings (lease time, pool size, …).
 */
export async function startCluster(databaseUrl: string, counts: { apis: number; workers: number }, env: Record<string, string> = {}): Promise<Cluster> {
  const common = {
    MODELKEEP_DATABASE_URL: databaseUrl,
    MODELKEEP_BOOTSTRAP_USER: TEST_USER,
    MODELKEEP_BOOTSTRAP_PAT: TEST_PAT,
    MODELKEEP_LOG_LEVEL: 'info',
    ...env,
  };
  const apis = Array.from({ length: counts.apis }, () => startServer({ env: common, args: ['--no-worker'] }));
  const workers = Array.from({ length: counts.workers }, () => startWorkerProcess(common));
  const settled = await Promise.allSettled([...apis, ...workers]);
  const cluster: Cluster = {
    apis: settled.slice(0, counts.apis).flatMap((r) => (r.status === 'fulfilled' ? [r.value as ServerProcess] : [])),
    workers: settled.slice(counts.apis).flatMap((r) => (r.status === 'fulfilled' ? [r.value as WorkerProcess] : [])),
    async kill() {
      await Promise.all([
        ...cluster.apis.map((a) => a.stop(0)),
        ...cluster.workers.map(async (w) => {
          w.kill('SIGKILL');
          await w.exited;
        }),
      ]);
    },
  };
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) {
    await cluster.kill();
    throw (failed as PromiseRejectedResult).reason;
  }
  return cluster;
}
