// `general-text-embedding` for big batches on worker threads (issue 17, docs/decisions/0044). The
// hashing embedder costs about half a microsecond of CPU per character: a 128-text predict of short
// texts holds the event loop ~4 ms, which a thread hop would only lengthen, but one of 128 long texts
// (a request may carry 32 MB) would hold it for seconds. So a batch of at least POOLED_MIN_CHARS
// characters is cut into one slice per thread and embedded on the pool; smaller ones stay in-process.
import { InferencePool } from '../inference-pool.js';
import { type Embedder, type EmbedInput, EmbedInputError, type EmbedOutcome, embedSettled } from './embedder.js';
import { HashingTextEmbedder, noTextError, TEXT_DIM, TEXT_EMBEDDER_ID } from './text-hashing.js';
import type { TextResult, TextTask } from './text-worker.js';

/**
 * Batches of fewer characters are embedded on the calling thread. 32,768 characters are ~15–20 ms
 * of hashing on this machine, where the hop (piscina's dispatch, the texts cloned, the vectors moved
 * back) costs ~0.3 ms; below it the loop is held about as long as by sending a 100 KB answer (ADR 0044).
 */
export const POOLED_MIN_CHARS = 32_768;

/** Characters one thread may have waiting before new big batches are refused with 10030 (~30 s of work). */
export const QUEUED_CHARS_PER_THREAD = 64 * 1024 * 1024;

function workerFile(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './text-worker.ts' : './text-worker.js', import.meta.url);
}

export interface PooledTextEmbedderOptions {
  /** Worker threads (MODELKEEP_INFERENCE_THREADS, ≥ 1). */
  threads: number;
  /** Default POOLED_MIN_CHARS. */
  minPooledChars?: number;
  /** Characters waiting at most, all batches together (default threads × QUEUED_CHARS_PER_THREAD). */
  maxQueuedChars?: number;
}

function charsOf(batch: readonly EmbedInput[]): number {
  let chars = 0;
  for (const input of batch) chars += typeof input.text === 'string' ? input.text.length : 0;
  return chars;
}

/** Contiguous slices of about equal characters, at most `n` (fewer when there are fewer texts). */
export function slices(texts: readonly string[], n: number): { from: number; to: number }[] {
  const total = texts.reduce((s, t) => s + t.length, 0);
  const out: { from: number; to: number }[] = [];
  let from = 0;
  let seen = 0;
  for (let i = 0; i < texts.length; i++) {
    seen += texts[i]!.length;
    const left = texts.length - i - 1;
    if (out.length < n - 1 && left > 0 && seen >= (total * (out.length + 1)) / n) {
      out.push({ from, to: i + 1 });
      from = i + 1;
    }
  }
  out.push({ from, to: texts.length });
  return out;
}

/**
 * The text embedder of a server with inference threads: the vectors of HashingTextEmbedder (the
 * thread runs it), big batches off the event loop. The pool starts on the first big batch.
 */
export class PooledTextEmbedder implements Embedder {
  readonly id = TEXT_EMBEDDER_ID;
  readonly kind = 'text' as const;
  readonly dim = TEXT_DIM;
  readonly threads: number;
  readonly minPooledChars: number;
  readonly maxQueuedChars: number;
  private readonly inProcess = new HashingTextEmbedder();
  private readonly pool: InferencePool<TextTask, TextResult>;

  constructor(options: PooledTextEmbedderOptions) {
    this.threads = Math.max(1, Math.floor(options.threads));
    this.minPooledChars = options.minPooledChars ?? POOLED_MIN_CHARS;
    this.maxQueuedChars = Math.max(1, options.maxQueuedChars ?? this.threads * QUEUED_CHARS_PER_THREAD);
    this.pool = new InferencePool({ file: workerFile(), threads: this.threads, maxWaiting: this.maxQueuedChars });
  }

  /** Characters accepted for the threads and not finished yet (tests and metrics). */
  get queuedChars(): number {
    return this.pool.waiting;
  }

  async embed(batch: EmbedInput[]): Promise<Float32Array[]> {
    if (charsOf(batch) < this.minPooledChars) return this.inProcess.embed(batch);
    const outcomes = await this.settle(batch);
    // As in-process: the first input at fault fails the batch.
    const failed = outcomes.find((o) => !o.ok);
    if (failed) throw failed.error;
    return outcomes.map((o) => (o as { vector: Float32Array }).vector);
  }

  /** Every input's vector or its own EmbedInputError (index and reason as in-process), in one pass. */
  async settle(batch: EmbedInput[]): Promise<EmbedOutcome[]> {
    const chars = charsOf(batch);
    if (chars < this.minPooledChars) return embedSettled(this.inProcess, batch);
    const busy = (waiting: number) =>
      `The text embedder is busy: ${waiting} characters are waiting for its ${this.threads} inference threads and this request adds ${chars}, over the limit of ${this.maxQueuedChars}. Retry in a moment, or send smaller batches (MODELKEEP_INFERENCE_THREADS sets the threads).`;
    return this.pool.admit(chars, busy, async (run) => {
      const outcomes = new Array<EmbedOutcome>(batch.length);
      // Inputs without text are refused here, as in-process; the others go to the threads.
      const at: number[] = [];
      batch.forEach((input, i) => {
        if (typeof input.text === 'string') at.push(i);
        else outcomes[i] = { ok: false, error: noTextError(i) };
      });
      const texts = at.map((i) => batch[i]!.text as string);
      const parts = slices(texts, this.threads);
      const settled = await Promise.allSettled(parts.map((p) => run({ texts: texts.slice(p.from, p.to) })));
      const rejected = settled.find((s) => s.status === 'rejected');
      if (rejected) throw rejected.reason;
      for (const [k, s] of settled.entries()) {
        const r = (s as PromiseFulfilledResult<TextResult>).value;
        const vectors = r instanceof Float32Array ? r : r.vectors;
        const { from, to } = parts[k]!;
        if (vectors.length !== (to - from) * this.dim) throw new Error(`a text-embedding thread returned ${vectors.length} floats for ${to - from} texts`);
        // Views of the slice's one buffer: no copy.
        for (let i = from; i < to; i++) outcomes[at[i]!] = { ok: true, vector: vectors.subarray((i - from) * this.dim, (i - from + 1) * this.dim) };
        if (!(r instanceof Float32Array))
          for (const b of r.bad) outcomes[at[from + b.index]!] = { ok: false, error: new EmbedInputError(b.reason, at[from + b.index]!) };
      }
      return outcomes;
    });
  }

  /** Ends the threads; big batches after this answer 10030 (the server is stopping). */
  close(): Promise<void> {
    return this.pool.close();
  }
}
