import type { Command } from 'commander';
import type { Api } from '../client/api.js';
import { ApiCallError } from '../client/api.js';
import type { Metrics, ModelVersion } from '../client/messages.js';
import { clientCommand, positiveInt } from '../command-kit.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import type { Cell, Printer } from '../output.js';
import { Progress } from '../progress.js';
import { versionPath } from './wait-version.js';

const EVAL_DONE = 21300;
const EVAL_RUNNING = new Set([21301, 21303]);

const UNKNOWN_DATASET = 11101;

type EvalOptions = { wait?: boolean; folds?: number; interval: number; dataset?: string; datasetVersion?: string };

/** eval_info.params for PostModelVersionMetrics: k-fold (`num_folds`) or a held-out dataset (decision 0020), never both. */
export function evalParams(o: Pick<EvalOptions, 'folds' | 'dataset' | 'datasetVersion'>): Record<string, unknown> | undefined {
  if (o.datasetVersion !== undefined && o.dataset === undefined)
    throw new UsageError('--dataset-version needs --dataset <id> (the dataset it is a version of)');
  if (o.dataset !== undefined && o.folds !== undefined)
    throw new UsageError('give either --folds (cross-validation on the training data) or --dataset (a held-out dataset), not both');
  if (o.dataset !== undefined) return { dataset_id: o.dataset, ...(o.datasetVersion !== undefined ? { dataset_version_id: o.datasetVersion } : {}) };
  if (o.folds !== undefined) return { num_folds: o.folds };
  return undefined;
}

/** `evaluate <model> <version> [--wait]`: k-fold or held-out-dataset metrics as a summary, per-concept table and confusion matrix. */
export function registerEvaluate(program: Command): void {
  clientCommand<EvalOptions>(
    program,
    'evaluate <model> <version>',
    'evaluate a trained version (k-fold cross-validation on its training data, or on a held-out dataset) and show the metrics',
    async ({ api, out }, [model, version], o) => {
      const path = `${versionPath(api, model!, version!)}/metrics`;
      const params = evalParams(o);
      const body: Record<string, unknown> = params ? { eval_info: { params } } : {};
      const started = await api.post<{ model_version: ModelVersion }>(path, body, `evaluating version ${version} of ${model}`).catch((e: unknown) => {
        // The server names what is missing; say how to find what exists.
        if (o.dataset !== undefined && e instanceof ApiCallError && e.status.code === UNKNOWN_DATASET) {
          const list = o.datasetVersion !== undefined ? `modelkeep dataset-versions list ${o.dataset}` : 'modelkeep datasets list';
          throw new CliError(
            `${e.message}\n  no dataset ${o.dataset}${o.datasetVersion !== undefined ? ` with version ${o.datasetVersion}` : ''} in this app; see what there is: ${list}`,
            EXIT.api,
          );
        }
        throw e;
      });
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
      const m = full.model_version.metrics ?? metrics;
      out.result(
        full,
        () => {
          // The server's details say what was scored (e.g. how many labelled inputs of the dataset).
          if (m.status.details) {
            out.line(m.status.details);
            out.line();
          }
          printMetrics(out, m);
        },
        () => [version!],
      );
    },
  )
    .option('-w, --wait', 'wait for the evaluation and print its metrics')
    .option('--folds <n>', 'number of cross-validation folds (default 5)', positiveInt)
    .option('--dataset <id>', 'score a held-out dataset of the app instead of cross-validating')
    .option('--dataset-version <id>', 'with --dataset: a frozen version of it (default: the dataset as it is now)')
    .option('--interval <ms>', 'how often --wait asks the server', positiveInt, 500)
    .addHelpText(
      'after',
      "\nK-fold needs 2+ concepts and 5+ inputs labelled with each; --dataset needs inputs in it labelled with the version's concepts.\n\nExamples:\n  modelkeep evaluate sentiment 3f0c… --wait\n  modelkeep evaluate sentiment 3f0c… --dataset test --dataset-version frozen --wait",
    );
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
