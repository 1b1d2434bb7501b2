// Rows "cal synth" and "cal spam" (issue 11, item 11): are a trained classifier's scores calibrated
// probabilities? Held-out Brier score and expected calibration error (top label, 10 bins; both
// defined in src/ml/classifier/calibration.ts and, identically, in bench/sklearn_baseline.py) of
// modelkeep's trainer against scikit-learn's LogisticRegression on the very same arrays and split:
//  - the synthetic set of #6 (10,000 × 1,280-d, 10 concepts, seed 42; first 80% train),
//  - the SpamAssassin features of #11 / "6 real" (4,729 train / 1,182 held out × 2,048-d),
//  - the acceptance sets: the text one (60 generated training sentences, 15 hand-written held-out,
//    3 topics, general-text-embedding) and the image one (72 drawn training images, 24 held out,
//    3 patterns, general-image-embedding); test/acceptance/text-topics.ts and pattern-images.ts.
//    With 15 / 24 held-out items their ECE is coarse (one item moves it by 1/15): reported, and
//    judged like the others.
// Subject: `node dist/ml/classifier/bench-run.js DIR` (train with the defaults, mutually
// exclusive, then predict the held-out rows). Baseline: both sklearn recipes (plain and
// standardized); for each figure the better recipe is the baseline. Both sides are deterministic
// (full-batch solvers, no sampling), so one run each; time is #6's business, not this row's.
// Target: Brier and ECE each ≤ sklearn's best (ratio = the worse of the two ratios, ≤ 1.0); the
// count of held-out scores that are exactly 0 or 1 is reported for both.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeDataset } from '../src/ml/classifier/bench-data.js';
import { encodeNpy } from '../src/ml/classifier/npy.js';
import { createRng } from '../src/ml/classifier/rng.js';
import type { EmbedInput } from '../src/ml/embedders/embedder.js';
import { builtInEmbedders, IMAGE_EMBEDDER_ID, TEXT_EMBEDDER_ID } from '../src/ml/embedders/registry.js';
import { drawSet, HELD_OUT_PER_CLASS, KINDS, TRAIN_PER_CLASS } from '../test/acceptance/pattern-images.js';
import { CONCEPTS, heldOutSentences, trainingSentences } from '../test/acceptance/text-topics.js';
import { REPO_ROOT, run } from './lib/proc.js';
import { type Bench, type BenchContext, type Row, verdict } from './lib/runner.js';
import { runSklearn, SKLEARN_HINT, type SklearnRecipe, sklearnMissing } from './lib/sklearn.js';
import { prepareSpamFeatures, sharedSpamFeatures, writeSpamDataset } from './lib/spam-features.js';

const SUBJECT = path.join(REPO_ROOT, 'dist', 'ml', 'classifier', 'bench-run.js');

interface Calibrated {
  accuracy: number;
  brier: number;
  ece: number;
  saturated: number;
  epochs?: number;
}

async function subject(dir: string): Promise<Calibrated> {
  const { stdout } = await run(process.execPath, [SUBJECT, dir], { timeoutMs: 600_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Calibrated;
}

const f4 = (x: number): string => x.toFixed(4);
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

async function compare(ctx: BenchContext, id: string, setName: string, dir: string, missing: string | undefined): Promise<Row> {
  const s = await subject(dir);
  const subjectText = `Brier ${f4(s.brier)}, ECE ${f4(s.ece)}`;
  const subjectNote = `modelkeep (trainer defaults, ${s.epochs ?? '?'} L-BFGS iterations): accuracy ${pct(s.accuracy)}, Brier ${f4(s.brier)}, ECE ${f4(s.ece)}, ${s.saturated} held-out scores exactly 0 or 1`;
  ctx.progress(`${id}: ${subjectNote}`);
  const what = `held-out calibration (Brier, ECE 10 bins), ${setName}`;
  if (missing) {
    return {
      id,
      what,
      baseline: 'skipped (no sklearn)',
      subject: subjectText,
      target: 'each ≤ sklearn',
      verdict: 'skipped',
      notes: [`baseline SKIPPED: ${missing}; install it with ${SKLEARN_HINT}`, subjectNote],
      data: { subject: s },
    };
  }
  const sk = await runSklearn(dir);
  const best = (key: 'brier' | 'ece'): SklearnRecipe => sk.recipes.reduce((a, b) => (b[key] < a[key] ? b : a));
  const bb = best('brier'),
    be = best('ece');
  const notes = sk.recipes.map(
    (r) =>
      `sklearn ${r.recipe} (${r.n_iter} lbfgs iterations${r.converged ? '' : ', NOT converged'}): accuracy ${pct(r.accuracy)}, Brier ${f4(r.brier)}, ECE ${f4(r.ece)}, ${r.saturated} held-out scores exactly 0 or 1`,
  );
  for (const n of notes) ctx.progress(`${id}: ${n}`);
  const ratio = Math.max(s.brier / bb.brier, s.ece / be.ece);
  return {
    id,
    what,
    baseline: `Brier ${f4(bb.brier)} (sklearn ${bb.recipe}), ECE ${f4(be.ece)} (sklearn ${be.recipe})`,
    subject: subjectText,
    ratio,
    target: 'each ≤ sklearn (≤ 1.0)',
    verdict: verdict(ratio, '<=', 1.0),
    notes: [
      subjectNote,
      ...notes,
      `ratio = max(Brier ratio ${f4(s.brier / bb.brier)}, ECE ratio ${f4(s.ece / be.ece)}); both sides deterministic, one run each; Brier = mean Σ_c (p_c − [y = c])²`,
    ],
    data: { subject: s, sklearn: sk },
  };
}

/** Embeds training then held-out inputs and writes the X.npy / y.npy / meta.json the two sides read. */
async function writeEmbedded(
  dir: string,
  embedderId: string,
  train: { input: EmbedInput; y: number }[],
  test: { input: EmbedInput; y: number }[],
  k: number,
): Promise<void> {
  const embedder = builtInEmbedders().get(embedderId)!;
  const all = [...train, ...test];
  const vectors = await embedder.embed(all.map((r) => r.input));
  const x = new Float32Array(all.length * embedder.dim);
  vectors.forEach((v, i) => x.set(v, i * embedder.dim));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'X.npy'), encodeNpy(x, [all.length, embedder.dim]));
  writeFileSync(
    path.join(dir, 'y.npy'),
    encodeNpy(
      Int32Array.from(all, (r) => r.y),
      [all.length],
    ),
  );
  writeFileSync(path.join(dir, 'meta.json'), `${JSON.stringify({ n: all.length, d: embedder.dim, k, trainCount: train.length })}\n`);
}

