import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { BinaryMetrics, Dataset, EvalMetrics, ModelVersion } from '../api-types.js';
import { confusionGrid } from '../confusion.js';
import { useApi } from '../context.js';
import { Curl, ErrorBox, useAction, useLoad } from '../ui/common.js';
import { LineChart } from '../ui/loss-chart.js';
import { usePolling } from '../ui/polling.js';
import { isFailure, isInFlight } from '../version-status.js';

const FIELDS = 'fields.confusion_matrix=true&fields.binary_metrics=true&fields.label_counts=true';
const pct = (x: unknown): string => (typeof x === 'number' ? x.toFixed(3) : '—');

/** PostModelVersionMetrics (k-fold) and GetModelVersionMetrics with the matrix and per-concept metrics. */
export function EvaluationPanel({ base, mv, onChanged }: { base: string; mv: ModelVersion; onChanged: () => void }): JSX.Element {
  const api = useApi();
  const metrics = useLoad(() => api.get<{ model_version: ModelVersion }>(`${base}/metrics?${FIELDS}`), [base]);
  const m: EvalMetrics | undefined = metrics.data?.model_version.metrics;
  const running = isInFlight(m?.status);
  usePolling(metrics.reload, running, 1000);
  // The version's chip (trained / evaluating / evaluated) follows every change of the evaluation's status.
  useEffect(() => {
    if (m?.status) onChanged();
  }, [m?.status?.code]);
  // k-fold on all labelled inputs, or held out: the trained version scored on a dataset's inputs.
  const appBase = base.replace(/\/models\/.*$/, '');
  const datasets = useLoad(() => api.get<{ datasets: Dataset[] }>(`${appBase}/datasets?per_page=100`), [appBase]);
  const [on, setOn] = useState('');
  const body = on ? { eval_info: { params: { dataset_id: on } } } : {};
  const run = useAction();
  const start = async () => {
    if (await run.run(() => api.post(`${base}/metrics`, body))) metrics.reload();
  };
  const trained = mv.status?.code === 21100;
  const grid = confusionGrid(m?.confusion_matrix);
  return (
    <div>
      <div class="card">
        <h2>Evaluation</h2>
        <p aria-live="polite">
          {m?.status ? (
            <span class={isFailure(m.status) ? 'failure' : ''}>
              {m.status.code} {m.status.description}
              {m.status.details ? ` — ${m.status.details}` : ''}
            </span>
          ) : (
            'Loading…'
          )}
        </p>
        <div class="field">
          <label for="eval-on">Evaluate on</label>
          <select id="eval-on" value={on} onChange={(e) => setOn(e.currentTarget.value)}>
            <option value="">k-fold cross-validation on the labelled inputs</option>
            {(datasets.data?.datasets ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                held-out dataset {d.id}
              </option>
            ))}
          </select>
        </div>
        <button type="button" onClick={start} disabled={!trained || running || run.busy}>
          {m?.status?.code === 21300 ? 'Evaluate again' : 'Run evaluation'}
        </button>
        {!trained && <p class="muted">Only a trained version can be evaluated.</p>}
        <ErrorBox error={run.error} />
        <ErrorBox error={metrics.error} />
        <Curl method="POST" path={`${base}/metrics`} body={body} />
      </div>
      {m?.summary && (
        <div class="card">
          <h2>Summary</h2>
          <dl class="stats">
            <div>
              <dt>Macro ROC AUC</dt>
              <dd>{pct(m.summary.macro_avg_roc_auc)}</dd>
            </div>
            <div>
              <dt>Macro F1</dt>
              <dd>{pct(m.summary.macro_avg_f1_score)}</dd>
            </div>
            <div>
              <dt>Precision</dt>
              <dd>{pct(m.summary.macro_avg_precision)}</dd>
            </div>
            <div>
              <dt>Recall</dt>
              <dd>{pct(m.summary.macro_avg_recall)}</dd>
            </div>
          </dl>
        </div>
      )}
      {(m?.binary_metrics ?? []).length > 0 && (
        <div class="card">
          <h2>Per concept</h2>
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Concept</th>
                <th scope="col">Positives</th>
                <th scope="col">ROC AUC</th>
                <th scope="col">F1</th>
                <th scope="col">Avg precision</th>
              </tr>
            </thead>
            <tbody>
              {(m!.binary_metrics as BinaryMetrics[]).map((b) => (
                <tr key={b.concept?.id}>
                  <th scope="row">{b.concept?.name || b.concept?.id}</th>
                  <td>{b.num_pos ?? '—'}</td>
                  <td>{pct(b.roc_auc)}</td>
                  <td>{pct(b.f1)}</td>
                  <td>{pct(b.avg_precision)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(m?.binary_metrics ?? []).length > 0 && <Curves metrics={m!.binary_metrics as BinaryMetrics[]} />}
      {grid.ids.length > 0 && (
        <div class="card">
          <h2>Confusion matrix</h2>
          <div class="scroll-x">
            <table class="heatmap" aria-label="Confusion matrix: rows are actual concepts, columns predicted">
              <thead>
                <tr>
                  <th scope="col">actual ↓ / predicted →</th>
                  {grid.ids.map((id) => (
                    <th scope="col" key={id}>
                      {id}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {grid.ids.map((id, r) => (
                  <tr key={id}>
                    <th scope="row">{id}</th>
                    {grid.cells[r]!.map((v, k) => {
                      const heat = grid.max ? v / grid.max : 0;
                      return (
                        <td key={k} style={{ background: `rgba(37, 99, 235, ${heat.toFixed(2)})`, color: heat > 0.55 ? '#fff' : '#111' }}>
                          {v}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}

/** ROC or precision-recall curve of one concept at a time (from binary_metrics). */
function Curves({ metrics }: { metrics: BinaryMetrics[] }): JSX.Element {
  const [pick, setPick] = useState(0);
  const [kind, setKind] = useState<'roc' | 'pr'>('roc');
  const b = metrics[Math.min(pick, metrics.length - 1)];
  // uPlot wants x ascending: sort the points by x.
  const raw =
    kind === 'roc'
      ? { x: b?.roc_curve?.fpr ?? [], y: b?.roc_curve?.tpr ?? [] }
      : { x: b?.precision_recall_curve?.recall ?? [], y: b?.precision_recall_curve?.precision ?? [] };
  const order = raw.x.map((_, i) => i).sort((i, j) => raw.x[i]! - raw.x[j]! || raw.y[i]! - raw.y[j]!);
  const name = b?.concept?.name || b?.concept?.id || '';
  return (
    <div class="card">
      <h2>Curves</h2>
      <div class="toolbar">
        <div class="field">
          <label for="curve-concept">Concept</label>
          <select id="curve-concept" value={pick} onChange={(e) => setPick(Number(e.currentTarget.value))}>
            {metrics.map((m, i) => (
              <option key={m.concept?.id} value={i}>
                {m.concept?.name || m.concept?.id}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="curve-kind">Curve</label>
          <select id="curve-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as 'roc' | 'pr')}>
            <option value="roc">ROC</option>
            <option value="pr">Precision–recall</option>
          </select>
        </div>
      </div>
      <LineChart
        key={`${pick}-${kind}`}
        x={order.map((i) => raw.x[i]!)}
        y={order.map((i) => raw.y[i]!)}
        xLabel={kind === 'roc' ? 'false positive rate' : 'recall'}
        yLabel={kind === 'roc' ? 'true positive rate' : 'precision'}
        label={`${kind === 'roc' ? 'ROC' : 'Precision-recall'} curve of ${name}`}
      />
    </div>
  );
}
