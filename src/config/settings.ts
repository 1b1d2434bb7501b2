/**
 * The settings table (the configuration contract): each setting's key in Config, its environment
 * variable, its flag, how it is parsed, and its help line. loadConfig (config.ts) reads it; the CLI
 * makes every server command's flags and help from it.
 */
import { SEARCH_INDEX_MODES } from '../domain/search-scan.js';
import type { Config } from './config.js';

export interface Setting {
  key: keyof Config;
  env: string;
  flag: string;
  kind: 'string' | 'port' | 'int' | 'bool' | 'enum';
  values?: readonly string[];
  min?: number;
  help: string;
}

/** The configuration contract: env names and flags users and scripts rely on. */
export const SETTINGS: readonly Setting[] = [
  { key: 'host', env: 'MODELKEEP_HOST', flag: 'host', kind: 'string', help: 'address both servers listen on (default 127.0.0.1)' },
  { key: 'httpPort', env: 'MODELKEEP_HTTP_PORT', flag: 'http-port', kind: 'port', help: 'REST port (default 8080; 0 = any free port)' },
  { key: 'grpcPort', env: 'MODELKEEP_GRPC_PORT', flag: 'grpc-port', kind: 'port', help: 'gRPC port (default 18080; 0 = any free port)' },
  { key: 'dataDir', env: 'MODELKEEP_DATA_DIR', flag: 'data-dir', kind: 'string', help: 'data directory (default ./data)' },
  {
    key: 'databaseUrl',
    env: 'MODELKEEP_DATABASE_URL',
    flag: 'database-url',
    kind: 'string',
    help: 'sqlite:<file> or postgres://… (default: SQLite file in the data dir)',
  },
  { key: 'httpTlsCert', env: 'MODELKEEP_HTTP_TLS_CERT', flag: 'http-tls-cert', kind: 'string', help: 'PEM certificate file: serve REST over HTTPS' },
  { key: 'httpTlsKey', env: 'MODELKEEP_HTTP_TLS_KEY', flag: 'http-tls-key', kind: 'string', help: 'PEM private key file for the REST certificate' },
  { key: 'grpcTlsCert', env: 'MODELKEEP_GRPC_TLS_CERT', flag: 'grpc-tls-cert', kind: 'string', help: 'PEM certificate file: serve gRPC over TLS' },
  { key: 'grpcTlsKey', env: 'MODELKEEP_GRPC_TLS_KEY', flag: 'grpc-tls-key', kind: 'string', help: 'PEM private key file for the certificate' },
  { key: 'bootstrapUser', env: 'MODELKEEP_BOOTSTRAP_USER', flag: 'bootstrap-user', kind: 'string', help: 'make sure this user exists at start' },
  {
    key: 'bootstrapPat',
    env: 'MODELKEEP_BOOTSTRAP_PAT',
    flag: 'bootstrap-pat',
    kind: 'string',
    help: 'make sure the bootstrap user has this personal access token',
  },
  {
    key: 'httpRequestTimeoutMs',
    env: 'MODELKEEP_HTTP_REQUEST_TIMEOUT_MS',
    flag: 'http-request-timeout-ms',
    kind: 'int',
    min: 100,
    help: 'ms a REST request may take to arrive in full before it is answered 408 (default 120000)',
  },
  {
    key: 'bodyLimitBytes',
    env: 'MODELKEEP_BODY_LIMIT_BYTES',
    flag: 'body-limit-bytes',
    kind: 'int',
    min: 1024,
    help: 'largest request body in bytes (default 33554432)',
  },
  {
    key: 'maxModelBytes',
    env: 'MODELKEEP_MAX_MODEL_BYTES',
    flag: 'max-model-bytes',
    kind: 'int',
    min: 1024,
    help: 'largest uploaded model package in bytes, also the most its files may unpack to (default 1073741824)',
  },
  {
    key: 'modelCacheMb',
    env: 'MODELKEEP_MODEL_CACHE_MB',
    flag: 'model-cache-mb',
    kind: 'int',
    min: 1,
    help: 'MiB of uploaded models kept loaded per process, least recently used out first (default 512)',
  },
  {
    key: 'logLevel',
    env: 'MODELKEEP_LOG_LEVEL',
    flag: 'log-level',
    kind: 'enum',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    help: 'log level (default info)',
  },
  { key: 'worker', env: 'MODELKEEP_WORKER', flag: 'worker', kind: 'bool', help: 'run the training worker in this process (default true; --no-worker)' },
  {
    key: 'workerConcurrency',
    env: 'MODELKEEP_WORKER_CONCURRENCY',
    flag: 'worker-concurrency',
    kind: 'int',
    min: 1,
    help: 'training jobs a worker runs at once (default 1)',
  },
  {
    key: 'dbPoolSize',
    env: 'MODELKEEP_DB_POOL_SIZE',
    flag: 'db-pool-size',
    kind: 'int',
    min: 1,
    help: 'PostgreSQL connections this process keeps at most (default 10)',
  },
  {
    key: 'jobLeaseMs',
    env: 'MODELKEEP_JOB_LEASE_MS',
    flag: 'job-lease-ms',
    kind: 'int',
    min: 1000,
    help: 'ms a job stays with a worker that stopped heart-beating before another takes it (default 30000)',
  },
  {
    key: 'fetchAllow',
    env: 'MODELKEEP_FETCH_ALLOW',
    flag: 'fetch-allow',
    kind: 'string',
    help: 'CIDR list URL fetches may reach although refused by default (e.g. 127.0.0.1/32 for a local test server)',
  },
  {
    key: 'fetchDeny',
    env: 'MODELKEEP_FETCH_DENY',
    flag: 'fetch-deny',
    kind: 'string',
    help: 'CIDR list URL fetches must not reach (e.g. 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16)',
  },
  {
    key: 'fetchBudgetMb',
    env: 'MODELKEEP_FETCH_BUDGET_MB',
    flag: 'fetch-budget-mb',
    kind: 'int',
    min: 1,
    help: 'MiB of image / text URL downloads one process holds at once, all requests together; a download waits for room within its time limit (default 256)',
  },
  {
    key: 'rateLimit',
    env: 'MODELKEEP_RATE_LIMIT',
    flag: 'rate-limit',
    kind: 'string',
    help: 'per-key requests per second, optionally /burst ("20" or "20/50"); over it: 11005, HTTP 429 (default off)',
  },
  {
    key: 'maxInFlight',
    env: 'MODELKEEP_MAX_IN_FLIGHT',
    flag: 'max-in-flight',
    kind: 'int',
    min: 1,
    help: 'calls one process works on at once before new ones get 10030 / HTTP 503 (default 1000)',
  },
  {
    key: 'inferenceThreads',
    env: 'MODELKEEP_INFERENCE_THREADS',
    flag: 'inference-threads',
    kind: 'int',
    min: 0,
    help: 'worker threads for image inference, each queueing at most 256 images before new ones get 10030 / HTTP 503; 0 = on the event loop (default: cores - 1, at least 1)',
  },
  {
    key: 'searchIndex',
    env: 'MODELKEEP_SEARCH_INDEX',
    flag: 'search-index',
    kind: 'enum',
    values: SEARCH_INDEX_MODES,
    help: 'how ranked searches scan the stored vectors: exact, hnsw (an approximate graph per app and embedder, built in the background) or auto (hnsw from 10,000 vectors; default)',
  },
  {
    key: 'publicUrl',
    env: 'MODELKEEP_PUBLIC_URL',
    flag: 'public-url',
    kind: 'string',
    help: "base URL clients reach the REST port at, for uploaded images' image.url (default http(s)://<host>:<http port>)",
  },
  {
    key: 'corsOrigins',
    env: 'MODELKEEP_CORS_ORIGINS',
    flag: 'cors-origins',
    kind: 'string',
    help: 'origins whose browser pages may call REST: comma list (https://app.example.com) or * (default: CORS off)',
  },
  {
    key: 'shutdownGraceMs',
    env: 'MODELKEEP_SHUTDOWN_GRACE_MS',
    flag: 'shutdown-grace-ms',
    kind: 'int',
    min: 0,
    help: 'ms a stopping server lets requests in flight finish (default 10000)',
  },
  {
    key: 'shedLoopDelayMs',
    env: 'MODELKEEP_SHED_LOOP_DELAY_MS',
    flag: 'shed-loop-delay-ms',
    kind: 'int',
    min: 0,
    help: 'new calls get 10030 / HTTP 503 while the event loop was held up longer than this in the last 0.5 s (default 0 = off)',
  },
  {
    key: 'shedRssMb',
    env: 'MODELKEEP_SHED_RSS_MB',
    flag: 'shed-rss-mb',
    kind: 'int',
    min: 0,
    help: 'new calls get 10030 / HTTP 503 while the process uses more memory than this, in MiB (default 0 = off)',
  },
  {
    key: 'logFormat',
    env: 'MODELKEEP_LOG_FORMAT',
    flag: 'log-format',
    kind: 'enum',
    values: ['json', 'pretty'],
    help: 'json or pretty (default: pretty on a terminal, json otherwise)',
  },
  { key: 'metrics', env: 'MODELKEEP_METRICS', flag: 'metrics', kind: 'bool', help: 'Prometheus metrics at GET /metrics (default true; --no-metrics)' },
  {
    key: 'metricsPort',
    env: 'MODELKEEP_METRICS_PORT',
    flag: 'metrics-port',
    kind: 'port',
    help: 'serve /metrics on this port instead of the REST port (same host)',
  },
  {
    key: 'strict2023',
    env: 'MODELKEEP_STRICT_2023',
    flag: 'strict-2023',
    kind: 'bool',
    help: 'refuse pre-2023 request shapes (e.g. predict settings at model.output_info) with 21202 (default false)',
  },
];
