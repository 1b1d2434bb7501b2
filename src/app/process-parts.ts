/**
 * What the server (compose.ts) and a standalone worker (start-worker.ts) build alike from the
 * settings: the logger, the store's options, the guarded URL fetcher and its byte budget, and the
 * training-duration metric hook.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { TRAIN_JOB } from '../domain/job-kinds.js';
import type { WorkerOptions } from '../jobs/worker.js';
import { ByteBudget } from '../net/byte-budget.js';
import { fetchPolicy } from '../net/fetch-policy.js';
import { GuardedFetch } from '../net/guarded-fetch.js';
import { buildLogger } from '../observe/logger.js';
import type { Metrics } from '../observe/metrics.js';
import type { Clock } from '../ports/clock.js';
import type { OpenOptions } from '../storage/open-store.js';

export interface StartOptions {
  clock?: Clock;
  log?: Logger;
  /** How often the job worker polls for jobs queued by other processes (default 500 ms). */
  workerPollMs?: number;
}

/** Pool size, and a log line for every pooled connection the database drops (the pool reconnects by itself). */
export function storeOptions(cfg: Config, log: Logger): OpenOptions {
  return {
    poolSize: cfg.dbPoolSize,
    onConnectionError: (err) => log.warn({ err: err.message }, 'database connection lost; reconnecting on next use'),
    // debug: every statement with its duration (text only, never parameters); decided once at start.
    queryLog: log.isLevelEnabled('debug') ? (text, ms, failed) => log.debug({ sql: text, ms, failed }, 'sql') : undefined,
  };
}

/** The process logger from the settings (a test passes its own). */
export const processLogger = (cfg: Config): Logger => buildLogger({ level: cfg.logLevel, format: cfg.logFormat, isTty: Boolean(process.stdout.isTTY) });

/** What every URL fetch of this process goes through: MODELKEEP_FETCH_ALLOW / _DENY over the default refusals. */
export const urlFetchAgent = (cfg: Config): GuardedFetch => new GuardedFetch(fetchPolicy(cfg.fetchAllow, cfg.fetchDeny));

/** The bytes every URL download of this process reserves from (MODELKEEP_FETCH_BUDGET_MB; docs/decisions/0038). */
export const fetchBudgetOf = (cfg: Config, metrics: Metrics | undefined): ByteBudget => {
  const budget = new ByteBudget(cfg.fetchBudgetMb * 1024 * 1024);
  metrics?.watchFetchBudget(budget);
  return budget;
};

/** Training attempts that ended in this process, for modelkeep_training_duration_seconds. */
export function trainingFinished(metrics: Metrics | undefined): WorkerOptions['onFinished'] {
  if (!metrics) return undefined;
  return (job, outcome, seconds) => {
    if (job.kind === TRAIN_JOB) metrics.trainingFinished(String(job.payload.model_type_id ?? ''), seconds, outcome);
  };
}
