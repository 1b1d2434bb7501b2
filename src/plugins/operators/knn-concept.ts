import type { ModelVersion } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import type { ScoredConcept } from '../../domain/output-config.js';
import { Code } from '../../domain/status-codes.js';
import { dot, type Embedder } from '../../ml/embedders/embedder.js';
import type { ModelPlugin } from '../../ports/plugins.js';
import type { LabelledExample, TrainingDataSource } from '../../ports/training-data.js';
import { BoundedMap } from '../../runtime/bounded-map.js';
import { baseEmbedderOrThrow, embedEach } from '../embedding.js';

/** How long a version's labelled neighbours are reused between predict calls. */
const NEIGHBOUR_TTL_MS = 5_000;

/**
 * Votes of the k nearest labelled inputs (cosine similarity of unit vectors): a concept's value is
 * the similarity-weighted share of the neighbours labelled positively with it, in 0..1.
 */
export function knnScores(
  query: Float32Array,
  examples: readonly LabelledExample[],
  concepts: readonly { id: string; name: string }[],
  k: number,
): ScoredConcept[] {
  const nearest = examples
    .map((e) => ({ e, sim: dot(query, e.vector) }))
    .sort((a, b) => b.sim - a.sim || (a.e.inputId < b.e.inputId ? -1 : 1))
    .slice(0, k);
  const total = nearest.reduce((s, n) => s + Math.max(n.sim, 0), 0);
  return concepts.map((c) => {
    const votes = nearest.filter((n) => n.e.positives.includes(c.id)).reduce((s, n) => s + Math.max(n.sim, 0), 0);
    return { id: c.id, name: c.name, value: total > 0 ? votes / total : 0 };
  });
}

/** knn-concept: an operator (TRAINED at creation) that reads the app's labelled inputs at predict time. */
export function knnConceptPlugin(embedders: ReadonlyMap<string, Embedder>, data: TrainingDataSource): ModelPlugin {
  const cache = new BoundedMap<string, { until: number; examples: LabelledExample[] }>(256);
  const neighbours = async (v: ModelVersion, embedder: Embedder): Promise<LabelledExample[]> => {
    const hit = cache.get(v.pk);
    if (hit && hit.until > Date.now()) return hit.examples;
    const sel = await data.collect({ userId: v.userId, appId: v.appId, embedderId: embedder.id, conceptIds: v.concepts.map((c) => c.id) });
    const examples = sel.examples.filter((e) => e.vector.length === embedder.dim && e.positives.length > 0);
    cache.set(v.pk, { until: Date.now() + NEIGHBOUR_TTL_MS, examples });
    return examples;
  };
  return {
    typeId: 'knn-concept',
    inputKind: (v) => baseEmbedderOrThrow(v, embedders).kind,
    embedderId: (v) => baseEmbedderOrThrow(v, embedders).id,
    async predict(call) {
      const embedder = baseEmbedderOrThrow(call.version, embedders);
      const examples = await neighbours(call.version, embedder);
      if (examples.length === 0) {
        throw new ApiError(
          Code.MODEL_INVALID_ARGUMENT,
          `knn-concept model '${call.model.id}' has no neighbours to vote: no processed input of app '${call.version.appId}' is labelled positively with ${call.version.concepts.map((c) => c.id).join(', ')}. Add labelled inputs (PostInputs), then predict again.`,
        );
      }
      const k = typeof call.params.k === 'number' && call.params.k >= 1 ? Math.floor(call.params.k) : 5;
      const vectors = await embedEach(embedder, call.inputs);
      return vectors.map((v) => (v instanceof Float32Array ? { ok: true, data: { concepts: knnScores(v, examples, call.version.concepts, k) } } : v));
    },
  };
}
