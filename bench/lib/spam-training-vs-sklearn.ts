// Rows "6 real time" and "6 real acc" of #6: training on a real labelled set — the SpamAssassin
// split of #11 (bench/lib/spam-corpus.ts), embedded once with general-text-embedding
// (bench/lib/spam-features.ts) — against scikit-learn's LogisticRegression on the very same feature
// arrays and split (bench/sklearn_baseline.py, its own process, both recipes each round).
// Subject: modelkeep's text-classifier exactly as #11 trains it (the plugin with the template's
// defaults, in-process; plugin.train timed, embedding excluded on both sides). Alternating rounds;
// same targets as #6: training time ≤ 1.0× sklearn's, held-out accuracy ≥ sklearn's − 1 point.
import path from 'node:path';
import { type BenchContext, median, type Row, verdict } from './runner.js';
import { alternateWithSklearn, SKLEARN_HINT, sklearnNotes, sklearnSkipNote } from './sklearn.js';
import { modelkeepTextClassifier } from './spam-classifiers.js';
import { DATASET_PACKAGE } from './spam-corpus.js';
import { prepareSpamFeatures, type SpamFeatures, sharedSpamFeatures, writeSpamDataset } from './spam-features.js';

/** Smoke runs keep every 8th text (~590 train / ~150 test) so the row completes in seconds. */
const SMOKE_SUBSAMPLE_STEP = 8;

type SubjectRound = Awaited<ReturnType<typeof modelkeepTextClassifier>>;
export async function realSetTrainingRows(ctx: BenchContext, missing: string | undefined): Promise<Row[]> {
  const f: SpamFeatures = ctx.smoke
    ? await prepareSpamFeatures({ progress: ctx.progress, subsampleStep: SMOKE_SUBSAMPLE_STEP })
    : await sharedSpamFeatures(ctx);
  const dir = path.join(ctx.tmp, 'spam-set');
  writeSpamDataset(dir, f);
  const setName = `SpamAssassin ham/spam (${DATASET_PACKAGE}), ${f.train.length.toLocaleString('en-US')} train × ${f.dim.toLocaleString('en-US')}-d ${f.embedderId}, 2 concepts`;
  const pct = (a: number): string => `${(a * 100).toFixed(2)}%`;
  const subjectNote = (runs: SubjectRound[]): string =>
    `modelkeep: text-classifier plugin, template modelkeep_text_logreg defaults (${Object.entries(runs[0]!.settings)
      .filter(([k]) => ['num_epochs', 'learning_rate', 'l2_regularization', 'batch_size', 'seed'].includes(k))
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(
        ', ',
      )}), trained in-process through plugin.train (timed: ${median(runs.map((r) => r.train_seconds)).toFixed(2)} s wall / ${median(runs.map((r) => r.cpu_seconds)).toFixed(2)} s CPU, medians; one JS thread, where sklearn's OpenBLAS uses both cores), scored through plugin.predict`;
  const common = [
    `split seed ${f.seed}: ${f.train.length} train / ${f.test.length} held out (stratified), same arrays for both sides (written as X.npy/y.npy for sklearn)${f.subsample ? `; smoke: every ${f.subsample.step}th text of ${f.subsample.ofTrain} / ${f.subsample.ofTest}` : ''}`,
  ];
  const trainSubject = async (): Promise<SubjectRound> => modelkeepTextClassifier(f.train, f.trainVectors, f.test);

  if (missing) {
    ctx.progress(`SKIPPED the scikit-learn baseline of #6 real: ${missing}. Install it with ${SKLEARN_HINT}`);
    const runs: SubjectRound[] = [];
    for (let i = 0; i < ctx.rounds; i++) {
      const r = await trainSubject();
      ctx.progress(`train real round ${i + 1}/${ctx.rounds} modelkeep: ${r.train_seconds.toFixed(2)} s, held-out accuracy ${pct(r.accuracy)}`);
      runs.push(r);
    }
    const note = sklearnSkipNote(missing);
    return [
      {
        id: '6 real time',
        what: `training time, ${setName}`,
        baseline: 'skipped (no sklearn)',
        subject: `${median(runs.map((r) => r.train_seconds)).toFixed(2)} s`,
        target: '≤ 1.0× sklearn',
        verdict: 'skipped',
        notes: [note, subjectNote(runs), ...common],
        data: { subject: runs.map(({ log: _log, ...r }) => r) },
      },
      {
        id: '6 real acc',
        what: 'held-out accuracy, same real set and split',
        baseline: 'skipped (no sklearn)',
        subject: pct(median(runs.map((r) => r.accuracy))),
        target: '≥ sklearn − 1 pt',
        verdict: 'skipped',
        notes: [note],
      },
    ];
  }

  const { r, base, subj, accB, accS, diff, timeRecipes, accRecipes } = await alternateWithSklearn(ctx, 'train real', dir, trainSubject);
  return [
    {
      id: '6 real time',
      what: `training time, ${setName}`,
      baseline: `${r.baselineMedian.toFixed(2)} s (sklearn ${timeRecipes})`,
      subject: `${r.subjectMedian.toFixed(2)} s`,
      ratio: r.median,
      spread: r.spread,
      target: '≤ 1.0',
      verdict: verdict(r.median, '<=', 1.0),
      notes: [
        ...sklearnNotes(
          base.map((b) => b.run),
          median,
        ),
        subjectNote(subj),
        ...common,
        'fit() / plugin.train only; embedding the texts and loading the arrays excluded on both sides',
      ],
      data: { ...r, baseline: base.map((b) => b.run), subject: subj.map(({ log: _log, ...s }) => s) },
    },
    {
      id: '6 real acc',
      what: 'held-out accuracy, same real set and split',
      baseline: `${pct(accB)} (sklearn ${accRecipes})`,
      subject: `${pct(accS)} (${diff >= 0 ? '+' : ''}${diff.toFixed(2)} pt)`,
      target: '≥ sklearn − 1 pt',
      verdict: diff >= -1 ? 'pass' : 'MISS',
      notes: [`${f.test.length} held-out texts; accuracy baseline = the more accurate sklearn recipe`],
    },
  ];
}
