import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startModelkeep, type Running } from '../../src/app/compose.js';
import { loadConfig, type Config } from '../../src/config/config.js';

export const TEST_USER = 'tester';
export const TEST_PAT = 'pat0123456789abcdef0123456789abcdef';

export interface TestServer extends Running {
  dataDir: string;
  config: Config;
  /** Stops the server and removes its data dir. */
  close(): Promise<void>;
}

/**
 * Starts a real modelkeep in-process on free 127.0.0.1 ports with a fresh SQLite data dir
 * (or `databaseUrl` when given) and a bootstrap user/PAT.
 */
export async function startTestServer(overrides: Record<string, string> = {}, dataDir?: string): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), 'modelkeep-test-'));
  const config = loadConfig(
    { MODELKEEP_HTTP_PORT: '0', MODELKEEP_GRPC_PORT: '0', MODELKEEP_DATA_DIR: dir, MODELKEEP_BOOTSTRAP_USER: TEST_USER, MODELKEEP_BOOTSTRAP_PAT: TEST_PAT, MODELKEEP_LOG_LEVEL: 'silent', ...overrides },
    {},
  );
  const running = await startModelkeep(config, { log: pino({ level: process.env.MODELKEEP_TEST_LOG ?? 'silent' }) });
  return {
    ...running,
    dataDir: dir,
    config,
    async close() {
      await running.stop();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
