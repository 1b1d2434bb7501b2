import { availableParallelism } from 'node:os';
import path from 'node:path';
import { SEARCH_INDEX_MODES, type SearchIndexMode } from '../domain/search-scan.js';
import { parseRateLimit } from '../domain/token-bucket.js';
import { parseCidrList } from '../net/fetch-policy.js';
import { parseCorsOrigins } from './cors-origins.js';
import { flagSuggestion, unknownEnvWarnings } from './unknown-env.js';

/** Every setting modelkeep reads, loaded once at boot and passed down (nothing else reads process.env). */
export interface Config {
  host: string;
  httpPort: number;
  grpcPort: number;
  dataDir: string;
  /** `sqlite:<file>` (default: <dataDir>/modelkeep.db) or `postgres://…`. */
  databaseUrl: string;
  httpTlsCert: string | undefined;
  httpTlsKey: string | undefined;
  grpcTlsCert: string | undefined;
  grpcTlsKey: string | undefined;
  bootstrapUser: string | undefined;
  bootstrapPat: string | undefined;
  /** Largest accepted REST body / gRPC message, bytes. */
  bodyLimitBytes: number;
  /** Largest uploaded model package (PostModelVersionsUpload), and the most its files may unpack to, bytes. */
  maxModelBytes: number;
  /** Uploaded models kept loaded per process, MiB of their packages (least recently used out first). */
  modelCacheMb: number;
  /** A REST request (headers and body) must arrive in full within this many ms, else 408 with a Clarifai status. */
  httpRequestTimeoutMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Run the training worker inside `serve` (off with --no-worker). */
  worker: boolean;
  /** Jobs one worker process runs at a time. */
  workerConcurrency: number;
  /** How long a claimed job stays with its worker without a heartbeat; a dead worker's job is retaken after it. */
  jobLeaseMs: number;
  /** PostgreSQL connections per process (API or worker); N processes open up to N × this many. */
  dbPoolSize: number;
  /**
   * Migration lint for code being ported to the 2023-01-20 API: pre-2023 request shapes that are
   * honoured by default, as Clarifai honours them, are refused with the precise 21202 instead.
   */
  strict2023: boolean;
  /** CIDR lists: ranges URL fetches may reach despite the default refusals / must not reach (fetch-policy.ts). */
  fetchAllow: string | undefined;
  fetchDeny: string | undefined;
  /** MiB of URL downloads (predict and input processing together) one process holds at most; a download waits for room. */
  fetchBudgetMb: number;
  /** Per-key requests per second and burst ("20" or "20/50"); undefined = off. */
  rateLimit: string | undefined;
  /** Unfinished calls one process works on before it answers new ones 10030 (load shedding). */
  maxInFlight: number;
  /**
   * Worker threads running image inference (the built-in image embedder's forward passes), off the
   * API's event loop; 0 = on the event loop, in-process. Default: cores − 1, at least 1.
   */
  inferenceThreads: number;
  /** How ranked searches scan the stored vectors (decision 0042): exact, an HNSW graph, or auto (the graph from 10,000 vectors of an app's embedder). */
  searchIndex: SearchIndexMode;
  /** Where clients reach this server's REST port (uploaded images' `image.url`); default http(s)://host:port. */
  publicUrl: string | undefined;
  /** Origins whose browser pages may call REST (CORS): a list, `*` for any; undefined = CORS off. */
  corsOrigins: string | undefined;
  /** How long a stopping process lets requests in flight finish before it closes their connections. */
  shutdownGraceMs: number;
  /** Said once at start (an unknown MODELKEEP_* variable); not a setting. */
  warnings: readonly string[];
  /** Shed new calls (10030) while the event loop's delay over the last half second exceeds this; 0 = off. */
  shedLoopDelayMs: number;
  /** Shed new calls (10030) while the process's RSS exceeds this many MiB; 0 = off. */
  shedRssMb: number;
  /** Log lines as JSON or for humans (pino-pretty); undefined = pretty on a terminal, JSON otherwise. */
  logFormat: 'json' | 'pretty' | undefined;
  /** Prometheus metrics at GET /metrics (off with --no-metrics). */
  metrics: boolean;
  /** Serve /metrics on this port of its own instead of the REST port (undefined = on the REST port). */
  metricsPort: number | undefined;
}

