// The input processor's claim at a deep queue (decision 0034), in-process:
//   node --import tsx bench/input-claim.ts [queued] [database-url]
// Seeds `queued` pending text inputs (default 10,000) spread over 4 apps, 128 per create (timed), plus 5 in another, into
// a fresh SQLite file (or a fresh schema of the PostgreSQL URL given), prints the claim statement's plan
// (EXPLAIN QUERY PLAN / EXPLAIN: it must walk an index in claim order, not sort every pending row), then
// times 50 claims of 8 inputs in the 'local' lane (what one processor round asks for) and prints the median
// and p90, and where the small app's inputs came out; before that, 21 claims in the empty 'fetch' lane (median, p90).
// Wall milliseconds on a shared machine: compare runs made together.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import pg from 'pg';
import { Visibility } from '../src/domain/entities.js';
import { newId } from '../src/domain/ids.js';
import type { NewInput } from '../src/domain/inputs.js';
import { openStore } from '../src/storage/open-store.js';
import { claimStatement } from '../src/storage/repos/input-claim.js';
import type { DB } from '../src/storage/sql/schema.js';

const queued = Number(process.argv[2] ?? 10_000);
const pgBase = process.argv[3];
const dir = mkdtempSync(path.join(tmpdir(), 'input-claim-'));
const schema = `bench_claim_${randomBytes(4).toString('hex')}`;
const url = pgBase ? `${pgBase}${pgBase.includes('?') ? '&' : '?'}schema=${schema}` : `sqlite:${path.join(dir, 'modelkeep.db')}`;
const store = await openStore(url);
const t0 = Date.UTC(2025, 0, 1);
await store.users.create({ id: 'bench', createdAt: t0 });
const app = (id: string) => ({
  userId: 'bench',
  id,
  name: id,
  description: '',
  defaultLanguage: 'en',
  defaultWorkflowId: '',
  visibility: Visibility.PRIVATE,
  metadata: {},
  createdAt: t0,
  modifiedAt: t0,
});
const BIG = ['big0', 'big1', 'big2', 'big3'];
for (const id of [...BIG, 'small']) await store.apps.create(app(id));
const input = (appId: string, n: number): NewInput => ({
  pk: newId(),
  userId: 'bench',
  appId,
  id: `${appId}-${n}`,
  kind: 'text',
  text: `text ${n}`,
  imageUrl: null,
  imageBytes: null,
  metadata: {},
  concepts: [],
  datasetIds: [],
  createdAt: t0 + n,
});
const creates: number[] = [];
for (let from = 0; from < queued; from += 128) {
  const chunk = Array.from({ length: Math.min(128, queued - from) }, (_, i) => input(BIG[(from >> 7) % BIG.length]!, from + i));
  const s = performance.now();
  await store.inputs.create(
    chunk,
    chunk.map(() => []),
  );
  creates.push(performance.now() - s);
}
creates.sort((a, b) => a - b);
const small = Array.from({ length: 5 }, (_, i) => input('small', queued + i));
await store.inputs.create(
  small,
  small.map(() => []),
);

// The plan of the claim statement exactly as the repo builds it (compiled here, run by a client of its own).
const compiler = (pgDialect: boolean) =>
  new Kysely<DB>({
    dialect: {
      createAdapter: () => (pgDialect ? new PostgresAdapter() : new SqliteAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => (pgDialect ? new PostgresIntrospector(db) : new SqliteIntrospector(db)),
      createQueryCompiler: () => (pgDialect ? new PostgresQueryCompiler() : new SqliteQueryCompiler()),
    },
  });
for (const lane of ['local', 'fetch', 'any'] as const) {
  const q = claimStatement(compiler(Boolean(pgBase)), pgBase ? 'postgres' : 'sqlite', {
    workerId: 'w',
    limit: 8,
    leaseUntil: t0 + 1e12,
    now: t0 + 1e6,
    lane,
  }).compile();
  let plan: string[];
  if (pgBase) {
    const c = new pg.Client({ connectionString: pgBase });
    await c.connect();
    await c.query(`set search_path to "${schema}"`);
    await c.query('analyze inputs');
    plan = (await c.query(`explain ${q.sql}`, q.parameters as unknown[])).rows.map((r: Record<string, string>) => r['QUERY PLAN']!);
    await c.end();
  } else {
    const raw = new Database(url.slice('sqlite:'.length), { readonly: true });
    plan = (raw.prepare(`explain query plan ${q.sql}`).all(...(q.parameters as unknown[])) as { detail: string }[]).map((r) => r.detail);
    raw.close();
  }
  console.log(`plan of the claim (lane ${lane}):\n  ${plan.join('\n  ')}`);
}

// The empty lane: no queued input needs a fetch, so a 'fetch' claim finds nothing. It must cost one probe of
// the fetch lane's own index (migration 013), not a walk past every queued text input.
const starved: number[] = [];
for (let r = 0; r < 21; r++) {
  const s = performance.now();
  const got = await store.inputs.claim('bench', 8, t0 + 1e12, t0 + 1e6, 'fetch');
  starved.push(performance.now() - s);
  if (got.length > 0) throw new Error(`the fetch lane handed out ${got.length} text inputs`);
}
starved.sort((a, b) => a - b);
console.log(`empty 'fetch' lane, ${queued} 'local' inputs queued: claim of 8: median ${starved[10]!.toFixed(2)} ms, p90 ${starved[18]!.toFixed(2)} ms`);

const times: number[] = [];
const smallAt: number[] = [];
let claimedSoFar = 0;
for (let r = 0; r < 50; r++) {
  const s = performance.now();
  const got = await store.inputs.claim('bench', 8, t0 + 1e12, t0 + 1e6, 'local');
  times.push(performance.now() - s);
  got.forEach((c, i) => {
    if (c.id.startsWith('small-')) smallAt.push(claimedSoFar + i + 1);
  });
  claimedSoFar += got.length;
}
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2);
console.log(
  `${pgBase ? 'postgres' : 'sqlite'}: ${queued} queued: create of 128: median ${creates[creates.length >> 1]!.toFixed(2)} ms; claim of 8: median ${q(0.5)} ms, p90 ${q(0.9)} ms; the small app's 5 inputs were claimed at positions ${smallAt.length ? smallAt.join(', ') : 'none of the first 400'}`,
);
await store.close();
rmSync(dir, { recursive: true, force: true });
if (pgBase) {
  const c = new pg.Client({ connectionString: pgBase });
  await c.connect();
  await c.query(`drop schema if exists "${schema}" cascade`);
  await c.end();
}
