import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { appPath } from '../api.js';
import type { Concept, Model, ModelVersion } from '../api-types.js';
import { useApi } from '../context.js';
import { parseJsonObject } from '../json-edit.js';
import { keepEdits } from '../keep-edits.js';
import { navigate } from '../nav.js';
import { hrefOf, type VersionTab } from '../routes.js';
import { lossCurve, splitLogLine } from '../training-log.js';
import { Chip, Curl, ErrorBox, Field, Link, useAction, useLoad, when } from '../ui/common.js';
import { LossChart } from '../ui/loss-chart.js';
import { usePolling } from '../ui/polling.js';
import { isInFlight, versionChip } from '../version-status.js';
import { EvaluationPanel } from './evaluation.js';
import { VISIBILITY } from './model.js';
import { PredictPanel } from './predict.js';

const LIVE_EVERY_MS = 2000;

const TABS: { tab: VersionTab; label: string }[] = [
  { tab: 'overview', label: 'Overview & training' },
  { tab: 'predict', label: 'Predict' },
  { tab: 'evaluation', label: 'Evaluation' },
];

export function VersionPage({ app, model, version, tab }: { app: string; model: string; version: string; tab: VersionTab }): JSX.Element {
  const api = useApi();
  const base = `${appPath(app)}/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}`;
  const v = useLoad(() => api.get<{ model_version: ModelVersion }>(base), [base]);
  const mv = v.data?.model_version;
  // While it trains: GetModelVersion and the log tail every 2 s each, so an open page makes at most one
  // request a second (issue 15); paused in a background tab (usePolling).
  usePolling(v.reload, isInFlight(mv?.status), LIVE_EVERY_MS);
  const chip = versionChip(mv?.status, mv?.metrics?.status);
  const remove = useAction();
  const del = async () => {
    const training = isInFlight(mv?.status);
    if (!confirm(training ? 'Cancel this training and delete the version?' : 'Delete this version?')) return;
    if (await remove.run(() => api.delete(base))) navigate(hrefOf({ page: 'model', app, model }));
  };
  return (
    <section>
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link href={hrefOf({ page: 'apps' })}>Apps</Link> / <Link href={hrefOf({ page: 'app', app, tab: 'models' })}>{app}</Link> /{' '}
        <Link href={hrefOf({ page: 'model', app, model })}>{model}</Link> / <span>{version.slice(0, 12)}</span>
      </nav>
      <div class="title-row">
        <h1>
          Version <code>{version.slice(0, 12)}</code> <Chip chip={chip} />
        </h1>
        <button type="button" class="danger" onClick={del}>
          {isInFlight(mv?.status) ? 'Cancel training' : 'Delete version'}
        </button>
      </div>
      <ErrorBox error={v.error} />
      <ErrorBox error={remove.error} />
      <nav class="tabs" aria-label="Version sections">
        {TABS.map((t) => (
          <Link key={t.tab} href={hrefOf({ page: 'version', app, model, version, tab: t.tab })} aria-current={t.tab === tab ? 'page' : undefined}>
            {t.label}
          </Link>
        ))}
      </nav>
      {mv && tab === 'overview' && <Overview base={base} mv={mv} onSaved={v.reload} />}
      {mv && tab === 'predict' && <PredictPanel app={app} model={model} mv={mv} />}
      {mv && tab === 'evaluation' && <EvaluationPanel base={base} mv={mv} onChanged={v.reload} />}
    </section>
  );
}

function Overview({ base, mv, onSaved }: { base: string; mv: ModelVersion; onSaved: () => void }): JSX.Element {
  const api = useApi();
  const chip = versionChip(mv.status, mv.metrics?.status);
  const training = isInFlight(mv.status);
  const concepts = useLoad(() => api.get<{ model: Model }>(`${base}/output_info`), [base]);
  const list: Concept[] = concepts.data?.model.model_version?.output_info?.data?.concepts ?? [];
  return (
    <div class="columns">
      <div>
        <div class="card" aria-live="polite">
          <h2>Status</h2>
          <p>
            <Chip chip={chip} /> {mv.status?.description}
          </p>
          {mv.status?.code === 21101 && <progress max={100} value={Number(mv.status.percent_completed ?? 0)} aria-label="Training progress" />}
          {mv.status?.details && <p class={chip.tone === 'bad' ? 'failure' : 'muted'}>{mv.status.details}</p>}
          <dl class="facts">
            <dt>Created</dt>
            <dd>{when(mv.created_at)}</dd>
            <dt>Completed</dt>
            <dd>{when(mv.completed_at)}</dd>
            <dt>Inputs used</dt>
            <dd>{mv.total_input_count ?? '—'}</dd>
            <dt>Template</dt>
            <dd>{String(mv.train_info?.params?.template ?? '—')}</dd>
          </dl>
        </div>
        <TrainingLog base={base} live={training} />
      </div>
      <div>
        <div class="card">
          <h2>Concepts</h2>
          <ErrorBox error={concepts.error} />
          <p class="muted">
            Read-only: a version’s concepts are fixed when it is created (PatchModelVersions refuses them with 21202). Create a new version for other concepts.
          </p>
          <ul class="tags">
            {list.map((c) => (
              <li key={c.id}>{c.name && c.name !== c.id ? `${c.id} (${c.name})` : c.id}</li>
            ))}
            {list.length === 0 && <li class="muted">none</li>}
          </ul>
        </div>
        <VersionEditor base={base} mv={mv} onSaved={onSaved} />
      </div>
    </div>
  );
}

