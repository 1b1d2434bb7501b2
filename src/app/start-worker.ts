import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { defaultModelTypes, ModelTypeRegistry } from '../domain/model-types/catalog.js';
import { instrumentEmbedders } from '../observe/embedders.js';
import { Metrics } from '../observe/metrics.js';
import { serveMetrics } from '../observe/metrics-server.js';
import { systemClock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { InputProcessor } from '../processing/input-processor.js';
import { baseEmbedderLookup } from '../service/rpc/base-workflow.js';
import { openStore } from '../storage/open-store.js';
import { fetchBudgetOf, processLogger, type StartOptions, storeOptions, trainingFinished, urlFetchAgent } from './process-parts.js';
import { buildJobWorker, buildPlugins, serverInference } from './training.js';

export interface RunningWorker {
  /** Ids the job worker and the input processor record as lease owners. */
  workerId: string;
  /** The port of MODELKEEP_METRICS_PORT's server, when one runs. */
  metricsPort: number | undefined;
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
  const log = opts.log ?? processLogger(cfg);
  for (const w of cfg.warnings) log.warn(w);
  if (cfg.databaseUrl.startsWith('sqlite:')) mkdirSync(cfg.dataDir, { recursive: true });
  const store = await openStore(cfg.databaseUrl, storeOptions(cfg, log));
  const types = new ModelTypeRegistry(defaultModelTypes());
  const fetchAgent = urlFetchAgent(cfg);
  const metrics = cfg.metrics && cfg.metricsPort !== undefined ? new Metrics(store.stats ? () => store.stats!() : undefined) : undefined;
  const fetchBudget = fetchBudgetOf(cfg, metrics);
  const inference = serverInference(cfg);
  const embedders = instrumentEmbedders(inference.embedders, metrics && ((id, s, ok) => metrics.embedderCall(id, s, ok)));
  const inputProcessor = new InputProcessor(store, embedders, clock, log, fetchAgent, {
    fetchBudget,
    embedderFor: baseEmbedderLookup(store, embedders, types),
  });
  const jobWorker = buildJobWorker(
    store,
    buildPlugins(store, types, embedders, cfg, inference.onnx),
    types,
    cfg,
    clock,
    log,
    undefined,
    trainingFinished(metrics),
  );
  // A worker has no API port: its metrics are served only on MODELKEEP_METRICS_PORT.
  let metricsServer: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  try {
    if (metrics && cfg.metricsPort !== undefined) metricsServer = await serveMetrics(cfg.host, cfg.metricsPort, () => metrics.scrape());
  } catch (e) {
    await fetchAgent.close();
    await store.close();
    throw e;
  }
  inputProcessor.start();
  jobWorker.start();
  let stopped = false;
  return {
    workerId: jobWorker.id,
    metricsPort: metricsServer?.port,
    store,
    log,
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all([inputProcessor.stop(), jobWorker.stop()]);
      await inference.close();
      await metricsServer?.close();
      await fetchAgent.close();
      await store.close();
      log.flush();
    },
  };
}
