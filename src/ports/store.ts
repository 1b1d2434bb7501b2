import type { AppFilter, AppListOrder } from '../domain/app-search.js';
import type { ApiKey, App, Job, Model, ModelVersion, User, VersionStatus } from '../domain/entities.js';
import type { JsonObject } from '../domain/json.js';
import type { Workflow } from '../domain/workflows.js';
import type { ArtifactStore, ExportStore } from './artifacts.js';
import type { ChangeClock } from './changes.js';
import type { AnnotationRepo, ConceptRepo, DatasetRepo, EmbeddingRepo, InputRepo } from './inputs-store.js';
import type { Page } from './paging.js';

export type ModelSortField = 'name' | 'modified_at' | 'created_at' | 'num_inputs';

export interface ModelListQuery {
  userId: string;
  /** Absent = every app of the user. */
  appId?: string;
  /** Wildcard pattern (`gen*`, `*bert*`), case-insensitive, over id and name. */
  namePattern?: string;
  /** Full-word query: every group must match at least one of its words (OR inside a group); `exclude` words must not match. Matched over id, name, description, notes. */
  words?: { groups: string[][]; exclude: string[] };
  /** Restrict to these model types (the service resolves `input_fields` / `output_fields` to types). */
  modelTypeIds?: string[];
  /** Only models with at least one version in status 21100. */
  trainedOnly?: boolean;
  sort: { field: ModelSortField; ascending: boolean };
  page: Page;
  /**
   * Paging by key: start right after this row of the sort order (its sort value and id) instead of
   * skipping `(page - 1) * perPage` rows. Only for sorts on name, created_at and modified_at.
   */
  after?: { value: string | number; id: string };
}

export type VersionSortField = 'created_at' | 'status_code' | 'num_inputs' | 'description';

export interface VersionListQuery {
  modelPk: string;
  /** Only versions whose concept set contains every one of these ids. */
  conceptIds?: string[];
  trainedOnly?: boolean;
  sort: { field: VersionSortField; ascending: boolean };
  page: Page;
}

/** What ListEvaluations sorts on (its sort_by_* flags). */
export type EvaluationSortField = 'created_at' | 'model_id' | 'app_id' | 'roc_auc' | 'f1' | 'precision' | 'recall' | 'eval_dataset_id' | 'train_dataset_id';

/** ListEvaluations: the evaluations kept by the versions of one app's models, filtered, sorted and paged by the store. */
export interface EvaluationListQuery {
  userId: string;
  appId: string;
  /** Include evaluations whose status is a failure (21310..21319). */
  showFailed: boolean;
  modelTypeId?: string;
  /** Only evaluations held out on one of these datasets (metrics.ground_truth_dataset.id). */
  evalDatasetIds?: string[];
  /** Only versions trained on one of these datasets (train_info.params.dataset_id). */
  trainDatasetIds?: string[];
  /** Only versions whose concepts include every one of these. */
  conceptIds?: string[];
  /** Ties broken by the version's internal key, in the same direction. */
  sort: { field: EvaluationSortField; ascending: boolean };
  page: Page;
}

/** A version that keeps an evaluation, with its model's id and type. */
export interface EvaluatedVersion {
  modelId: string;
  modelTypeId: string;
  version: ModelVersion;
}

export interface UserRepo {
  get(id: string): Promise<User | undefined>;
  /** Number of users (bootstrap creates the first one when there is none). */
  count(): Promise<number>;
  create(user: User): Promise<void>;
}

export interface KeyRepo {
  /** The hot auth path: must be an indexed single-row lookup. */
  findByTokenHash(tokenHash: string): Promise<ApiKey | undefined>;
  get(userId: string, id: string): Promise<ApiKey | undefined>;
  create(key: ApiKey): Promise<void>;
  listByUser(userId: string, page: Page): Promise<ApiKey[]>;
  delete(userId: string, id: string): Promise<boolean>;
}

