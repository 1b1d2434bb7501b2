import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { appPath } from '../api.js';
import type { Model, ModelVersion } from '../api-types.js';
import { useApi } from '../context.js';
import { parseJsonObject } from '../json-edit.js';
import { navigate } from '../nav.js';
import { hrefOf } from '../routes.js';
import { Chip, Curl, ErrorBox, Field, Link, useAction, useLoad, when } from '../ui/common.js';
import { usePolling } from '../ui/polling.js';
import { isInFlight, versionChip } from '../version-status.js';

export const VISIBILITY: Record<number, string> = { 10: 'Private', 30: 'Organization', 50: 'Public' };

/** A model: its fields (PatchModels) and its versions as a timeline, newest first. */
export function ModelPage({ app, model }: { app: string; model: string }): JSX.Element {
  const api = useApi();
  const base = `${appPath(app)}/models/${encodeURIComponent(model)}`;
  const m = useLoad(() => api.get<{ model: Model }>(base), [base]);
  const versions = useLoad(() => api.get<{ model_versions: ModelVersion[] }>(`${base}/versions?per_page=50`), [base]);
  // Versions still queued or training refresh by themselves (at most once a second, not in a background tab).
  usePolling(
    versions.reload,
    (versions.data?.model_versions ?? []).some((v) => isInFlight(v.status)),
    2000,
  );
  const remove = useAction();
  const del = async () => {
    if (!confirm(`Delete model '${model}' and all its versions?`)) return;
    if (await remove.run(() => api.delete(base))) navigate(hrefOf({ page: 'app', app, tab: 'models' }));
  };
  return (
    <section>
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link href={hrefOf({ page: 'apps' })}>Apps</Link> / <Link href={hrefOf({ page: 'app', app, tab: 'models' })}>{app}</Link> / <span>{model}</span>
      </nav>
      <div class="title-row">
        <h1>{m.data?.model.name || model}</h1>
        <button type="button" class="danger" onClick={del}>
          Delete model
        </button>
      </div>
      <ErrorBox error={m.error} />
      <ErrorBox error={remove.error} />
      <div class="columns">
        <div>{m.data && <ModelEditor app={app} model={m.data.model} onSaved={m.reload} />}</div>
        <div>
          <div class="title-row">
            <h2>Versions</h2>
            <span>
              {(versions.data?.model_versions ?? []).length > 1 && (
                <Link
                  href={`${hrefOf({ page: 'compare', app, model })}?a=${versions.data!.model_versions[1]!.id}&b=${versions.data!.model_versions[0]!.id}`}
                  class="button secondary"
                >
                  Compare
                </Link>
              )}{' '}
              <Link href={hrefOf({ page: 'new-version', app, model })} class="button">
                New version
              </Link>
            </span>
          </div>
          <ErrorBox error={versions.error} />
          <ol class="timeline">
            {(versions.data?.model_versions ?? []).map((v) => {
              const chip = versionChip(v.status, v.metrics?.status);
              return (
                <li key={v.id}>
                  <div class="timeline-head">
                    <Link href={hrefOf({ page: 'version', app, model, version: v.id ?? '', tab: 'overview' })}>
                      <code>{String(v.id).slice(0, 12)}</code>
                    </Link>
                    <Chip chip={chip} />
                  </div>
                  {chip.note && <p class="failure">{chip.note}</p>}
                  <dl class="facts">
                    <dt>Created</dt>
                    <dd>{when(v.created_at)}</dd>
                    <dt>Completed</dt>
                    <dd>{when(v.completed_at)}</dd>
                    <dt>Concepts</dt>
                    <dd>{v.active_concept_count ?? 0}</dd>
                    <dt>Visibility</dt>
                    <dd>{VISIBILITY[Number(v.visibility?.gettable ?? 10)] ?? String(v.visibility?.gettable)}</dd>
                    {v.license && (
                      <>
                        <dt>License</dt>
                        <dd>{v.license}</dd>
                      </>
                    )}
                    {v.description && (
                      <>
                        <dt>Description</dt>
                        <dd>{v.description}</dd>
                      </>
                    )}
                  </dl>
                </li>
              );
            })}
            {!versions.loading && (versions.data?.model_versions ?? []).length === 0 && <li class="muted">No versions yet: create one to train.</li>}
          </ol>
        </div>
      </div>
    </section>
  );
}

function ModelEditor({ app, model, onSaved }: { app: string; model: Model; onSaved: () => void }): JSX.Element {
  const api = useApi();
  const [name, setName] = useState(String(model.name ?? ''));
  const [description, setDescription] = useState(String(model.description ?? ''));
  const [notes, setNotes] = useState(String(model.notes ?? ''));
  const [metadata, setMetadata] = useState(JSON.stringify(model.metadata ?? {}, null, 2));
  const [visibility, setVisibility] = useState(Number(model.visibility?.gettable ?? 10));
  useEffect(() => {
    setName(String(model.name ?? ''));
    setDescription(String(model.description ?? ''));
    setNotes(String(model.notes ?? ''));
    setMetadata(JSON.stringify(model.metadata ?? {}, null, 2));
    setVisibility(Number(model.visibility?.gettable ?? 10));
  }, [model]);
  const meta = parseJsonObject(metadata);
  const save = useAction();
  // overwrite, so removing a metadata key in the editor removes it on the server too (0003-patch-semantics).
  const body = {
    action: 'overwrite',
    models: [{ id: model.id, name, description, notes, metadata: meta.ok ? meta.value : {}, visibility: { gettable: visibility } }],
  };
  const path = `${appPath(app)}/models`;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (meta.ok && (await save.run(() => api.patch(path, body)))) onSaved();
  };
  return (
    <form class="card" onSubmit={submit}>
      <h2>Model</h2>
      <dl class="facts">
        <dt>Id</dt>
        <dd>
          <code>{model.id}</code>
        </dd>
        <dt>Type</dt>
        <dd>{model.model_type_id}</dd>
        <dt>Created</dt>
        <dd>{when(model.created_at)}</dd>
        <dt>Modified</dt>
        <dd>{when(model.modified_at)}</dd>
      </dl>
      <Field label="Name" id="model-name">
        <input id="model-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label="Description" id="model-description">
        <input id="model-description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </Field>
      <Field label="Notes" id="model-notes">
        <textarea id="model-notes" rows={3} value={notes} onInput={(e) => setNotes(e.currentTarget.value)} />
      </Field>
      <Field label="Metadata (JSON object)" id="model-metadata" error={meta.ok ? undefined : meta.error}>
        <textarea
          id="model-metadata"
          class="code"
          rows={5}
          spellcheck={false}
          aria-invalid={!meta.ok}
          value={metadata}
          onInput={(e) => setMetadata(e.currentTarget.value)}
        />
      </Field>
      <Field label="Visibility" id="model-visibility">
        <select id="model-visibility" value={visibility} onChange={(e) => setVisibility(Number(e.currentTarget.value))}>
          {Object.entries(VISIBILITY).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </Field>
      <button type="submit" disabled={save.busy || !meta.ok}>
        Save model
      </button>
      <ErrorBox error={save.error} />
      <Curl method="PATCH" path={path} body={body} />
    </form>
  );
}
