import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import type { Config } from '../config/config.js';
import { defaultModelTypes, ModelTypeRegistry } from '../domain/model-types/catalog.js';
import { parseRateLimit } from '../domain/token-bucket.js';
import { builtInEmbedders } from '../ml/embedders/registry.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { fetchPolicy } from '../processing/fetch-policy.js';
import { GuardedFetch } from '../processing/guarded-fetch.js';
import { InputProcessor } from '../processing/input-processor.js';
import { loadClarifaiProtos } from '../proto/load.js';
import { Admission } from '../service/admission.js';
import { LoadPressure } from '../runtime/load-pressure.js';
import { AppResolver } from '../service/app-resolver.js';
import { Authenticator } from '../service/auth.service.js';
import { Dispatcher } from '../service/dispatcher.js';
import { httpFetcher } from '../service/predict/fetch-url.js';
import { rpcTable } from '../service/rpc-table.js';
import { openStore, type OpenOptions } from '../storage/open-store.js';
import { bindGrpc, buildGrpcServer, grpcCredentials } from '../transport/grpc/server.js';
import { buildRestServer } from '../transport/rest/server.js';
import { bootstrapUsers, type BootstrapResult } from './bootstrap.js';
import { ensureSystemApp } from './system-app.js';
import { buildJobWorker, buildPlugins } from './training.js';
import { packageVersion } from './version.js';

/** Pool size, and a log line for every pooled connection the database drops (the pool reconnects by itself). */
function storeOptions(cfg: Config, log: Logger): OpenOptions {
  return { poolSize: cfg.dbPoolSize, onConnectionError: (err) => log.warn({ err: err.message }, 'database connection lost; reconnecting on next use') };
}

export interface Running {
  httpPort: number;
  grpcPort: number;
  store: Store;
  bootstrap: BootstrapResult;
  log: Logger;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  log?: Logger;
  /** How often the job worker polls for jobs queued by other processes (default 500 ms). */
  workerPollMs?: number;
}

/** What every URL fetch of this process goes through: MODELKEEP_FETCH_ALLOW / _DENY over the default refusals. */
const urlFetchAgent = (cfg: Config): GuardedFetch => new GuardedFetch(fetchPolicy(cfg.fetchAllow, cfg.fetchDeny));

/** Composition root: the only place that builds adapters and wires them together. */
export async function startModelkeep(cfg: Config, opts: StartOptions = {}): Promise<Running> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? pino({ level: cfg.logLevel });
  let ready = false;
  const protos = loadClarifaiProtos();
  if (cfg.databaseUrl.startsWith('sqlite:')) mkdirSync(cfg.dataDir, { recursive: true });
  const store = await openStore(cfg.databaseUrl, storeOptions(cfg, log));
  try {
    const bootstrap = await bootstrapUsers(store, { user: cfg.bootstrapUser, pat: cfg.bootstrapPat }, clock.now());
    const types = new ModelTypeRegistry(defaultModelTypes());
    const auth = new Authenticator(store.keys);
    const apps = new AppResolver(store.apps);
    const validScopes = new Set(Object.keys(protos.root.lookupEnum('clarifai.auth.scope.S').values));
    // Input processing runs where training runs (config.worker); without it, inputs wait in 30001 for a process that has it.
    // One fetcher per process for every URL fetch (input processing and predict): the address policy.
    const fetchAgent = urlFetchAgent(cfg);
    const inputProcessor = new InputProcessor(store, builtInEmbedders(), clock, log, fetchAgent);
    // The system app clarifai/main holds the built-in embedders (rows only: weights load on first use).
    await ensureSystemApp(store, builtInEmbedders(), clock.now());
    const plugins = buildPlugins(store, types, builtInEmbedders());
    const jobWorker = buildJobWorker(store, plugins, types, cfg, clock, log, opts.workerPollMs);
    const impls = rpcTable({ store, types, auth, apps, validScopes, onInputsAdded: () => inputProcessor.notify(), onJobQueued: () => jobWorker.notify(), plugins, strict2023: cfg.strict2023, fetchUrl: httpFetcher(fetchAgent), embedders: builtInEmbedders() });
    const pressure = new LoadPressure({ maxLoopDelayMs: cfg.shedLoopDelayMs, maxRssMb: cfg.shedRssMb });
    const admission = new Admission({ rateLimit: cfg.rateLimit ? parseRateLimit(cfg.rateLimit) : undefined, maxInFlight: cfg.maxInFlight, pressure });
    const dispatcher = new Dispatcher({ protos, impls, auth, apps, clock, log, changes: store.changes, admission });

    const tls = cfg.httpTlsCert && cfg.httpTlsKey ? { cert: readFileSync(cfg.httpTlsCert), key: readFileSync(cfg.httpTlsKey) } : undefined;
    const rest = buildRestServer(dispatcher, protos.rpcs.values(), { bodyLimitBytes: cfg.bodyLimitBytes, log, ready: () => ready, implemented: (rpc) => impls.has(rpc), tls, version: packageVersion() });
    await rest.listen({ host: cfg.host, port: cfg.httpPort });
    const grpcOpts = { maxMessageBytes: cfg.bodyLimitBytes, tlsCertFile: cfg.grpcTlsCert, tlsKeyFile: cfg.grpcTlsKey };
    const grpcServer = buildGrpcServer(dispatcher, protos, grpcOpts);
    let grpcPort: number;
    try {
      grpcPort = await bindGrpc(grpcServer, cfg.host, cfg.grpcPort, grpcCredentials(grpcOpts));
    } catch (e) {
      await rest.close();
      throw e;
    }
    if (cfg.worker) inputProcessor.start();
    if (cfg.worker) jobWorker.start();
    ready = true;
    const httpPort = (rest.server.address() as AddressInfo).port;
    let stopped = false;
    return {
      httpPort,
      grpcPort,
      store,
      bootstrap,
      log,
      async stop() {
        if (stopped) return;
        stopped = true;
        ready = false;
        await new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve()));
        await rest.close();
        await inputProcessor.stop();
        await jobWorker.stop();
        await fetchAgent.close();
        pressure.stop();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

export interface RunningWorker {
  /** Ids the job worker and the input processor record as lease owners. */
  workerId: string;
  store: Store;
  log: Logger;
  stop(): Promise<void>;
}

/**
 * `modelkeep worker`: the background half of a server without the API — training jobs and input
 * processing — for deployments that run several workers against one database.
 */
export async function startWorker(cfg: Config, opts: StartOptions = {}): Promise<RunningWorker> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? pino({ level: cfg.logLevel });
  if (cfg.databaseUrl.startsWith('sqlite:')) mkdirSync(cfg.dataDir, { recursive: true });
  const store = await openStore(cfg.databaseUrl, storeOptions(cfg, log));
  const types = new ModelTypeRegistry(defaultModelTypes());
  const fetchAgent = urlFetchAgent(cfg);
  const inputProcessor = new InputProcessor(store, builtInEmbedders(), clock, log, fetchAgent);
  const jobWorker = buildJobWorker(store, buildPlugins(store, types, builtInEmbedders()), types, cfg, clock, log);
  inputProcessor.start();
  jobWorker.start();
  let stopped = false;
  return {
    workerId: jobWorker.id,
    store,
    log,
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all([inputProcessor.stop(), jobWorker.stop()]);
      await fetchAgent.close();
      await store.close();
    },
  };
}
