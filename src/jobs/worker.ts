import type { Logger } from 'pino';
import type { Job } from '../domain/entities.js';
import { newId } from '../domain/ids.js';
import { LEASE_EXPIRED } from '../domain/job-kinds.js';
import { Outcome, Stopped } from '../domain/outcome.js';
import { Code } from '../domain/status-codes.js';
import type { Clock } from '../ports/clock.js';
import type { Repos, Store } from '../ports/store.js';
import { Doorbell } from '../runtime/doorbell.js';
import type { GenericFailure, JobHandler, JobRunContext } from './types.js';

const TRAINING_FAILURE: GenericFailure = { code: Code.MODEL_TRAINING_FAILED, what: 'Training', retry: 'Create a new version to try again.' };

export interface WorkerOptions {
  /** How long a claimed job stays ours without a heartbeat; a dead worker's job is retaken after it. */
  leaseMs: number;
  pollMs: number;
  concurrency: number;
  /** Attempts (including ones whose worker died) before the job fails for good. */
  maxAttempts: number;
  workerId?: string;
  /** Told when a job of this worker ends (metrics: training duration by model type). Must not throw. */
  onFinished?: (job: Job, outcome: 'succeeded' | 'failed', seconds: number) => void;
}

/** The fields every log line of a job carries. */
function jobFields(job: Job): Record<string, unknown> {
  const f: Record<string, unknown> = { job: job.id, kind: job.kind };
  const p = job.payload;
  if (typeof p.version_id === 'string') f.version = p.version_id;
  if (typeof p.model_type_id === 'string') f.model_type = p.model_type_id;
  if (typeof p.req_id === 'string') f.req_id = p.req_id;
  return f;
}

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = { leaseMs: 30_000, pollMs: 500, concurrency: 1, maxAttempts: 3 };

/**
 * Runs durable jobs: claims with a lease, heartbeats while working, and guards every write with
 * "do I still hold this running job?" so that cancelled or taken-over jobs never write a result.
 */