interface Setting {
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

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** MODELKEEP_INFERENCE_THREADS's default: one core stays for the event loop (and sharp's decoding). */
export function defaultInferenceThreads(cores: number = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

export const DEFAULTS: Omit<Config, 'databaseUrl' | 'warnings'> & { databaseUrl: string | undefined } = {
  host: '127.0.0.1',
  httpPort: 8080,
  grpcPort: 18080,
  dataDir: './data',
  databaseUrl: undefined,
  httpTlsCert: undefined,
  httpTlsKey: undefined,
  grpcTlsCert: undefined,
  grpcTlsKey: undefined,
  bootstrapUser: undefined,
  bootstrapPat: undefined,
  bodyLimitBytes: 32 * 1024 * 1024,
  maxModelBytes: 1024 * 1024 * 1024,
  modelCacheMb: 512,
  httpRequestTimeoutMs: 120_000,
  logLevel: 'info',
  worker: true,
  workerConcurrency: 1,
  jobLeaseMs: 30_000,
  dbPoolSize: 10,
  strict2023: false,
  fetchAllow: undefined,
  fetchDeny: undefined,
  fetchBudgetMb: 256,
  rateLimit: undefined,
  maxInFlight: 1000,
  inferenceThreads: defaultInferenceThreads(),
  searchIndex: 'auto',
  publicUrl: undefined,
  corsOrigins: undefined,
  shutdownGraceMs: 10_000,
  shedLoopDelayMs: 0,
  shedRssMb: 0,
  logFormat: undefined,
  metrics: true,
  metricsPort: undefined,
};

function parseValue(s: Setting, raw: string, source: string, problems: string[]): unknown {
  const bad = (why: string): undefined => {
    problems.push(`${source}: ${why} (got ${JSON.stringify(raw)})`);
    return undefined;
  };
  switch (s.kind) {
    case 'string':
      return raw === '' ? bad('must not be empty') : raw;
    case 'port': {
      const n = Number(raw);
      return /^\d+$/.test(raw) && n <= 65535 ? n : bad('must be a port number 0-65535');
    }
    case 'int': {
      const n = Number(raw);
      return /^\d+$/.test(raw) && n >= (s.min ?? 0) ? n : bad(`must be an integer >= ${s.min ?? 0}`);
    }
    case 'bool':
      if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
      if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
      return bad('must be true or false');
    case 'enum':
      return s.values?.includes(raw) ? raw : bad(`must be one of ${s.values?.join(', ')}`);
  }
}

/**
 * Builds the config from environment and CLI flags (flags win). Every invalid or unknown
 * setting is collected and reported at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv, flags: Record<string, string | boolean | undefined>): Config {
  const problems: string[] = [];
  const out: Record<string, unknown> = { ...DEFAULTS };
  const byFlag = new Map(SETTINGS.map((s) => [s.flag, s]));
  for (const s of SETTINGS) {
    const raw = env[s.env];
    if (raw !== undefined) {
      const v = parseValue(s, raw, s.env, problems);
      if (v !== undefined) out[s.key] = v;
    }
  }
  for (const [flag, raw] of Object.entries(flags)) {
    if (raw === undefined) continue;
    const negated = flag.startsWith('no-') ? byFlag.get(flag.slice(3)) : undefined;
    if (negated && negated.kind === 'bool') {
      out[negated.key] = false;
      continue;
    }
    const s = byFlag.get(flag);
    if (!s) {
      const near = flagSuggestion(flag, [...byFlag.keys()]);
      problems.push(`--${flag}: unknown option${near ? `; did you mean ${near}?` : ''} (--help lists the options)`);
      continue;
    }
    const v = typeof raw === 'boolean' ? (s.kind === 'bool' ? raw : parseValue(s, '', `--${flag}`, problems)) : parseValue(s, raw, `--${flag}`, problems);
    if (v !== undefined) out[s.key] = v;
  }
  const cfg = out as unknown as Config;
  cfg.warnings = unknownEnvWarnings(
    env,
    SETTINGS.map((s) => s.env),
  );
  if (!cfg.databaseUrl) cfg.databaseUrl = `sqlite:${path.join(cfg.dataDir, 'modelkeep.db')}`;
  else if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(cfg.databaseUrl))
    problems.push(`MODELKEEP_DATABASE_URL / --database-url: must start with sqlite: or postgres:// (got ${JSON.stringify(cfg.databaseUrl)})`);
  if (Boolean(cfg.httpTlsCert) !== Boolean(cfg.httpTlsKey)) problems.push('MODELKEEP_HTTP_TLS_CERT and MODELKEEP_HTTP_TLS_KEY must be set together');
  if (Boolean(cfg.grpcTlsCert) !== Boolean(cfg.grpcTlsKey)) problems.push('MODELKEEP_GRPC_TLS_CERT and MODELKEEP_GRPC_TLS_KEY must be set together');
  if (cfg.bootstrapPat && !cfg.bootstrapUser) problems.push('MODELKEEP_BOOTSTRAP_PAT needs MODELKEEP_BOOTSTRAP_USER');
  if (cfg.publicUrl !== undefined && !/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(cfg.publicUrl))
    problems.push(
      `MODELKEEP_PUBLIC_URL / --public-url: must be an http(s) URL without query, e.g. https://modelkeep.example.org (got ${JSON.stringify(cfg.publicUrl)})`,
    );
  if (cfg.bootstrapPat !== undefined && cfg.bootstrapPat.length < 16) problems.push('MODELKEEP_BOOTSTRAP_PAT: must be at least 16 characters');
  if (cfg.bootstrapUser !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(cfg.bootstrapUser))
    problems.push('MODELKEEP_BOOTSTRAP_USER: not a valid user id (letters, digits, _ and -)');
  for (const [env, list] of [
    ['MODELKEEP_FETCH_ALLOW', cfg.fetchAllow],
    ['MODELKEEP_FETCH_DENY', cfg.fetchDeny],
  ] as const) {
    try {
      parseCidrList(list);
    } catch (e) {
      problems.push(`${env}: ${(e as Error).message}`);
    }
  }
  if (cfg.rateLimit !== undefined) {
    try {
      parseRateLimit(cfg.rateLimit);
    } catch (e) {
      problems.push(`MODELKEEP_RATE_LIMIT: ${(e as Error).message}`);
    }
  }
  if (cfg.corsOrigins !== undefined) {
    try {
      parseCorsOrigins(cfg.corsOrigins);
    } catch (e) {
      problems.push(`MODELKEEP_CORS_ORIGINS: ${(e as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return cfg;
}