export const calibrationBench: Bench = {
  id: 'calibration',
  rows: '#cal',
  title: 'calibrated scores: held-out Brier and ECE vs scikit-learn LogisticRegression',
  async run(ctx: BenchContext) {
    const missing = await sklearnMissing();
    const synthDir = path.join(ctx.tmp, 'cal-synth');
    const synth = writeDataset(synthDir, ctx.smoke ? { n: 1_000, d: 64 } : {});
    const spamDir = path.join(ctx.tmp, 'cal-spam');
    const spam = ctx.smoke ? await prepareSpamFeatures({ progress: ctx.progress, subsampleStep: 8 }) : await sharedSpamFeatures(ctx);
    writeSpamDataset(spamDir, spam);
    const textDir = path.join(ctx.tmp, 'cal-text');
    const topic = (c: string): number => (CONCEPTS as readonly string[]).indexOf(c);
    await writeEmbedded(
      textDir,
      TEXT_EMBEDDER_ID,
      trainingSentences(20, 2024).map((t) => ({ input: { text: t.text }, y: topic(t.concept) })),
      heldOutSentences().map((t) => ({ input: { text: t.text }, y: topic(t.concept) })),
      CONCEPTS.length,
    );
    const imageDir = path.join(ctx.tmp, 'cal-image');
    const rng = createRng(4); // the acceptance test's seed: the same images
    const kind = (k: string): number => (KINDS as readonly string[]).indexOf(k);
    const trainImages = await drawSet(ctx.smoke ? 4 : TRAIN_PER_CLASS, rng);
    const heldOutImages = await drawSet(ctx.smoke ? 2 : HELD_OUT_PER_CLASS, rng);
    await writeEmbedded(
      imageDir,
      IMAGE_EMBEDDER_ID,
      trainImages.map((t) => ({ input: { imageBytes: t.png }, y: kind(t.kind) })),
      heldOutImages.map((t) => ({ input: { imageBytes: t.png }, y: kind(t.kind) })),
      KINDS.length,
    );
    ctx.progress('embedded the text and image acceptance sets');
    return [
      await compare(ctx, 'cal text', `text acceptance set, 60 train / 15 held out × 2,048-d, 3 topics`, textDir, missing),
      await compare(
        ctx,
        'cal image',
        `image acceptance set, ${trainImages.length} train / ${heldOutImages.length} held out × MobileNetV2 features, 3 patterns`,
        imageDir,
        missing,
      ),
      await compare(
        ctx,
        'cal synth',
        `${synth.n.toLocaleString('en-US')} × ${synth.d.toLocaleString('en-US')}-d, ${synth.k} concepts (synthetic, seed ${synth.seed})`,
        synthDir,
        missing,
      ),
      await compare(
        ctx,
        'cal spam',
        `SpamAssassin ${spam.train.length.toLocaleString('en-US')} train / ${spam.test.length.toLocaleString('en-US')} held out × ${spam.dim.toLocaleString('en-US')}-d`,
        spamDir,
        missing,
      ),
    ];
  },
};
