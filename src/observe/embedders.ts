import type { Embedder } from '../ml/embedders/embedder.js';

export type EmbedderCalls = (embedderId: string, seconds: number, ok: boolean) => void;

/**
 * The same embedders, each call timed and reported (modelkeep_embedder_calls_total / _seconds_total).
 * The instances inside are the process's own (weights load once); only `embed` (and `settle`) are wrapped.
 */
export function instrumentEmbedders(embedders: ReadonlyMap<string, Embedder>, report: EmbedderCalls | undefined): ReadonlyMap<string, Embedder> {
  if (!report) return embedders;
  const out = new Map<string, Embedder>();
  for (const [id, e] of embedders) {
    const timed = async <T>(call: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      let ok = false;
      try {
        const got = await call();
        ok = true;
        return got;
      } finally {
        report(e.id, (performance.now() - started) / 1000, ok);
      }
    };
    const settle = e.settle?.bind(e);
    out.set(id, {
      id: e.id,
      dim: e.dim,
      kind: e.kind,
      embed: (batch) => timed(() => e.embed(batch)),
      ...(settle ? { settle: (batch: Parameters<typeof settle>[0]) => timed(() => settle(batch)) } : {}),
    });
  }
  return out;
}
