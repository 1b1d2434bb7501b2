/**
 * The uploaded embedder an embedding-classifier version is based on (decision 0040): the version its
 * input_info.base_embed_model pins (PostModelVersions pinned it), run by the package runtime — on the
 * inference threads when the server has them.
 */
import { baseEmbedderRef } from '../../domain/base-embedder-ref.js';
import type { Model, ModelVersion } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import type { Embedder } from '../../ml/embedders/embedder.js';
import type { StoredPackage } from '../../ml/onnx/package-blob.js';
import { BoundedMap } from '../../runtime/bounded-map.js';
import type { OnnxPackageRuntime } from './package-runtime.js';

/** Finds a model of an app with one of its versions (the store, wired by the composition root). */
export interface VersionFinder {
  find(userId: string, appId: string, modelId: string, versionId: string): Promise<{ model: Model; version: ModelVersion } | undefined>;
}

/** An uploaded base embedder, and its stored package (what an export makes one pipeline graph with). */
export interface UploadedEmbedder extends Embedder {
  package(): Promise<StoredPackage>;
}

export const isUploaded = (e: Embedder): e is UploadedEmbedder => typeof (e as Partial<UploadedEmbedder>).package === 'function';

/** A version's uploaded base embedder; undefined when its base is built-in; a sentence when it cannot be used. */
export type UploadedBase = (version: ModelVersion) => Promise<UploadedEmbedder | string | undefined>;

export function uploadedBaseEmbedders(runtime: OnnxPackageRuntime | undefined, finder: VersionFinder | undefined, builtInIds: readonly string[]): UploadedBase {
  // Per classifier version: its pin never changes, and the pinned version cannot be deleted while it exists.
  const found = new BoundedMap<string, { model: Model; version: ModelVersion }>(64, true);
  return async (v) => {
    const ref = baseEmbedderRef(v.inputInfo, { userId: v.userId, appId: v.appId }, builtInIds);
    if (ref.kind === 'built-in') return undefined;
    if (ref.kind === 'elsewhere') {
      return `input_info.base_embed_model names model '${ref.modelId}' of app '${ref.userId}/${ref.appId}'; a base model is a built-in one of clarifai/main or an embedder model of this app`;
    }
    if (!ref.versionId)
      return `input_info.base_embed_model names model '${ref.modelId}' without a model_version.id; create a new version (PostModelVersions pins one)`;
    if (!runtime || !finder) return `input_info.base_embed_model names the uploaded model '${ref.modelId}', and this process runs no uploaded models`;
    let hit = found.get(v.pk);
    if (!hit) {
      hit = await finder.find(v.userId, v.appId, ref.modelId, ref.versionId);
      if (!hit) return `input_info.base_embed_model: version '${ref.versionId}' of model '${ref.modelId}' no longer exists in app '${v.userId}/${v.appId}'`;
      found.set(v.pk, hit);
    }
    try {
      const embedder = await runtime.embedderFor(hit.model, hit.version);
      const version = hit.version;
      return Object.assign(embedder, { package: () => runtime.packageOf(version) });
    } catch (e) {
      if (e instanceof ApiError) return `input_info.base_embed_model: ${e.details.replace(/\.$/, '')}`;
      throw e;
    }
  };
}
