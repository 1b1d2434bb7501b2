// The embedder port: turns text or image bytes into fixed-length, L2-normalised vectors.
// Implementations load their models lazily (server start-up must stay fast) and share one load
// between concurrent first calls (see `lazy`).

export interface EmbedInput {
  text?: string;
  imageBytes?: Uint8Array;
}

export interface Embedder {
  /** The model id it serves, e.g. `general-text-embedding`. */
  id: string;
  /** Length of every vector it returns. */
  dim: number;
  kind: 'text' | 'image';
  /** False for one whose vectors input processing never stores (an uploaded embedder, decision 0040): training computes them. */
  readonly stored?: false;
  /** One L2-normalised vector per input, in order. Throws an EmbedInputError when an input is unusable. */
  embed(batch: EmbedInput[]): Promise<Float32Array[]>;
  /**
   * Optional: every input's own outcome in one pass. `embedSettled` uses it instead of retrying a
   * failed batch one input at a time (the pooled text embedder: such retries would all run on the
   * event loop).
   */
  settle?(batch: EmbedInput[]): Promise<EmbedOutcome[]>;
}

/** The input's own fault (missing field, undecodable bytes): `reason` tells the user what to fix. */
export class EmbedInputError extends Error {
  /** Position of the offending input in the batch passed to `embed`. */
  readonly index: number;
  /** The message without the position, for a status that is already per input. */
  readonly reason: string;
  constructor(reason: string, index: number) {
    super(`input ${index}: ${reason}`);
    this.name = 'EmbedInputError';
    this.index = index;
    this.reason = reason;
  }

  /** The same error (same class) re-positioned, e.g. from a one-input retry back to its batch index. */
  withIndex(index: number): this {
    const copy = Object.assign(Object.create(Object.getPrototypeOf(this) as object) as this, this, { index });
    copy.message = `input ${index}: ${this.reason}`;
    copy.stack = this.stack;
    return copy;
  }
}

export type EmbedOutcome = { ok: true; vector: Float32Array } | { ok: false; error: EmbedInputError };

/**
 * Embeds a batch but reports bad inputs one by one instead of failing them all, so that a caller
 * (PostModelOutputs, input processing) can give each input its own status. The fast path is one
 * batched call; only when an input is at fault does it fall back to one call per input.
 * Errors that are not the input's fault (model failed to load) are rethrown.
 */
export async function embedSettled(embedder: Embedder, batch: EmbedInput[]): Promise<EmbedOutcome[]> {
  if (embedder.settle) return embedder.settle(batch);
  try {
    return (await embedder.embed(batch)).map((vector) => ({ ok: true, vector }));
  } catch (err) {
    if (!(err instanceof EmbedInputError)) throw err;
  }
  const out: EmbedOutcome[] = [];
  for (const [index, input] of batch.entries()) {
    try {
      const [vector] = await embedder.embed([input]);
      if (!vector) throw new Error(`${embedder.id} returned no vector`);
      out.push({ ok: true, vector });
    } catch (err) {
      if (!(err instanceof EmbedInputError)) throw err;
      out.push({ ok: false, error: err.withIndex(index) });
    }
  }
  return out;
}

/**
 * Memoises an async loader: concurrent first calls share one promise. A failed load is forgotten,
 * so the next call retries instead of every later request failing with a stale error.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

/** Scales `v` in place to unit length; a zero vector stays zero. */
export function l2normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < v.length; i++) v[i]! *= inv;
  }
  return v;
}

/** Dot product; equals cosine similarity for the unit vectors embedders return. */
export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`dimension mismatch: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
