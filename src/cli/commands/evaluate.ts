import type { Command } from 'commander';
import type { Api } from '../client/api.js';
import type { Metrics, ModelVersion } from '../client/messages.js';
import { clientCommand, positiveInt } from '../command-kit.js';
import { CliError, EXIT } from '../errors.js';
import type { Cell, Printer } from '../output.js';
import { Progress } from '../progress.js';
import { versionPath } from './wait-version.js';

const EVAL_DONE = 21300;
const EVAL_RUNNING = new Set([21301, 21303]);

/** `evaluate <model> <version> [--wait]`: cross-validation metrics as a summary, per-concept table and confusion matrix. */
export function registerEvaluate(program: Command): void {
  clientCommand<{ wait?: boolean; folds?: number; interval: number }>(
    program,
    'evaluate <model> <version>',
    'evaluate a trained version (k-fold cross-validation on its training data) and show the metrics',
    async ({ api, out }, [model, version], o) => {
      const path = `${versionPath(api, model!, version!)}/metrics`;
      const body: Record<string, unknown> = {};
      if (o.folds) body.eval_info = { params: { num_folds: o.folds } };
      const started = await api.post<{ model_version: ModelVersion }>(path, body, `evaluating version ${version} of ${model}`);
      if (!o.wait) {
        out.result(
          started,
          () => {
            out.line(
              `evaluation of version ${version} of ${model}: ${started.model_version.metrics?.status.code ?? ''} ${started.model_version.metrics?.status.description ?? ''}`,
            );
            out.note(`see the result: modelkeep evaluate ${model} ${version} --wait`);
          },
          () => [version!],
        );
        return;
      }
      const metrics = await waitForMetrics(api, out, path, o.interval);
      const full = await api.get<{ model_version: ModelVersion }>(
        path,
        { 'fields.binary_metrics': true, 'fields.confusion_matrix': true },
        'reading the metrics',
      );
      out.result(
        full,
        () => printMetrics(out, full.model_version.metrics ?? metrics),
        () => [version!],
      );
    },
  )
    .option('-w, --wait', 'wait for the evaluation and print its metrics')
    .option('--folds <n>', 'number of cross-validation folds (default 5)', positiveInt)
    .option('--interval <ms>', 'how often --wait asks the server', positiveInt, 500)
    .addHelpText('after', '\nNeeds 2+ concepts and 5+ inputs labelled with each.\n\nExample:\n  modelkeep evaluate sentiment 3f0c… --wait');
}

async function waitForMetrics(api: Api, out: Printer, path: string, intervalMs: number): Promise<Metrics> {
  const bar = new Progress(out.streams.err, 'evaluating [{bar}] {percentage}% | {phase}', (_v, _t, p) => `evaluation: ${p.phase}`, !out.quiet && !out.json);
  bar.start(100, 0, { phase: 'queued' });
  try {
    for (;;) {
      const r = await api.get<{ model_version: ModelVersion }>(path, undefined, 'reading the evaluation');
      const m = r.model_version.metrics;
      const code = m?.status.code ?? 0;
      bar.update(code === EVAL_DONE ? 100 : (m?.status.percent_completed ?? 0), {
        phase: code === 21303 ? 'queued' : code === 21301 ? 'evaluating' : code === EVAL_DONE ? 'evaluated' : 'failed',
      });
      if (m && code === EVAL_DONE) return m;
      if (!m || !EVAL_RUNNING.has(code)) {
        bar.stop();
        throw new CliError(`the evaluation ended in ${code} ${m?.status.description ?? ''}${m?.status.details ? `\n  ${m.status.details}` : ''}`, EXIT.api);
      }
      await new Promise((res) => setTimeout(res, intervalMs));
    }
  } finally {
    bar.stop();
  }
}

const num = (x: number | undefined): string => (x === undefined ? '' : x.toFixed(3));

export function printMetrics(out: Printer, m: Metrics): void {
  const s = m.summary ?? {};
  out.line('Summary');
  out.table(
    ['METRIC', 'VALUE'],
    Object.entries(s).map(([k, v]) => [k, num(v)]),
  );
  out.line();
  out.line('Per concept');
  out.table(
    ['CONCEPT', 'POSITIVES', 'NEGATIVES', 'ROC AUC', 'F1', 'AVG PRECISION'],
    (m.binary_metrics ?? []).map((b) => [
      b.concept?.name ?? b.concept?.id,
      b.num_pos,
      b.num_neg,
      num(b.roc_auc),
      num(b.f1),
      num((b as { avg_precision?: number }).avg_precision),
    ]),
  );
  const cm = m.confusion_matrix;
  if (cm?.matrix?.length) {
    const ids = cm.concept_ids?.length ? cm.concept_ids : [...new Set(cm.matrix.flatMap((c) => [c.actual_concept?.id ?? '', c.predicted_concept?.id ?? '']))];
    const cell = new Map(cm.matrix.map((c) => [`${c.actual_concept?.id}\0${c.predicted_concept?.id}`, c.value ?? 0]));
    out.line();
    out.line('Confusion matrix (rows: actual, columns: predicted)');
    out.table(
      ['', ...ids],
      ids.map((a): Cell[] => [a, ...ids.map((p) => cell.get(`${a}\0${p}`) ?? 0)]),
    );
  }
}