export interface AppRepo {
  get(userId: string, appId: string): Promise<App | undefined>;
  /** Throws DuplicateKeyError('app', id). */
  create(app: App): Promise<void>;
  /**
   * By id ascending unless `order` names another sort (ListApps, src/domain/app-search.ts); with a
   * filter, only the apps `appMatches` selects, and with `order.visibility` only apps of that visibility.
   */
  list(userId: string, page: Page, filter?: AppFilter, order?: AppListOrder): Promise<App[]>;
  /** Same as get, but locks the row until the transaction ends (PostgreSQL: FOR UPDATE). Use inside transaction(). */
  getForUpdate(userId: string, appId: string): Promise<App | undefined>;
  /** Writes name, description, default language, default workflow, visibility, metadata and modified_at (PatchApps). False when it is gone. */
  update(app: App): Promise<boolean>;
  /** Deletes the app and everything in it (models, versions, jobs, app keys). */
  delete(userId: string, appId: string): Promise<boolean>;
}

export interface ModelRepo {
  get(userId: string, appId: string, modelId: string): Promise<Model | undefined>;
  /** Same as get, but locks the row until the transaction ends (PostgreSQL: FOR UPDATE). Use inside transaction(). */
  getForUpdate(userId: string, appId: string, modelId: string): Promise<Model | undefined>;
  /** Throws DuplicateKeyError('model', id). */
  create(model: Model): Promise<void>;
  /** Writes every model-level field of an existing model (by pk); `id` included (PatchModelIds). Throws DuplicateKeyError on a taken id. */
  update(model: Model): Promise<void>;
  list(query: ModelListQuery): Promise<Model[]>;
  /** Deletes models with their versions and jobs. Returns how many models were deleted. */
  delete(pks: string[]): Promise<number>;
  /** Ids of every model in an app (DeleteModels with delete_all). */
  listPks(userId: string, appId: string): Promise<string[]>;
}

/** What a training job writes on its version (see VersionRepo.updateTraining). */
export interface TrainingFields {
  status?: VersionStatus;
  totalInputCount?: number;
  completedAt?: number | null;
  trainLog?: string;
  modifiedAt?: number;
  /** The version's evaluation (API `EvalMetrics` JSON), written by PostModelVersionMetrics and the evaluation job. */
  metrics?: JsonObject | null;
  /** input_info with the base model training chose (embedding-classifier created without one). */
  inputInfo?: JsonObject;
}

export interface VersionRepo {
  /** Throws DuplicateKeyError('model version', id) when the id is taken in that model. */
  create(version: ModelVersion): Promise<void>;
  get(modelPk: string, versionId: string): Promise<ModelVersion | undefined>;
  getByPk(pk: string): Promise<ModelVersion | undefined>;
  /** Writes every mutable field of an existing version (by pk). */
  update(version: ModelVersion): Promise<void>;
  /**
   * Writes only the fields training owns (status, total_input_count, completed_at, train_log,
   * modified_at, metrics — those given), so a training or evaluation job never overwrites what
   * PatchModelVersions changed.
   * Call it inside the job's guarded transaction. Returns false when the version no longer exists.
   */
  updateTraining(pk: string, fields: TrainingFields): Promise<boolean>;
  delete(pk: string): Promise<boolean>;
  list(query: VersionListQuery): Promise<ModelVersion[]>;
  /** One page of the evaluations the app's versions keep (ListEvaluations), filtered and sorted in SQL. */
  listEvaluations(query: EvaluationListQuery): Promise<EvaluatedVersion[]>;
  /** The version of the app's models whose evaluation has this id (GetEvaluation), found in SQL without reading the others. */
  findEvaluated(userId: string, appId: string, evaluationId: string): Promise<EvaluatedVersion | undefined>;
  /**
   * Versions of the app's models whose input_info contains `text` (a cheap prefilter: callers apply the
   * exact rule), with their model's id: what names a base embedder (decision 0040).
   */
  mentioningInInputInfo(userId: string, appId: string, text: string): Promise<{ modelId: string; version: ModelVersion }[]>;
  /** Latest version of each model (newest created_at, ties by id) — API-DECISIONS row 11. */
  latestOf(modelPks: string[], opts?: { trainedOnly?: boolean }): Promise<Map<string, ModelVersion>>;
}

