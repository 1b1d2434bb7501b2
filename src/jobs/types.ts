import type { Job } from '../domain/entities.js';
import type { Repos, Store } from '../ports/store.js';

/** Log lines of one job: each carries the job id, kind, version and the req_id of the request that queued it. */
export interface JobLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** What a handler reports about a job that succeeded: added to the worker's "job succeeded" line (e.g. inputs, concepts). */
export type JobSummary = Record<string, string | number | boolean>;

export interface JobRunContext {
  job: Job;
  /** This job's log (default: none, e.g. in a handler's unit test). */
  log?: JobLog;
  store: Store;
  workerId: string;
  now(): number;
  /** Aborted when the job is cancelled or its lease is lost. */
  signal: AbortSignal;
  /** Renews the lease (cheaply, at most every few seconds) and throws Stopped if the job must stop. */
  checkpoint(): Promise<void>;
  /**
   * Writes a result atomically with the job's end: runs `write` in a transaction only if this worker
   * still holds the running job, then marks it `state`. Throws Stopped (nothing written) otherwise.
   */
  commit(state: 'succeeded' | 'failed', lastError: string, write: (tx: Repos) => Promise<void>): Promise<void>;
  /** Same guarantee for intermediate writes (status 21101, progress) that do not end the job. */
  update(write: (tx: Repos) => Promise<void>): Promise<void>;
}

/** One kind of background work. */
export interface JobHandler {
  readonly kind: string;
  /** Does the work and ends with ctx.commit. Throw an Outcome for user-facing failures; other errors (and retryable Outcomes) are retried. */
  run(ctx: JobRunContext): Promise<void | JobSummary>;
  /** Records a terminal failure (retries exhausted, or an Outcome) on the job's subject, inside `tx`. */
  recordFailure(tx: Repos, job: Job, code: number, details: string, now: number): Promise<void>;
  /**
   * The job goes back to the queue because its worker is stopping: puts its subject back in the
   * queued state (inside `tx`, with the job's own hand-back), so nobody reads "training 23%" from a
   * job no process runs.
   */
  recordHandBack?(tx: Repos, job: Job, now: number): Promise<void>;
  /**
   * How the worker words failures that are not the job's own (retries used up, its worker lost too
   * often): the status code, what failed ("Training"), and what to do next. Default: training's.
   */
  readonly genericFailure?: GenericFailure;
}

export interface GenericFailure {
  code: number;
  what: string;
  retry: string;
}
