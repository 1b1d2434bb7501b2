import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { Code } from '../domain/status-codes.js';
import type { ByteBudget } from '../net/byte-budget.js';
import type { StoreStats } from '../ports/store.js';
import type { CallObserver, CallOutcome } from '../service/core/call-observer.js';
import { RequestStats } from './request-stats.js';

/** Request latency buckets, seconds: a cached GetModel answers in tens of microseconds, a training call in seconds. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const TRAINING_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** Input status codes as the `status` label of modelkeep_inputs. */
const INPUT_STATUS: Record<number, string> = {
  [Code.INPUT_PENDING]: 'pending',
  [Code.INPUT_IN_PROGRESS]: 'processing',
  [Code.INPUT_FAILED]: 'failed',
  [Code.INPUT_SUCCESS]: 'processed',
  [Code.INPUT_REINDEX_PENDING]: 'reindex_pending',
  [Code.INPUT_REINDEX_IN_PROGRESS]: 'reindexing',
  [Code.INPUT_REINDEX_FAILED]: 'reindex_failed',
  [Code.INPUT_REINDEX_SUCCESS]: 'reindexed',
};

/**
 * Every Prometheus metric of one process, in its own registry (no prom-client globals: tests start
 * several servers in one process). Names and labels are listed in README "Observability".
 * Counters and histograms count what this process did; the gauges of jobs and inputs are read from
 * the database at scrape time, so every process reports the same totals.
 */
export class Metrics implements CallObserver {
  readonly registry = new Registry();
  readonly #requests = new RequestStats(LATENCY_BUCKETS);
  readonly #cache: Counter<'result'>;
  readonly #cacheHit: { inc(): void };
  readonly #cacheMiss: { inc(): void };
  readonly #embedCalls: Counter<'embedder' | 'outcome'>;
  readonly #embedSeconds: Counter<'embedder'>;
  readonly #training: Histogram<'model_type' | 'outcome'>;

  constructor(stats: (() => Promise<StoreStats>) | undefined) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const requests = this.#requests;
    new Counter({
      name: 'modelkeep_requests_total',
      help: 'API calls answered, by RPC, transport and Clarifai status code (answers from the cache included).',
      labelNames: ['rpc', 'transport', 'code'],
      registers,
      collect() {
        this.reset();
        for (const s of requests.counts()) this.inc(s.labels, s.count);
      },
    });
    this.registry.registerMetric(
      requests.histogram('modelkeep_request_duration_seconds', 'Time from dispatch to answer, by RPC, transport and Clarifai status code.'),
    );
    this.#cache = new Counter({
      name: 'modelkeep_answer_cache_total',
      help: 'Lookups in the answer cache of the read RPCs, by result (hit or miss).',
      labelNames: ['result'],
      registers,
    });
    this.#cacheHit = this.#cache.labels('hit');
    this.#cacheMiss = this.#cache.labels('miss');
    this.#embedCalls = new Counter({
      name: 'modelkeep_embedder_calls_total',
      help: 'Embedder calls (one per batch of inputs), by embedder and outcome.',
      labelNames: ['embedder', 'outcome'],
      registers,
    });
    this.#embedSeconds = new Counter({
      name: 'modelkeep_embedder_seconds_total',
      help: 'Seconds spent in embedder calls, by embedder.',
      labelNames: ['embedder'],
      registers,
    });
    this.#training = new Histogram({
      name: 'modelkeep_training_duration_seconds',
      help: 'Duration of training attempts run by this process, by model type and outcome (succeeded, failed).',
      labelNames: ['model_type', 'outcome'],
      buckets: TRAINING_BUCKETS,
      registers,
    });
    if (stats) databaseGauges(registers, stats);
  }

  observe(o: CallOutcome): void {
    this.#requests.record(o);
  }

  cacheLookup(hit: boolean): void {
    (hit ? this.#cacheHit : this.#cacheMiss).inc();
  }

  embedderCall(embedderId: string, seconds: number, ok: boolean): void {
    this.#embedCalls.labels(embedderId, ok ? 'ok' : 'error').inc();
    this.#embedSeconds.labels(embedderId).inc(seconds);
  }

  trainingFinished(modelType: string, seconds: number, outcome: 'succeeded' | 'failed'): void {
    this.#training.labels(modelType, outcome).observe(seconds);
  }

  /** The download budget's gauges (MODELKEEP_FETCH_BUDGET_MB), read at scrape time. */
  watchFetchBudget(budget: ByteBudget): void {
    const registers = [this.registry];
    new Gauge({
      name: 'modelkeep_fetch_bytes_in_flight',
      help: 'Bytes of URL downloads (predict and input processing) this process holds now: reserved from MODELKEEP_FETCH_BUDGET_MB until dropped.',
      registers,
      collect() {
        this.set(budget.used);
      },
    });
    new Gauge({
      name: 'modelkeep_fetch_bytes_in_flight_peak',
      help: 'The most bytes of URL downloads this process has held at once since it started.',
      registers,
      collect() {
        this.set(budget.peak);
      },
    });
    new Gauge({
      name: 'modelkeep_fetch_budget_bytes',
      help: 'MODELKEEP_FETCH_BUDGET_MB in bytes: what modelkeep_fetch_bytes_in_flight never exceeds.',
      registers,
      collect() {
        this.set(budget.capacity);
      },
    });
    new Gauge({
      name: 'modelkeep_fetch_budget_waiting',
      help: 'URL downloads waiting for room in MODELKEEP_FETCH_BUDGET_MB now.',
      registers,
      collect() {
        this.set(budget.waiting);
      },
    });
  }

  /** The scrape: Prometheus text format 0.0.4. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * Gauges read from the store when scraped. One query serves all three: prom-client collects every
 * gauge of a scrape in turn, so the first to ask starts it and the others wait for the same answer.
 */
function databaseGauges(registers: Registry[], stats: () => Promise<StoreStats>): void {
  let pending: Promise<StoreStats | undefined> | undefined;
  const read = (): Promise<StoreStats | undefined> =>
    (pending ??= stats()
      .catch(() => undefined) // database down: the gauges go absent for this scrape, the scrape still answers
      .finally(() => setImmediate(() => (pending = undefined))));
  new Gauge({
    name: 'modelkeep_jobs',
    help: 'Jobs in the database, by kind and state (queued, running, succeeded, failed, cancelled).',
    labelNames: ['kind', 'state'],
    registers,
    async collect() {
      this.reset();
      for (const j of (await read())?.jobs ?? []) this.labels(j.kind, j.state).set(j.count);
    },
  });
  new Gauge({
    name: 'modelkeep_inputs',
    help: 'Inputs in the database, by processing status (pending 30001, processing 30003, failed 30002, processed 30000).',
    labelNames: ['status'],
    registers,
    async collect() {
      this.reset();
      for (const i of (await read())?.inputs ?? []) this.labels(INPUT_STATUS[i.statusCode] ?? String(i.statusCode)).set(i.count);
    },
  });
  new Gauge({
    name: 'modelkeep_db_pool_connections',
    help: "PostgreSQL connections of this process's pool, by state (in_use, idle), and callers waiting for one (waiting).",
    labelNames: ['state'],
    registers,
    async collect() {
      this.reset();
      const pool = (await read())?.pool;
      if (!pool) return;
      this.labels('in_use').set(pool.total - pool.idle);
      this.labels('idle').set(pool.idle);
      this.labels('waiting').set(pool.waiting);
    },
  });
}
