import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** A database the contract suite runs against, created fresh for the run and removed after it. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export const PG_BASE_URL = process.env.MODELKEEP_TEST_DATABASE_URL;
export const PG_SKIP = PG_BASE_URL
  ? false
  : 'MODELKEEP_TEST_DATABASE_URL is not set; PostgreSQL run skipped (e.g. MODELKEEP_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test)';

export function freshSqlite(): TestDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), 'modelkeep-contract-'));
  return { url: `sqlite:${path.join(dir, 'store.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A new schema in the test database (cheaper than a database); the store creates it on migrate. */
export function freshPostgres(extraParams: Record<string, string> = {}): TestDatabase {
  if (!PG_BASE_URL) throw new Error('MODELKEEP_TEST_DATABASE_URL is not set');
  const schema = `mk_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const u = new URL(PG_BASE_URL);
  u.searchParams.set('schema', schema);
  for (const [k, v] of Object.entries(extraParams)) u.searchParams.set(k, v);
  return {
    url: u.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: PG_BASE_URL });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs SQL on the test database outside the store (server-side checks such as killing sessions). */
export async function adminQuery<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: PG_BASE_URL });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}