export class Worker {
  readonly id: string;
  private readonly handlers: Map<string, JobHandler>;
  private running = new Set<Promise<void>>();
  /** Abort handles of the jobs in hand, so stop() can hand them back instead of waiting them out. */
  private aborts = new Set<AbortController>();
  private stopping = false;
  private readonly bell = new Doorbell();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    handlers: JobHandler[],
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: WorkerOptions = DEFAULT_WORKER_OPTIONS,
  ) {
    this.id = opts.workerId ?? `worker-${process.pid}-${newId().slice(0, 8)}`;
    this.handlers = new Map(handlers.map((h) => [h.kind, h]));
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Wakes the loop now (a job was just enqueued in this process). */
  notify(): void {
    this.bell.ring();
  }

  /**
   * Stops claiming, stops the jobs in hand at their next checkpoint and hands them back to the queue
   * (another worker takes them at once, without waiting for the lease to expire).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.bell.ring();
    for (const a of this.aborts) a.abort();
    await this.loop;
    await Promise.allSettled([...this.running]);
  }

  private async run(): Promise<void> {
    const kinds = [...this.handlers.keys()];
    while (!this.stopping) {
      let job: Job | undefined;
      if (this.running.size < this.opts.concurrency) {
        try {
          const now = this.clock.now();
          job = await this.store.jobs.claim(this.id, kinds, now + this.opts.leaseMs, now);
        } catch (err) {
          this.log.warn({ err }, 'worker: could not claim a job; retrying');
        }
      }
      if (job) {
        // execute() ends its own errors; what still escapes (the database gone while recording an
        // outcome) must not become an unhandled rejection that kills the process: the lease expires
        // and the job is retaken.
        const p = this.execute(job)
          .catch((err: unknown) => this.log.error({ err, job: job.id }, 'could not record a job outcome; its lease will expire and it will be retaken'))
          .finally(() => {
            this.running.delete(p);
            this.bell.ring();
          });
        this.running.add(p);
        continue;
      }
      await this.bell.wait(this.opts.pollMs);
    }
  }

  private async execute(job: Job): Promise<void> {
    const handler = this.handlers.get(job.kind)!;
    const log = this.log.child(jobFields(job));
    const started = this.clock.now();
    if (job.lastError.startsWith(LEASE_EXPIRED))
      log.warn({ worker: this.id, attempt: job.attempts, previous_worker: job.lastError.slice(LEASE_EXPIRED.length) }, 'job retaken after a lost lease');
    else log.info({ worker: this.id, attempt: job.attempts }, 'job claimed');
    if (job.attempts > this.opts.maxAttempts) {
      const g = handler.genericFailure ?? TRAINING_FAILURE;
      await this.fail(
        handler,
        job,
        g.code,
        `The job was interrupted ${job.attempts - 1} times (its worker stopped or crashed) and was given up. ${g.retry}`,
        log,
        started,
      );
      return;
    }
    const abort = new AbortController();
    this.aborts.add(abort);
    let lastBeat = this.clock.now();
    const beat = async (): Promise<void> => {
      const now = this.clock.now();
      const r = await this.store.jobs.heartbeat(job.id, this.id, now + this.opts.leaseMs, now);
      lastBeat = now;
      if (r !== 'ok') {
        abort.abort();
        throw new Stopped(r === 'cancelled' ? 'job cancelled' : 'lease lost to another worker');
      }
    };
    const timer = setInterval(() => void beat().catch(() => undefined), Math.max(1000, this.opts.leaseMs / 3));
    const guarded = async (end: 'succeeded' | 'failed' | undefined, lastError: string, write: (tx: Repos) => Promise<void>): Promise<void> => {
      await this.store.transaction(async (tx) => {
        if (!(await tx.jobs.lockRunning(job.id, this.id))) throw new Stopped('job no longer held');
        await write(tx);
        if (end) await tx.jobs.finish(job.id, this.id, end, lastError, this.clock.now());
      });
    };
    const ctx: JobRunContext = {
      job,
      log,
      store: this.store,
      workerId: this.id,
      now: () => this.clock.now(),
      signal: abort.signal,
      checkpoint: async () => {
        if (abort.signal.aborted) throw new Stopped('job stopped');
        if (this.clock.now() - lastBeat > 2000) await beat();
      },
      commit: (state, lastError, write) => guarded(state, lastError, write),
      update: (write) => guarded(undefined, '', write),
    };
    try {
      const summary = await handler.run(ctx);
      const seconds = (this.clock.now() - started) / 1000;
      log.info({ ...summary, attempt: job.attempts, duration_ms: Math.round(seconds * 1000) }, 'job succeeded');
      this.opts.onFinished?.(job, 'succeeded', seconds);
    } catch (err) {
      if (err instanceof Stopped) {
        log.info({ reason: err.message }, 'job stopped');
        if (this.stopping) await this.release(handler, job, log);
      } else if (err instanceof Outcome && !err.retryable) await this.fail(handler, job, err.code, err.details, log, started);
      else await this.retryOrFail(handler, job, err, log, started);
    } finally {
      clearInterval(timer);
      this.aborts.delete(abort);
    }
  }

  /** Re-queues a job this worker still holds (a no-op for one that was cancelled meanwhile). */
  private async release(handler: JobHandler, job: Job, log: Logger): Promise<void> {
    try {
      let handedBack = false;
      await this.store.transaction(async (tx) => {
        if (!(await tx.jobs.lockRunning(job.id, this.id))) return;
        await handler.recordHandBack?.(tx, job, this.clock.now());
        handedBack = await tx.jobs.finish(job.id, this.id, 'queued', 'its worker was stopped', this.clock.now());
      });
      if (handedBack) log.info({ worker: this.id, attempt: job.attempts }, 'job handed back to the queue');
    } catch (err) {
      log.warn({ err }, 'could not hand a job back; it is retaken when its lease expires');
    }
  }

  private async retryOrFail(handler: JobHandler, job: Job, err: unknown, log: Logger, started: number): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    log.error({ err, attempt: job.attempts }, 'job failed unexpectedly');
    if (job.attempts < this.opts.maxAttempts) {
      await this.store.transaction(async (tx) => {
        if (await tx.jobs.lockRunning(job.id, this.id)) await tx.jobs.finish(job.id, this.id, 'queued', message, this.clock.now());
      });
      log.info({ attempt: job.attempts, max_attempts: this.opts.maxAttempts }, 'job queued again for another attempt');
      return;
    }
    const g = handler.genericFailure ?? TRAINING_FAILURE;
    await this.fail(handler, job, g.code, `${g.what} failed after ${job.attempts} attempts: ${message}`, log, started);
  }

  private async fail(handler: JobHandler, job: Job, code: number, details: string, log: Logger, started: number): Promise<void> {
    try {
      let recorded = false;
      await this.store.transaction(async (tx) => {
        if (!(await tx.jobs.lockRunning(job.id, this.id))) return;
        await handler.recordFailure(tx, job, code, details, this.clock.now());
        recorded = await tx.jobs.finish(job.id, this.id, 'failed', details, this.clock.now());
      });
      if (!recorded) return;
      const seconds = (this.clock.now() - started) / 1000;
      log.warn({ code, details, attempt: job.attempts, duration_ms: Math.round(seconds * 1000) }, 'job failed');
      this.opts.onFinished?.(job, 'failed', seconds);
    } catch (err) {
      log.error({ err }, 'could not record a job failure; its lease will expire and it will be retaken');
    }
  }
}
