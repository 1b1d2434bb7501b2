// Entry file of the text-embedding threads (pooled-text-embedder.ts): the hashing embedder of
// text-hashing.ts, the in-process code itself, on a slice of a batch's texts; one buffer of vectors back.
import { move } from 'piscina';
import { embedText, NO_WORDS, TEXT_DIM } from './text-hashing.js';

/** The texts of one slice of a batch. */
export interface TextTask {
  texts: string[];
}

/**
 * Row i (TEXT_DIM floats) is text i's vector. When every text had words, the buffer alone, moved
 * (piscina moves only a returned value itself); otherwise with the texts that had none (rows of 0),
 * copied.
 */
export type TextResult = Float32Array | { vectors: Float32Array; bad: { index: number; reason: string }[] };

export default function run(task: TextTask): TextResult {
  const vectors = new Float32Array(task.texts.length * TEXT_DIM);
  const bad: { index: number; reason: string }[] = [];
  task.texts.forEach((text, i) => {
    const v = embedText(text, TEXT_DIM);
    if (v) vectors.set(v, i * TEXT_DIM);
    else bad.push({ index: i, reason: NO_WORDS });
  });
  return bad.length === 0 ? (move(vectors) as unknown as Float32Array) : { vectors, bad };
}