function TrainingLog({ base, live }: { base: string; live: boolean }): JSX.Element {
  const api = useApi();
  const log = useLoad(() => api.get<{ log_entries: { message: string }[] }>(`${base}/training/logs?per_page=200`), [base]);
  usePolling(log.reload, live, LIVE_EVERY_MS);
  // One more read when training ends: the last lines (the loss curve, the outcome) come with it.
  useEffect(() => {
    if (!live) log.reload();
  }, [live]);
  const lines = (log.data?.log_entries ?? []).map((e) => e.message);
  const curve = lossCurve(lines);
  // A tail: keep the newest line in view as the log grows.
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [lines.length]);
  return (
    <div class="card">
      <h2>Training</h2>
      <ErrorBox error={log.error} />
      {curve.epochs.length > 0 ? <LossChart epochs={curve.epochs} losses={curve.losses} /> : <p class="muted">No loss logged yet.</p>}
      <h3>Log</h3>
      <pre class="log" ref={pre} tabIndex={0} aria-label="Training log">
        {lines.slice(-40).map((l) => {
          const { time, text } = splitLogLine(l);
          return `${time ? new Date(time).toLocaleTimeString() : ''} ${text}\n`;
        })}
      </pre>
    </div>
  );
}

function VersionEditor({ base, mv, onSaved }: { base: string; mv: ModelVersion; onSaved: () => void }): JSX.Element {
  const api = useApi();
  const initial = () => ({
    description: String(mv.description ?? ''),
    license: String(mv.license ?? ''),
    visibility: Number(mv.visibility?.gettable ?? 10),
    metadata: JSON.stringify(mv.metadata ?? {}, null, 2),
    outputConfig: JSON.stringify(mv.output_info?.output_config ?? {}, null, 2),
    params: JSON.stringify(mv.output_info?.params ?? {}, null, 2),
  });
  const [f, setF] = useState(initial);
  // The values as last loaded, to tell the user's edits from the server's.
  const loaded = useRef({ id: mv.id, values: f });
  // A poll brings a new object every second; when the version really changed (a save, or an evaluation
  // finishing), fields the user has not touched take the new values and the user's edits stay: resetting
  // the whole form would throw away what was typed just before Save (and save the old values).
  useEffect(() => {
    const next = initial();
    const before = loaded.current;
    loaded.current = { id: mv.id, values: next };
    if (before.id !== mv.id) return setF(next); // another version: nothing typed belongs to it
    setF((cur) => keepEdits(before.values, next, cur));
  }, [mv.id, mv.modified_at]);
  const meta = parseJsonObject(f.metadata);
  const oc = parseJsonObject(f.outputConfig, 'output_config');
  const params = parseJsonObject(f.params, 'params');
  const valid = meta.ok && oc.ok && params.ok;
  const body = {
    action: 'merge',
    model_versions: [
      {
        id: mv.id,
        description: f.description,
        license: f.license,
        visibility: { gettable: f.visibility },
        metadata: meta.ok ? meta.value : {},
        output_info: { output_config: oc.ok ? oc.value : {}, params: params.ok ? params.value : {} },
      },
    ],
  };
  const path = base.replace(/\/versions\/[^/]+$/, '/versions');
  const save = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (valid && (await save.run(() => api.patch(path, body)))) onSaved();
  };
  const set = (k: keyof ReturnType<typeof initial>) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <form class="card" onSubmit={submit}>
      <h2>Edit version</h2>
      <p class="muted">PatchModelVersions changes these fields only.</p>
      <Field label="Description" id="v-description">
        <input id="v-description" value={f.description} onInput={set('description')} />
      </Field>
      <Field label="License" id="v-license">
        <input id="v-license" value={f.license} onInput={set('license')} />
      </Field>
      <Field label="Visibility" id="v-visibility">
        <select id="v-visibility" value={f.visibility} onChange={(e) => setF({ ...f, visibility: Number(e.currentTarget.value) })}>
          {Object.entries(VISIBILITY).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Metadata (JSON object)" id="v-metadata" error={meta.ok ? undefined : meta.error}>
        <textarea id="v-metadata" class="code" rows={3} spellcheck={false} aria-invalid={!meta.ok} value={f.metadata} onInput={set('metadata')} />
      </Field>
      <Field label="output_info.output_config (JSON)" id="v-output-config" error={oc.ok ? undefined : oc.error}>
        <textarea id="v-output-config" class="code" rows={4} spellcheck={false} aria-invalid={!oc.ok} value={f.outputConfig} onInput={set('outputConfig')} />
      </Field>
      <Field
        label="output_info.params (JSON)"
        id="v-params"
        error={params.ok ? undefined : params.error}
        hint="max_concepts, min_value, select_concepts: the defaults for predictions."
      >
        <textarea id="v-params" class="code" rows={4} spellcheck={false} aria-invalid={!params.ok} value={f.params} onInput={set('params')} />
      </Field>
      <button type="submit" disabled={save.busy || !valid}>
        Save version
      </button>
      <ErrorBox error={save.error} />
      <Curl method="PATCH" path={path} body={body} />
    </form>
  );
}
