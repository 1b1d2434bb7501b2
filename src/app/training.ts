import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { ModelTypeRegistry } from '../domain/model-types/registry.js';
import { buildModelVersionHandler } from '../jobs/build-model-version.js';
import { DEFAULT_EVALUATION_TIMEOUT_MS, evaluateModelVersionHandler } from '../jobs/evaluate-model-version.js';
import { DEFAULT_TRAINING_TIMEOUT_MS, trainModelVersionHandler } from '../jobs/train-model-version.js';
import { DEFAULT_WORKER_OPTIONS, Worker, type WorkerOptions } from '../jobs/worker.js';
import type { Embedder } from '../ml/embedders/embedder.js';
import { type ServerEmbedders, serverEmbedders } from '../ml/embedders/registry.js';
import { OnnxThreads } from '../ml/onnx/onnx-threads.js';
import { builtInPlugins } from '../plugins/index.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { StoreTrainingDataSource } from '../storage/training-data-source.js';

/**
 * Training and prediction wiring shared by `modelkeep serve` and `modelkeep worker` (part of the
 * composition root): the plugins over the store's artifacts and training data, and the job worker.
 */
export function buildPlugins(
  store: Store,
  types: ModelTypeRegistry,
  embedders: ReadonlyMap<string, Embedder>,
  cfg: Pick<Config, 'modelCacheMb'>,
  onnxThreads?: OnnxThreads,
): PluginRegistry {
  return builtInPlugins(types, {
    embedders,
    artifacts: store.artifacts,
    trainingData: new StoreTrainingDataSource(store),
    modelCacheBytes: cfg.modelCacheMb * 1024 * 1024,
    ...(onnxThreads ? { openOnnx: (key, model, config) => onnxThreads.open(key, model, config) } : {}),
    versions: {
      async find(userId, appId, modelId, versionId) {
        const model = await store.models.get(userId, appId, modelId);
        const version = model && (await store.versions.get(model.pk, versionId));
        return model && version ? { model, version } : undefined;
      },
    },
  });
}

/** The process's inference: the built-in embedders and, with MODELKEEP_INFERENCE_THREADS ≥ 1, the threads of uploaded models. */
export interface Inference extends ServerEmbedders {
  onnx: OnnxThreads | undefined;
}

export function serverInference(cfg: Pick<Config, 'inferenceThreads' | 'modelCacheMb'>): Inference {
  const base = serverEmbedders(cfg.inferenceThreads);
  const onnx = cfg.inferenceThreads >= 1 ? new OnnxThreads(cfg.inferenceThreads, cfg.modelCacheMb * 1024 * 1024) : undefined;
  return {
    embedders: base.embedders,
    onnx,
    async close() {
      await Promise.all([base.close(), onnx?.close()]);
    },
  };
}

/** `pollMs`: how often the worker looks for jobs other processes queued (its own wake it at once, see notify()). */
export function buildJobWorker(
  store: Store,
  plugins: PluginRegistry,
  types: ModelTypeRegistry,
  cfg: Config,
  clock: Clock,
  log: Logger,
  pollMs = DEFAULT_WORKER_OPTIONS.pollMs,
  onFinished?: WorkerOptions['onFinished'],
): Worker {
  const handlers = [
    trainModelVersionHandler({ plugins, types, defaultTimeoutMs: DEFAULT_TRAINING_TIMEOUT_MS }),
    evaluateModelVersionHandler({ plugins, types, timeoutMs: DEFAULT_EVALUATION_TIMEOUT_MS }),
    ...(plugins.packages ? [buildModelVersionHandler(plugins.packages)] : []),
  ];
  // The worker's own defaults (worker.ts) under what the configuration sets: one place for each value.
  return new Worker(store, handlers, clock, log, {
    ...DEFAULT_WORKER_OPTIONS,
    leaseMs: cfg.jobLeaseMs,
    concurrency: cfg.workerConcurrency,
    pollMs,
    onFinished,
  });
}
