// Entry file of the text-embedding threads (pooled-text-embedder.ts): the hashing embedder of
// text-hashing.ts, the in-process code itself, on a batch's texts; one buffer of vectors back, moved.
import { move } from 'piscina';
import { EmbedInputError } from './embedder.js';
import { HashingTextEmbedder } from './text-hashing.js';

const embedder = new HashingTextEmbedder();

/** The texts of one slice of a batch. */
export interface TextTask {
  texts: string[];
}

/** Row i (dim floats) is text i's vector; or the first text without anything to embed. */
export type TextResult = Float32Array | { bad: { index: number; reason: string } };

export default async function run(task: TextTask): Promise<TextResult> {
  let vs: Float32Array[];
  try {
    vs = await embedder.embed(task.texts.map((text) => ({ text })));
  } catch (e) {
    // The error's class does not cross the thread boundary: its index and reason do.
    if (e instanceof EmbedInputError) return { bad: { index: e.index, reason: e.reason } };
    throw e;
  }
  const vectors = new Float32Array(vs.length * embedder.dim);
  vs.forEach((v, i) => vectors.set(v, i * embedder.dim));
  // Moved, not copied; piscina moves only a returned value itself, not one inside an object.
  return move(vectors) as unknown as Float32Array;
}