export interface JobRepo {
  /** Written in the caller's transaction so a version and its job commit together. */
  enqueue(job: Job): Promise<void>;
  getForVersion(versionPk: string): Promise<Job[]>;
  /** Marks every queued/running job of the version cancelled; a cancelled job can never write a result. */
  cancelForVersion(versionPk: string, now: number): Promise<number>;
  /**
   * Atomically takes the oldest job of `kinds` that is queued, or running with an expired lease
   * (its worker died), sets it running under `workerId` until `leaseUntil` and bumps `attempts`.
   * Two workers never get the same job (SQLite: one writer; PostgreSQL: FOR UPDATE SKIP LOCKED).
   * A job taken over from an expired lease comes back with lastError `LEASE_EXPIRED + <old worker id>`.
   */
  claim(workerId: string, kinds: string[], leaseUntil: number, now: number): Promise<Job | undefined>;
  /** Extends the lease while the job runs. 'cancelled' / 'lost' tell the worker to stop at once. */
  heartbeat(jobId: string, workerId: string, leaseUntil: number, now: number): Promise<'ok' | 'cancelled' | 'lost'>;
  /**
   * Ends a running job this worker still holds. Returns false (and changes nothing) when the job was
   * cancelled, deleted or taken over — the caller must then discard its result. Call it in the same
   * transaction as the result write, after locking the job with `lockRunning`.
   */
  finish(jobId: string, workerId: string, state: 'succeeded' | 'failed' | 'queued', lastError: string, now: number): Promise<boolean>;
  /** Locks the job row if it is still running under `workerId` (PostgreSQL: FOR UPDATE); undefined otherwise. */
  lockRunning(jobId: string, workerId: string): Promise<Job | undefined>;
}

/** Workflows of an app (decision 0033); the graph is stored and returned whole. */
export interface WorkflowRepo {
  get(userId: string, appId: string, id: string): Promise<Workflow | undefined>;
  /** Throws DuplicateKeyError('workflow', id). */
  create(workflow: Workflow): Promise<void>;
  /**
   * Writes description, metadata, nodes and modified_at of an existing workflow (`keepNodes`: all but
   * nodes, so a PatchWorkflows without nodes cannot write back a graph a rename changed meanwhile).
   * Returns false when it is gone.
   */
  update(workflow: Workflow, opts?: { keepNodes?: boolean }): Promise<boolean>;
  /**
   * Every workflow, of any app, with a node naming model `modelId` of app `userId/appId` (namesModel),
   * locked until the transaction ends (FOR NO KEY UPDATE on PostgreSQL): what PatchModelIds rewrites.
   */
  namingModel(userId: string, appId: string, modelId: string): Promise<Workflow[]>;
  /** Oldest first (ties by id), so pages stay put while workflows are added. */
  list(userId: string, appId: string, page: Page): Promise<Workflow[]>;
  /** Every workflow of the app (the pin check on version deletes: apps hold few workflows). */
  all(userId: string, appId: string): Promise<Workflow[]>;
  /** Deletes these ids (or every workflow of the app when ids is undefined); returns how many. */
  delete(userId: string, appId: string, ids?: string[]): Promise<number>;
}

export interface Repos {
  workflows: WorkflowRepo;
  users: UserRepo;
  keys: KeyRepo;
  apps: AppRepo;
  models: ModelRepo;
  versions: VersionRepo;
  jobs: JobRepo;
  // Training data (src/ports/inputs-store.ts) and trained artifacts.
  inputs: InputRepo;
  annotations: AnnotationRepo;
  embeddings: EmbeddingRepo;
  concepts: ConceptRepo;
  datasets: DatasetRepo;
  artifacts: ArtifactStore;
  exports: ExportStore;
}

/** Counts across the whole database and this process's connection pool, for metrics. */
export interface StoreStats {
  jobs: { kind: string; state: string; count: number }[];
  inputs: { statusCode: number; count: number }[];
  /** PostgreSQL only: connections of this process's pool. */
  pool?: { total: number; idle: number; waiting: number };
}

/**
 * Storage port. Repos used directly auto-commit each call; `transaction` gives repos bound to one
 * transaction — if `fn` throws, nothing it wrote is kept.
 */
export interface Store extends Repos {
  readonly dialect: 'sqlite' | 'postgres';
  /** Changes to the data, for caches of answers (see ChangeClock). */
  readonly changes: ChangeClock;
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  /** Job and input counts (and pool use) for /metrics; optional so that test doubles need not have it. */
  stats?(): Promise<StoreStats>;
  /**
   * Readiness: resolves when the database answers now and its schema carries this build's latest
   * migration; rejects with an Error whose message says which of the two is wrong.
   */
  probe(): Promise<void>;
  close(): Promise<void>;
}
