import type { Embedder } from '../ml/embedders/embedder.js';

export type EmbedderCalls = (embedderId: string, seconds: number, ok: boolean) => void;

/**
 * The same embedders, each call timed and reported (modelkeep_embedder_calls_total / _seconds_total).
 * The instances inside are the process's own (weights load once); only `embed` is wrapped.
 */
export function instrumentEmbedders(embedders: ReadonlyMap<string, Embedder>, report: EmbedderCalls | undefined): ReadonlyMap<string, Embedder> {
  if (!report) return embedders;
  const out = new Map<string, Embedder>();
  for (const [id, e] of embedders) {
    out.set(id, {
      id: e.id,
      dim: e.dim,
      kind: e.kind,
      async embed(batch) {
        const started = performance.now();
        let ok = false;
        try {
          const vectors = await e.embed(batch);
          ok = true;
          return vectors;
        } finally {
          report(e.id, (performance.now() - started) / 1000, ok);
        }
      },
    });
  }
  return out;
}
