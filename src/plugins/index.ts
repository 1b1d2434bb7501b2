import type { ModelTypeRegistry } from '../domain/model-types/registry.js';
import { IMAGE_EMBEDDER_ID, TEXT_EMBEDDER_ID } from '../ml/embedders/registry.js';
import { type ClassifierDeps, classifierPlugin } from './classifier/plugin.js';
import { clustererPlugin } from './clusterer.js';
import { embedderModelPlugin } from './embedder-model.js';
import { uploadedBaseEmbedders, type VersionFinder } from './onnx/base-embedders.js';
import { type PackageRuntimeDeps, packageRuntime } from './onnx/package-runtime.js';
import { conceptThresholderPlugin } from './operators/concept-thresholder.js';
import { knnConceptPlugin } from './operators/knn-concept.js';
import { randomSamplePlugin } from './operators/random-sample.js';
import { PluginRegistry } from './registry.js';

export type { ModelPlugin } from '../ports/plugins.js';
export { PluginRegistry } from './registry.js';

export interface PluginDeps extends ClassifierDeps {
  /** Uploaded models kept loaded (MODELKEEP_MODEL_CACHE_MB); without it, uploaded versions cannot run here. */
  modelCacheBytes?: number;
  /** Where uploaded models' sessions run (the inference threads); default this thread. */
  openOnnx?: PackageRuntimeDeps['open'];
  /** Finds the uploaded embedder version an embedding-classifier is based on (decision 0040). */
  versions?: VersionFinder;
}

/** One plugin per model type modelkeep can run (the catalog also lists types it cannot, e.g. visual-detector). */
export function builtInPlugins(types: ModelTypeRegistry, deps: PluginDeps): PluginRegistry {
  const thresholder = types.get('concept-thresholder');
  if (!thresholder) throw new Error('the model type catalog has no concept-thresholder');
  const packages =
    deps.modelCacheBytes === undefined
      ? undefined
      : packageRuntime({
          artifacts: deps.artifacts,
          embedders: deps.embedders,
          cacheBytes: deps.modelCacheBytes,
          ...(deps.openOnnx ? { open: deps.openOnnx } : {}),
        });
  const uploadedBase = uploadedBaseEmbedders(packages, deps.versions, [...deps.embedders.keys()]);
  return new PluginRegistry(
    [
      classifierPlugin('embedding-classifier', { ...deps, uploadedBase }),
      classifierPlugin('text-classifier', deps, TEXT_EMBEDDER_ID),
      classifierPlugin('visual-classifier', deps, IMAGE_EMBEDDER_ID),
      embedderModelPlugin('visual-embedder', deps.embedders),
      embedderModelPlugin('text-embedder', deps.embedders),
      conceptThresholderPlugin(thresholder),
      randomSamplePlugin(),
      knnConceptPlugin(deps.embedders, deps.trainingData),
      clustererPlugin(deps),
    ],
    packages,
  );
}
