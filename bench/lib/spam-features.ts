// The SpamAssassin split as feature arrays: every text embedded once with modelkeep's built-in
// general-text-embedding (the vectors input processing stores), shared by benchmark #11 and row
// "6 real", and written as .npy arrays for bench/sklearn_baseline.py.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeNpy } from '../../src/ml/classifier/npy.js';
import { builtInEmbedders, TEXT_EMBEDDER_ID } from '../../src/ml/embedders/registry.js';
import type { BenchContext } from './runner.js';
import { CLASSES, type LabelledText, labelledTexts, loadCorpus, split } from './spam-corpus.js';

export interface SpamFeatures {
  seed: number;
  nMessages: number;
  duplicates: number;
  train: LabelledText[];
  test: LabelledText[];
  trainVectors: Float32Array[];
  testVectors: Float32Array[];
  embedderId: string;
  dim: number;
  /** Set when only every `step`-th text of each side was kept (smoke runs). */
  subsample?: { step: number; ofTrain: number; ofTest: number };
}

/**
 * Loads the corpus, splits it (seed, default 42) and embeds both sides. `subsampleStep` keeps every
 * n-th text of each side (the split is ordered by class, so both classes stay represented).
 */
export async function prepareSpamFeatures(opts: { seed?: number; progress?: (msg: string) => void; subsampleStep?: number } = {}): Promise<SpamFeatures> {
  const seed = opts.seed ?? 42;
  const progress = opts.progress ?? (() => {});
  const emails = loadCorpus();
  const { texts, duplicates } = labelledTexts(emails);
  let { train, test } = split(texts, seed);
  progress(`${emails.length} messages, ${duplicates} duplicate texts dropped; ${train.length} train / ${test.length} test (seed ${seed})`);
  let subsample: SpamFeatures['subsample'];
  const step = opts.subsampleStep ?? 1;
  if (step > 1) {
    subsample = { step, ofTrain: train.length, ofTest: test.length };
    train = train.filter((_, i) => i % step === 0);
    test = test.filter((_, i) => i % step === 0);
    progress(`kept every ${step}th text: ${train.length} train / ${test.length} test`);
  }

  const embedder = builtInEmbedders().get(TEXT_EMBEDDER_ID)!;
  const t0 = performance.now();
  const trainVectors = await embedder.embed(train.map((t) => ({ text: t.text })));
  const testVectors = await embedder.embed(test.map((t) => ({ text: t.text })));
  progress(`embedded ${train.length + test.length} texts with ${TEXT_EMBEDDER_ID} (${embedder.dim}-d) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return {
    seed,
    nMessages: emails.length,
    duplicates,
    train,
    test,
    trainVectors,
    testVectors,
    embedderId: TEXT_EMBEDDER_ID,
    dim: embedder.dim,
    ...(subsample ? { subsample } : {}),
  };
}

/** The full split's features, embedded once per bench run (#11 and row "6 real" share them). */
export async function sharedSpamFeatures(ctx: BenchContext, seed = 42): Promise<SpamFeatures> {
  const key = `spam-features:${seed}`;
  const cached = ctx.shared.get(key) as Promise<SpamFeatures> | undefined;
  if (cached) {
    ctx.progress(`reusing the SpamAssassin split (seed ${seed}) and its embeddings from an earlier benchmark of this run`);
    return cached;
  }
  const made = prepareSpamFeatures({ seed, progress: ctx.progress });
  ctx.shared.set(key, made);
  made.catch(() => ctx.shared.delete(key));
  return made;
}

/**
 * Writes `dir/X.npy` (float32, n × d: the training rows first, then the held-out rows), `dir/y.npy`
 * (int32 class index over CLASSES) and `dir/meta.json` with trainCount — the layout
 * bench/sklearn_baseline.py reads (first trainCount rows train, the rest test).
 */
export function writeSpamDataset(dir: string, f: SpamFeatures): void {
  const rows = [...f.trainVectors, ...f.testVectors];
  const labels = [...f.train, ...f.test];
  const n = rows.length;
  const x = new Float32Array(n * f.dim);
  rows.forEach((v, i) => x.set(v, i * f.dim));
  const y = Int32Array.from(labels, (t) => CLASSES.indexOf(t.label));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'X.npy'), encodeNpy(x, [n, f.dim]));
  writeFileSync(path.join(dir, 'y.npy'), encodeNpy(y, [n]));
  const meta = {
    n,
    d: f.dim,
    k: CLASSES.length,
    classes: CLASSES,
    seed: f.seed,
    trainCount: f.train.length,
    split: 'first trainCount rows train, remaining rows test (stratified seeded split of bench/lib/spam-corpus.ts)',
  };
  writeFileSync(path.join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
}
