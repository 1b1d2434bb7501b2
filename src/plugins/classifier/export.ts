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
import { zipPackage } from '../../ml/onnx/export-package.js';
import { HEAD_INPUT, HEAD_OUTPUT, linearHeadGraph } from '../../ml/onnx/head-graph.js';
import type { OnnxPackageConfig } from '../../ml/onnx/package-config.js';
import { SYSTEM_EMBEDDER_OWNER } from '../embedding.js';

/** The package's config: the embedder's vectors in, final scores out (the graph applies softmax or sigmoid and the bound itself). */
export function exportConfig(model: LinearModel, version: ModelVersion, embedder: Embedder): OnnxPackageConfig {
  return {
    input: { kind: 'embedding', name: HEAD_INPUT, size: model.d, base_embed_model: { ...SYSTEM_EMBEDDER_OWNER, id: embedder.id } },
    output: { kind: 'concepts', name: HEAD_OUTPUT, concepts: version.concepts.map((c) => c.id), activation: 'raw' },
  };
}

export async function exportClassifier(model: LinearModel, version: ModelVersion, embedder: Embedder): Promise<Uint8Array> {
  if (model.d !== embedder.dim || model.k !== version.concepts.length) {
    throw new ApiError(
      Code.MODEL_INVALID_ARGUMENT,
      `Model version '${version.id}' was trained on ${model.d}-dimension features for ${model.k} concepts, which does not match its embedder ${embedder.id} (${embedder.dim}) or its ${version.concepts.length} concepts, so it cannot be exported; train a new version.`,
    );
  }
  // Where the base embedder is itself an uploaded ONNX graph, ml/onnx/compose-graph.ts (prependEmbedder) makes the whole pipeline one graph.
  return zipPackage(linearHeadGraph(model), exportConfig(model, version, embedder));
}
