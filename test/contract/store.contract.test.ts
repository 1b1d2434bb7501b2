/**
 * The Store contract: one suite, run against a fresh SQLite file always, and against a fresh
 * PostgreSQL schema when MODELKEEP_TEST_DATABASE_URL is set (skipped, saying so, when it is not).
 *   node --import tsx --test test/contract/*.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrations } from '../../src/storage/migrations/index.js';
import { migrate, openKyselyStore, sqliteFile } from '../../src/storage/open-store.js';
import { annotationCases } from './cases/annotations.js';
import { artifactCases } from './cases/artifacts.js';
import { basicCases } from './cases/basic.js';
import { changeCases } from './cases/changes.js';
import { claimLaneCases } from './cases/claim-lanes.js';
import { datasetExportCases } from './cases/dataset-exports.js';
import { evaluationListCases } from './cases/evaluations.js';
import type { Harness } from './cases/harness.js';
import { inputQueueCases } from './cases/input-queue.js';
import { jobCases } from './cases/jobs.js';
import { modelListCases } from './cases/model-list.js';
import { modelCases } from './cases/models.js';
import { planCases } from './cases/plans.js';
import { postgresCases, postgresChangeCases } from './cases/postgres-only.js';
import { trainingDataCases } from './cases/training-data.js';
import { transactionCases } from './cases/transactions.js';
import { versionCases } from './cases/versions.js';
import { workflowCases } from './cases/workflows.js';
import { freshPostgres, freshSqlite, PG_BASE_URL, PG_SKIP, type TestDatabase } from './databases.js';
import { snapshotPostgres, snapshotSqlite } from './schema-snapshot.js';

function contract(fresh: () => TestDatabase, extra?: (h: Harness & { url: string }) => void): void {
  const h = {} as Harness & { url: string };
  let db: TestDatabase | undefined;
  before(async () => {
    db = fresh();
    h.url = db.url;
    h.store = await openKyselyStore(db.url);
  });
  after(async () => {
    await h.store?.close();
    await db?.drop();
  });
  basicCases(h);
  modelCases(h);
  describe('ListModels', () => modelListCases(h));
  versionCases(h);
  describe('ListEvaluations', () => evaluationListCases(h));
  jobCases(h);
  describe('Training data', () => trainingDataCases(h));
  describe('Input queue', () => {
    inputQueueCases(h);
    claimLaneCases(h);
  });
  describe('Artifacts and exports', () => artifactCases(h));
  describe('Dataset version exports', () => datasetExportCases(h));
  describe('Annotations, dataset writes, trained-on inputs', () => annotationCases(h));
  describe('Workflows', () => workflowCases(h));
  transactionCases(h);
  planCases(h);
  changeCases(h);
  extra?.(h);
}

if (PG_SKIP) console.log(`note: ${PG_SKIP}`);

describe('Store contract [sqlite]', () => contract(freshSqlite));

describe('Store contract [postgres]', { skip: PG_SKIP }, () =>
  contract(freshPostgres, (h) => {
    postgresCases(h);
    postgresChangeCases(h);
  }),
);

describe('Migrations: an empty SQLite and an empty PostgreSQL end with the same schema', { skip: PG_SKIP }, () => {
  it('same tables, columns (type, nullability), indexes and foreign keys', async () => {
    const lite = freshSqlite();
    const pgdb = freshPostgres();
    try {
      const all = Object.keys(migrations);
      assert.deepEqual(await migrate(lite.url), all);
      assert.deepEqual(await migrate(pgdb.url), all);
      const schema = new URL(pgdb.url).searchParams.get('schema')!;
      const fromSqlite = snapshotSqlite(sqliteFile(lite.url));
      const fromPostgres = await snapshotPostgres(PG_BASE_URL!, schema);
      assert.ok(Object.keys(fromSqlite).length >= 7, 'tables were created');
      assert.deepEqual(fromPostgres, fromSqlite);
    } finally {
      await lite.drop();
      await pgdb.drop();
    }
  });
});
