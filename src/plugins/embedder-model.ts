import type { Model } from '../domain/entities.js';
import { ApiError } from '../domain/errors.js';
import { Code } from '../domain/status-codes.js';
import type { Embedder } from '../ml/embedders/embedder.js';
import type { ModelPlugin } from '../ports/plugins.js';
import { embedEach } from './embedding.js';

/**
 * visual-embedder / text-embedder: the built-in base models (`clarifai/main`), served by model id.
 * They are pretrained: versions are TRAINED from the start and predictions are `data.embeddings`.
 */
export function embedderModelPlugin(typeId: 'visual-embedder' | 'text-embedder', embedders: ReadonlyMap<string, Embedder>): ModelPlugin {
  const kind = typeId === 'visual-embedder' ? 'image' : 'text';
  const of = (m: Model): Embedder => {
    const e = embedders.get(m.id);
    if (!e || e.kind !== kind) {
      const ids = [...embedders.values()].filter((x) => x.kind === kind).map((x) => x.id);
      throw new ApiError(
        Code.MODEL_INVALID_ARGUMENT,
        `Model '${m.id}' (${typeId}) has no built-in weights on this server; the ${typeId} models are ${ids.join(', ')} in app clarifai/main.`,
      );
    }
    return e;
  };
  return {
    typeId,
    inputKind: (_v, m) => of(m).kind,
    embedderId: (_v, m) => of(m).id,
    async predict(call) {
      const vectors = await embedEach(of(call.model), call.inputs);
      return vectors.map((v) => (v instanceof Float32Array ? { ok: true, data: { embeddings: [v] } } : v));
    },
  };
}
