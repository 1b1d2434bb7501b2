/**
 * A trained classifier version as an exported package (decision 0041): its linear head as ONNX
 * (ml/onnx/head-graph.ts) taking the vectors of the built-in embedder it was trained on, named in
 * config.json's input.base_embed_model so an upload elsewhere feeds it the same vectors.
 */
import type { ModelVersion } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import type { LinearModel } from '../../ml/classifier/model.js';
import type { Embedder } from '../../ml/embedders/embedder.js';
import { IMAGE_EMBEDDER_ID } from '../../ml/embedders/image-mobilenet.js';
import { TEXT_EMBEDDER_ID } from '../../ml/embedders/text-hashing.js';
import { prependEmbedder } from '../../ml/onnx/compose-graph.js';
import { zipPackage } from '../../ml/onnx/export-package.js';
import { HEAD_INPUT, HEAD_OUTPUT, linearHeadGraph } from '../../ml/onnx/head-graph.js';
import type { StoredPackage } from '../../ml/onnx/package-blob.js';
import type { OnnxPackageConfig } from '../../ml/onnx/package-config.js';
import { SYSTEM_EMBEDDER_OWNER } from '../embedding.js';

/** The package's config: the embedder's vectors in, final scores out (the graph applies softmax or sigmoid and the bound itself). */
export function exportConfig(model: LinearModel, version: ModelVersion, embedder: Embedder): OnnxPackageConfig {
  return {
    input: { kind: 'embedding', name: HEAD_INPUT, size: model.d, base_embed_model: { ...SYSTEM_EMBEDDER_OWNER, id: embedder.id } },
    output: { kind: 'concepts', name: HEAD_OUTPUT, concepts: version.concepts.map((c) => c.id), activation: 'raw' },
  };
}

/** `base`: the stored package of the uploaded embedder the version was trained on (absent for a built-in). */
export async function exportClassifier(model: LinearModel, version: ModelVersion, embedder: Embedder, base?: StoredPackage): Promise<Uint8Array> {
  if (model.d !== embedder.dim || model.k !== version.concepts.length) {
    throw new ApiError(
      Code.MODEL_INVALID_ARGUMENT,
      `Model version '${version.id}' was trained on ${model.d}-dimension features for ${model.k} concepts, which does not match its embedder ${embedder.id} (${embedder.dim}) or its ${version.concepts.length} concepts, so it cannot be exported; train a new version.`,
    );
  }
  if (!base) return zipPackage(linearHeadGraph(model), exportConfig(model, version, embedder));
  return pipelinePackage(model, version, embedder, base);
}

/**
 * A head over an uploaded ONNX embedder: one graph from the embedder's own input to the scores
 * (ml/onnx/compose-graph.ts), L2-normalising the embedding between them as training did (decision
 * 0040), with the embedder's input config and tokenizer — so it runs without that embedder version.
 */
async function pipelinePackage(model: LinearModel, version: ModelVersion, embedder: Embedder, base: StoredPackage): Promise<Uint8Array> {
  if (base.config.output.kind !== 'embedding') throw new Error(`the base embedder of version ${version.pk} gives no embedding`);
  const composed = prependEmbedder(base.model, linearHeadGraph(model), { embedderOutput: base.config.output.name, normalise: true });
  const input = base.config.input;
  // An embedder over a built-in's vectors names that built-in, so the package is fed the same vectors anywhere.
  const named =
    input.kind === 'embedding' && !input.base_embed_model
      ? { ...input, base_embed_model: { ...SYSTEM_EMBEDDER_OWNER, id: embedder.kind === 'image' ? IMAGE_EMBEDDER_ID : TEXT_EMBEDDER_ID } }
      : input;
  const config: OnnxPackageConfig = {
    input: { ...named, name: composed.input },
    output: { kind: 'concepts', name: composed.output, concepts: version.concepts.map((c) => c.id), activation: 'raw' },
  };
  return zipPackage(composed.model, config, base.tokenizer);
}
