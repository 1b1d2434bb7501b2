import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import pg from 'pg';
import { pino } from 'pino';
import { type Running, startModelkeep } from '../../src/app/compose.js';
import type { StartOptions } from '../../src/app/process-parts.js';
import { type Config, loadConfig } from '../../src/config/config.js';

export const TEST_USER = 'tester';
export const TEST_PAT = 'pat0123456789abcdef0123456789abcdef';

/**
 * Which database the integration suite runs on: `sqlite` (default) or `postgres`
 * (MODELKEEP_TEST_BACKEND=postgres, with MODELKEEP_TEST_DATABASE_URL naming the server; each
 * server gets a fresh schema there, dropped when it closes).
 */
export const TEST_BACKEND: 'sqlite' | 'postgres' = process.env.MODELKEEP_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';
const PG_BASE_URL = process.env.MODELKEEP_TEST_DATABASE_URL;
if (TEST_BACKEND === 'postgres' && !PG_BASE_URL) {
  throw new Error('MODELKEEP_TEST_BACKEND=postgres needs MODELKEEP_TEST_DATABASE_URL=postgres://… (e.g. postgres://postgres@127.0.0.1:5432/test)');
}

/** Schemas this process created and has not dropped yet: dropped at the end of the test file at the latest. */
const liveSchemas = new Set<string>();
const SCHEMA_FILE = '.modelkeep-test-schema';

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_BASE_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
  liveSchemas.delete(schema);
}

if (TEST_BACKEND === 'postgres') {
  after(async () => {
    for (const s of [...liveSchemas]) await dropSchema(s).catch(() => undefined);
  });
}

/**
 * The database URL for a test server. PostgreSQL: a new schema, or — for a caller-owned data dir
 * (restart tests) — the schema recorded in that dir, so a restarted server finds its data again.
 */
function testDatabaseUrl(dir: string, ownedDir: boolean): { url: string; schema: string } | undefined {
  if (TEST_BACKEND !== 'postgres') return undefined;
  const recorded = path.join(dir, SCHEMA_FILE);
  let schema = !ownedDir && existsSync(recorded) ? readFileSync(recorded, 'utf8').trim() : '';
  if (!schema) {
    schema = `mk_it_${process.pid}_${randomBytes(4).toString('hex')}`;
    if (!ownedDir) writeFileSync(recorded, schema);
  }
  liveSchemas.add(schema);
  const u = new URL(PG_BASE_URL!);
  u.searchParams.set('schema', schema);
  return { url: u.toString(), schema };
}

/** Drops the PostgreSQL schema a caller-owned data dir points at (no-op on SQLite). Call before removing the dir. */
export async function dropTestDatabase(dir: string): Promise<void> {
  const recorded = path.join(dir, SCHEMA_FILE);
  if (TEST_BACKEND !== 'postgres' || !existsSync(recorded)) return;
  await dropSchema(readFileSync(recorded, 'utf8').trim());
}

export interface TestServer extends Running {
  dataDir: string;
  config: Config;
  /** Stops the server and removes its data dir (and its PostgreSQL schema) unless the caller owns them. */
  close(): Promise<void>;
}

/**
 * Starts a real modelkeep in-process on free 127.0.0.1 ports with a fresh database — a SQLite data
 * dir, or a PostgreSQL schema when MODELKEEP_TEST_BACKEND=postgres — and a bootstrap user/PAT.
 * `overrides.MODELKEEP_DATABASE_URL` wins over both. A caller-owned `dataDir` keeps its database
 * across close() so a second server started on it finds the same data (see dropTestDatabase).
 */
export async function startTestServer(overrides: Record<string, string> = {}, dataDir?: string, start: StartOptions = {}): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), 'modelkeep-test-'));
  const db = overrides.MODELKEEP_DATABASE_URL ? undefined : testDatabaseUrl(dir, dataDir === undefined);
  const config = loadConfig(
    {
      MODELKEEP_HTTP_PORT: '0',
      MODELKEEP_GRPC_PORT: '0',
      MODELKEEP_DATA_DIR: dir,
      MODELKEEP_BOOTSTRAP_USER: TEST_USER,
      MODELKEEP_BOOTSTRAP_PAT: TEST_PAT,
      MODELKEEP_LOG_LEVEL: 'silent',
      // The suites serve images and texts from 127.0.0.1 file servers; the default policy refuses loopback (see ssrf.test.ts).
      MODELKEEP_FETCH_ALLOW: '127.0.0.0/8',
      // In-process image inference: the test process's one model instance serves every server it starts, as
      // before decision 0039. Suites about the worker-thread pool (inference-pool.test.ts) set it to 1; the
      // process tests (startServer) run the default.
      MODELKEEP_INFERENCE_THREADS: '0',
      ...(db ? { MODELKEEP_DATABASE_URL: db.url } : {}),
      ...overrides,
    },
    {},
  );
  let running: Running;
  try {
    running = await startModelkeep(config, { log: pino({ level: process.env.MODELKEEP_TEST_LOG ?? 'silent' }), ...start });
  } catch (e) {
    if (db && !dataDir) await dropSchema(db.schema).catch(() => undefined);
    if (!dataDir) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    ...running,
    dataDir: dir,
    config,
    async close() {
      await running.stop();
      if (dataDir) return;
      if (db) await dropSchema(db.schema);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
