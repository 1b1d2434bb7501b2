import { type Kysely, sql } from 'kysely';
import type { Repos, Store, StoreStats } from '../ports/store.js';
import { migrations } from './migrations/index.js';
import { annotationRepo } from './repos/annotations.repo.js';
import { appRepo } from './repos/apps.repo.js';
import { artifactRepo, conceptRepo, embeddingRepo } from './repos/concepts.repo.js';
import { datasetRepo } from './repos/datasets.repo.js';
import { exportRepo } from './repos/exports.repo.js';
import { inputRepo } from './repos/inputs.repo.js';
import { jobRepo } from './repos/jobs.repo.js';
import { keyRepo } from './repos/keys.repo.js';
import { modelRepo } from './repos/models.repo.js';
import { storeStats } from './repos/store-stats.js';
import { userRepo } from './repos/users.repo.js';
import { versionRepo } from './repos/versions.repo.js';
import { workflowRepo } from './repos/workflows.repo.js';
import type { Backend } from './sql/backend.js';
import { type Ctx, type HotQueries, hotQueries } from './sql/context.js';
import type { DB } from './sql/schema.js';

/**
 * Repos bound to one handle, each built on first use and kept: a transaction builds only the repos it
 * touches (building some costs more than a short transaction's own work: the inputs and datasets repos
 * assemble SQL fragments). Getters on the prototype keep creation to one small object.
 */
class LazyRepos implements Repos {
  readonly #ctx: Ctx;
  #users?: Repos['users'];
  #keys?: Repos['keys'];
  #apps?: Repos['apps'];
  #models?: Repos['models'];
  #versions?: Repos['versions'];
  #jobs?: Repos['jobs'];
  #inputs?: Repos['inputs'];
  #annotations?: Repos['annotations'];
  #embeddings?: Repos['embeddings'];
  #concepts?: Repos['concepts'];
  #datasets?: Repos['datasets'];
  #artifacts?: Repos['artifacts'];
  #exports?: Repos['exports'];
  #workflows?: Repos['workflows'];

  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  get users(): Repos['users'] {
    return (this.#users ??= userRepo(this.#ctx));
  }
  get keys(): Repos['keys'] {
    return (this.#keys ??= keyRepo(this.#ctx));
  }
  get apps(): Repos['apps'] {
    return (this.#apps ??= appRepo(this.#ctx));
  }
  get models(): Repos['models'] {
    return (this.#models ??= modelRepo(this.#ctx));
  }
  get versions(): Repos['versions'] {
    return (this.#versions ??= versionRepo(this.#ctx));
  }
  get jobs(): Repos['jobs'] {
    return (this.#jobs ??= jobRepo(this.#ctx));
  }
  get inputs(): Repos['inputs'] {
    return (this.#inputs ??= inputRepo(this.#ctx));
  }
  get annotations(): Repos['annotations'] {
    return (this.#annotations ??= annotationRepo(this.#ctx));
  }
  get embeddings(): Repos['embeddings'] {
    return (this.#embeddings ??= embeddingRepo(this.#ctx));
  }
  get concepts(): Repos['concepts'] {
    return (this.#concepts ??= conceptRepo(this.#ctx));
  }
  get datasets(): Repos['datasets'] {
    return (this.#datasets ??= datasetRepo(this.#ctx));
  }
  get artifacts(): Repos['artifacts'] {
    return (this.#artifacts ??= artifactRepo(this.#ctx));
  }
  get exports(): Repos['exports'] {
    return (this.#exports ??= exportRepo(this.#ctx));
  }
  get workflows(): Repos['workflows'] {
    return (this.#workflows ??= workflowRepo(this.#ctx));
  }
}

/**
 * The Store port over Kysely, one implementation for SQLite and PostgreSQL; the few dialect
 * differences live in the repos behind `ctx.dialect` (locking, JSON expansion, IN lists).
 */
export class KyselyStore implements Store {
  readonly dialect: Backend['dialect'];
  readonly changes: Backend['changes'];
  readonly users: Repos['users'];
  readonly keys: Repos['keys'];
  readonly apps: Repos['apps'];
  readonly models: Repos['models'];
  readonly versions: Repos['versions'];
  readonly jobs: Repos['jobs'];
  readonly inputs: Repos['inputs'];
  readonly annotations: Repos['annotations'];
  readonly embeddings: Repos['embeddings'];
  readonly concepts: Repos['concepts'];
  readonly datasets: Repos['datasets'];
  readonly artifacts: Repos['artifacts'];
  readonly exports: Repos['exports'];
  readonly workflows: Repos['workflows'];
  readonly #backend: Backend;
  readonly #hot: HotQueries;

  constructor(backend: Backend) {
    this.#backend = backend;
    this.dialect = backend.dialect;
    this.changes = backend.changes;
    this.#hot = hotQueries(backend.db);
    const root = new LazyRepos({
      db: backend.db,
      dialect: backend.dialect,
      inTx: false,
      hot: this.#hot,
      atomic: (fn) => backend.transaction(fn),
    });
    this.users = root.users;
    this.keys = root.keys;
    this.apps = root.apps;
    this.models = root.models;
    this.versions = root.versions;
    this.jobs = root.jobs;
    this.inputs = root.inputs;
    this.annotations = root.annotations;
    this.embeddings = root.embeddings;
    this.concepts = root.concepts;
    this.datasets = root.datasets;
    this.artifacts = root.artifacts;
    this.exports = root.exports;
    this.workflows = root.workflows;
  }

  /** The root Kysely handle, for diagnostics and tests (EXPLAIN); application code uses the repos. */
  get db(): Kysely<DB> {
    return this.#backend.db;
  }

  /**
   * SQLite: BEGIN IMMEDIATE, transactions of this process run one at a time, and those asked for
   * together share one COMMIT, each in its own savepoint (sql/group-commit.ts; the promise settles
   * after the COMMIT). PostgreSQL: READ COMMITTED on one pooled connection. Inside fn use only the repos it receives: the root repos
   * (or a nested transaction()) throw there, since on SQLite they would wait for fn forever.
   */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    return this.#backend.transaction((trx) => fn(new LazyRepos({ db: trx, dialect: this.dialect, inTx: true, hot: this.#hot, atomic: (g) => g(trx) })));
  }

  async stats(): Promise<StoreStats> {
    const counts = await storeStats(this.#backend.db);
    const pool = this.#backend.poolStats?.();
    return pool ? { ...counts, pool } : counts;
  }

  migrate(): Promise<string[]> {
    return this.#backend.migrate();
  }

  async probe(): Promise<void> {
    let newest: string | undefined;
    try {
      // Kysely's bookkeeping table: the same query reaches the database and reads the schema's version.
      const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(this.#backend.db);
      newest = rows[0]?.name;
    } catch (e) {
      throw new Error(`the database does not answer: ${(e as Error).message}`);
    }
    if (newest !== LATEST_MIGRATION)
      throw new Error(`the database schema is at migration ${newest ?? '(none)'}, this build needs ${LATEST_MIGRATION}: run modelkeep migrate`);
  }

  close(): Promise<void> {
    return this.#backend.close();
  }
}

const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1);
