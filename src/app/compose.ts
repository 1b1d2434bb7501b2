import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { parseCorsOrigins } from '../config/cors-origins.js';
import type { Job } from '../domain/entities.js';
import { defaultModelTypes, ModelTypeRegistry } from '../domain/model-types/catalog.js';
import { parseRateLimit } from '../domain/token-bucket.js';
import type { ByteBudget } from '../net/byte-budget.js';
import { instrumentEmbedders } from '../observe/embedders.js';
import { Metrics } from '../observe/metrics.js';
import { serveMetrics } from '../observe/metrics-server.js';
import { allOf, requestLog, type TransportStatus } from '../observe/request-log.js';
import { systemClock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { InputProcessor } from '../processing/input-processor.js';
import { loadClarifaiProtos } from '../proto/load.js';
import { messageCodec } from '../proto/message-codec.js';
import { LoadPressure } from '../runtime/load-pressure.js';
import { Admission } from '../service/access/admission.js';
import { AppResolver } from '../service/access/app-resolver.js';
import { Authenticator } from '../service/access/auth.service.js';
import { Dispatcher } from '../service/core/dispatcher.js';
import { rpcTable, type ServiceDeps, streamTable } from '../service/core/rpc-table.js';
import { exportDownloader } from '../service/exports/export-download.js';
import { httpFetcher } from '../service/predict/fetch-url.js';
import { AnswerCache } from '../service/reuse/answer-cache.js';
import { baseEmbedderLookup } from '../service/rpc/base-workflow.js';
import { exportReader } from '../service/rpc/export-download.js';
import { hostedImageReader } from '../service/rpc/hosted-images.js';
import { removeStaleUploads } from '../service/rpc/model-upload.service.js';
import { openStore } from '../storage/open-store.js';
import { addHealthService } from '../transport/grpc/health.js';
import { addReflectionService } from '../transport/grpc/reflection.js';
import { bindGrpc, buildGrpcServer, grpcCredentials, grpcStatusFor } from '../transport/grpc/server.js';
import { httpStatusFor } from '../transport/rest/http-status.js';
import { openApiDocument } from '../transport/rest/openapi/document.js';
import { buildRestServer } from '../transport/rest/server.js';
import { type BootstrapResult, bootstrapUsers } from './bootstrap.js';
import { routeGrpcLogs } from './grpc-logs.js';
import { fetchBudgetOf, processLogger, type StartOptions, storeOptions, trainingFinished, urlFetchAgent } from './process-parts.js';
import { ReadinessProbe } from './readiness.js';
import { withinGrace } from './shutdown.js';
import { listenError } from './startup-error.js';
import { ensureSystemApp } from './system-app.js';
import { buildJobWorker, buildPlugins, serverInference } from './training.js';
import { packageVersion } from './version.js';

export interface Running {
  httpPort: number;
  grpcPort: number;
  /** The port of MODELKEEP_METRICS_PORT's server, when one runs. */
  metricsPort: number | undefined;
  /** This process's metrics (undefined with --no-metrics). */
  metrics: Metrics | undefined;
  /** The download budget every URL fetch of this process reserves from (MODELKEEP_FETCH_BUDGET_MB). */
  fetchBudget: ByteBudget;
  store: Store;
  bootstrap: BootstrapResult;
  log: Logger;
  stop(): Promise<void>;
}

/** The status each transport answered a call with, from the transports' own tables (for request log lines). */
const transportStatus: TransportStatus = (transport, o) => (transport === 'rest' ? httpStatusFor(o.code) : grpcStatusFor(o));

/** A job committed by a request of this process: one log line (with the request's req_id), then the local worker is woken. */
function jobQueued(log: Logger, job: Job | undefined, wake: () => void): void {
  if (job) {
    const p = job.payload;
    log.info({ job: job.id, kind: job.kind, version: p.version_id, model_type: p.model_type_id, req_id: p.req_id }, 'job queued');
  }
  wake();
}

/** Answer-cache lookups: counted in the metrics, and each one a `trace` line. */
function cacheLookups(metrics: Metrics | undefined, log: Logger): (hit: boolean, key: string) => void {
  return (hit, key) => {
    metrics?.cacheLookup(hit);
    if (log.isLevelEnabled('trace')) log.trace({ hit, key: key.replaceAll('\u0000', ' ') }, 'answer cache');
  };
}

/** Composition root: the only place that builds adapters and wires them together. */
export async function startModelkeep(cfg: Config, opts: StartOptions = {}): Promise<Running> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? processLogger(cfg);
  for (const w of cfg.warnings) log.warn(w);
  routeGrpcLogs(log);
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
    const metrics = cfg.metrics ? new Metrics(store.stats ? () => store.stats!() : undefined) : undefined;
    // One download budget per process too, shared by input processing and predict.
    const fetchBudget = fetchBudgetOf(cfg, metrics);
    // MODELKEEP_INFERENCE_THREADS: image inference on worker threads (started on the first image, so nothing to end if start fails).
    const inference = serverInference(cfg);
    const embedders = instrumentEmbedders(inference.embedders, metrics && ((id, s, ok) => metrics.embedderCall(id, s, ok)));
    const inputProcessor = new InputProcessor(store, embedders, clock, log, fetchAgent, {
      fetchBudget,
      embedderFor: baseEmbedderLookup(store, embedders, types),
    });
    // The system app clarifai/main holds the built-in embedders (rows only: weights load on first use).
    await ensureSystemApp(store, embedders, clock.now());
    // Upload files a process left when it died mid-upload (a day old at least: another process may be receiving one).
    void removeStaleUploads(clock.now()).then((n) => {
      if (n > 0) log.info({ removed: n }, 'removed model upload files left by a stopped process');
    });
    const plugins = buildPlugins(store, types, embedders, cfg, inference.onnx);
    const jobWorker = buildJobWorker(store, plugins, types, cfg, clock, log, opts.workerPollMs, trainingFinished(metrics));
    const answers = new AnswerCache(store.changes, undefined, cacheLookups(metrics, log));
    // Uploaded images' image.url points at this server's REST port, known once it listens (port 0 = any).
    let hostedBase = cfg.publicUrl?.replace(/\/+$/, '');
    const services: ServiceDeps = {
      store,
      types,
      auth,
      apps,
      validScopes,
      onInputsAdded: () => inputProcessor.notify(),
      onJobQueued: (job) => jobQueued(log, job, () => jobWorker.notify()),
      plugins,
      strict2023: cfg.strict2023,
      fetchUrl: httpFetcher(fetchAgent, fetchBudget),
      fetchBudget,
      answers,
      hostedBase: () => hostedBase,
      embedders,
      maxModelBytes: cfg.maxModelBytes,
      encodeInputBatch: messageCodec(protos.type('clarifai.api.InputBatch')).encode,
      searchIndex: cfg.searchIndex,
    };
    const impls = rpcTable(services);
    const streams = streamTable(services);
    const pressure = new LoadPressure({ maxLoopDelayMs: cfg.shedLoopDelayMs, maxRssMb: cfg.shedRssMb });
    const admission = new Admission({ rateLimit: cfg.rateLimit ? parseRateLimit(cfg.rateLimit) : undefined, maxInFlight: cfg.maxInFlight, pressure });
    const observer = allOf([requestLog(log, transportStatus), metrics]);
    const dispatcher = new Dispatcher({ protos, impls, streams, auth, apps, clock, log, changes: store.changes, admission, observer });
    const scrape = metrics ? () => metrics.scrape() : undefined;

    const tls = cfg.httpTlsCert && cfg.httpTlsKey ? { cert: readFileSync(cfg.httpTlsCert), key: readFileSync(cfg.httpTlsKey) } : undefined;
    const readiness = new ReadinessProbe(store);
    // PostgreSQL: start hearing other processes' writes now, so the first /readyz need not wait for it.
    store.changes.token();
    const onRestPort = cfg.metricsPort === undefined ? scrape : undefined;
    const rest = buildRestServer(dispatcher, protos.rpcs.values(), {
      bodyLimitBytes: cfg.bodyLimitBytes,
      requestTimeoutMs: cfg.httpRequestTimeoutMs,
      log,
      ready: () => ready,
      implemented: (rpc) => impls.has(rpc),
      tls,
      version: packageVersion(),
      metrics: onRestPort,
      hostedImages: hostedImageReader(store, dispatcher),
      exports: exportReader(store, dispatcher),
      datasetExports: exportDownloader(store, clock),
      readiness: () => readiness.check(),
      apiDocument: () =>
        openApiDocument(
          [...protos.rpcs.values()].filter((r) => impls.has(r.name)),
          { version: packageVersion() },
        ),
      corsOrigins: cfg.corsOrigins === undefined ? undefined : parseCorsOrigins(cfg.corsOrigins),
    });
    const grpcOpts = { maxMessageBytes: cfg.bodyLimitBytes, tlsCertFile: cfg.grpcTlsCert, tlsKeyFile: cfg.grpcTlsKey };
    const grpcServer = buildGrpcServer(dispatcher, protos, grpcOpts);
    const health = addHealthService(grpcServer, () => readiness.check());
    addReflectionService(grpcServer, protos.root);
    // gRPC binds first: a taken port then fails before anything has logged that it listens.
    let grpcPort: number;
    try {
      grpcPort = await bindGrpc(grpcServer, cfg.host, cfg.grpcPort, grpcCredentials(grpcOpts));
    } catch (e) {
      health.stop();
      pressure.stop();
      throw listenError(e, 'gRPC', cfg.host, cfg.grpcPort);
    }
    try {
      await rest.listen({ host: cfg.host, port: cfg.httpPort });
    } catch (e) {
      health.stop();
      pressure.stop();
      grpcServer.forceShutdown();
      await rest.close();
      throw listenError(e, 'REST', cfg.host, cfg.httpPort);
    }
    hostedBase ??= publicBaseOf(tls ? 'https' : 'http', cfg.host, (rest.server.address() as AddressInfo).port);
    let metricsServer: Awaited<ReturnType<typeof serveMetrics>> | undefined;
    try {
      if (scrape && cfg.metricsPort !== undefined) metricsServer = await serveMetrics(cfg.host, cfg.metricsPort, scrape);
    } catch (e) {
      health.stop();
      pressure.stop();
      grpcServer.forceShutdown();
      await rest.close();
      throw listenError(e, 'metrics', cfg.host, cfg.metricsPort ?? 0);
    }
    if (cfg.worker) inputProcessor.start();
    if (cfg.worker) jobWorker.start();
    ready = true;
    readiness.serving();
    void health.refresh();
    const httpPort = (rest.server.address() as AddressInfo).port;
    let stopping: Promise<void> | undefined;
    return {
      httpPort,
      grpcPort,
      metricsPort: metricsServer?.port,
      metrics,
      fetchBudget,
      store,
      bootstrap,
      log,
      stop: () =>
        (stopping ??= (async () => {
          ready = false;
          readiness.stopping();
          health.stop();
          // Both servers stop accepting at once and let the calls in flight finish; the worker hands its
          // jobs back meanwhile. The store closes last: requests still being answered need it.
          const drained = Promise.all([new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve())), rest.close()]);
          const background = Promise.all([inputProcessor.stop(), jobWorker.stop()]);
          if (!(await withinGrace(drained, cfg.shutdownGraceMs))) {
            log.warn({ graceMs: cfg.shutdownGraceMs }, 'requests still in flight after MODELKEEP_SHUTDOWN_GRACE_MS; closing their connections');
            grpcServer.forceShutdown();
            rest.server.closeAllConnections();
            // Their answers can no longer be sent: end the inference still queued for them (each fails at once).
            await inference.close();
            await drained.catch(() => undefined);
          }
          await metricsServer?.close();
          await background;
          // After the requests and jobs: nothing is left to embed.
          await inference.close();
          await fetchAgent.close();
          pressure.stop();
          await store.close();
          log.flush();
        })()),
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** http(s)://host:port of the REST port; a wildcard listen address is reached as loopback (set MODELKEEP_PUBLIC_URL for others). */
function publicBaseOf(scheme: 'http' | 'https', host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `${scheme}://${h.includes(':') ? `[${h}]` : h}:${port}`;
}
