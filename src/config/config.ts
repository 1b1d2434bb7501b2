import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { SearchIndexMode } from '../domain/search-scan.js';
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

import { SETTINGS, type Setting } from './settings.js';

export { SETTINGS };

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
