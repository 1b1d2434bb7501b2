import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { appPath, query } from '../api.js';
import type { Model, ModelType } from '../api-types.js';
import { useApi } from '../context.js';
import { navigate, setQuery } from '../nav.js';
import { hrefOf } from '../routes.js';
import { Chip, Curl, ErrorBox, Field, Link, Pager, useAction, useLoad, when } from '../ui/common.js';
import { versionChip } from '../version-status.js';

const PER_PAGE = 20;
const SORTS: Record<string, string> = { modified: 'Last modified', created: 'Created', name: 'Name' };

/** ListModels with the API doing the search (name), the type filter, the sort and the paging. */
export function ModelsList({ app }: { app: string }): JSX.Element {
  const api = useApi();
  const params = new URLSearchParams(location.search);
  const page = Math.max(1, Number(params.get('page')) || 1);
  const name = params.get('name') ?? '';
  const type = params.get('type') ?? '';
  const sort = params.get('sort') ?? 'modified';
  const asc = params.get('asc') === '1';
  const listQuery = query({
    page,
    per_page: PER_PAGE,
    name,
    model_type_id: type,
    sort_by_name: sort === 'name',
    sort_by_created_at: sort === 'created',
    sort_by_modified_at: sort === 'modified',
    sort_ascending: asc,
  });
  const models = useLoad(() => api.get<{ models: Model[] }>(`${appPath(app)}/models${listQuery}`), [app, listQuery]);
  const types = useLoad(() => api.get<{ model_types: ModelType[] }>(`${appPath(app)}/models/types`), [app]);
  const creatable = (types.data?.model_types ?? []).filter((t) => t.creatable !== false);
  const [newId, setNewId] = useState('');
  const [newType, setNewType] = useState('');
  const create = useAction();
  const body = { model: { id: newId.trim(), ...(newType ? { model_type_id: newType } : {}) } };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await create.run(() => api.post(`${appPath(app)}/models`, body))) navigate(hrefOf({ page: 'model', app, model: newId.trim() }));
  };
  return (
    <>
      <div class="toolbar">
        <Field label="Search by name" id="models-name">
          <input id="models-name" type="search" value={name} onChange={(e) => setQuery({ name: e.currentTarget.value, page: undefined })} />
        </Field>
        <Field label="Model type" id="models-type">
          <select id="models-type" value={type} onChange={(e) => setQuery({ type: e.currentTarget.value, page: undefined })}>
            <option value="">All types</option>
            {(types.data?.model_types ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.title ?? t.id}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Sort by" id="models-sort">
          <select id="models-sort" value={sort} onChange={(e) => setQuery({ sort: e.currentTarget.value, page: undefined })}>
            {Object.entries(SORTS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </Field>
        <label class="inline">
          <input type="checkbox" checked={asc} onChange={(e) => setQuery({ asc: e.currentTarget.checked ? '1' : undefined })} /> Ascending
        </label>
      </div>
      <ErrorBox error={models.error} />
      <table class="list">
        <caption class="sr-only">Models</caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Type</th>
            <th scope="col">Latest version</th>
            <th scope="col">Modified</th>
          </tr>
        </thead>
        <tbody>
          {(models.data?.models ?? []).map((m) => (
            <tr key={m.id}>
              <td>
                <Link href={hrefOf({ page: 'model', app, model: m.id ?? '' })}>{m.id}</Link>
                {m.description && <div class="muted">{m.description}</div>}
              </td>
              <td>{m.model_type_id}</td>
              <td>
                {m.model_version?.id ? (
                  <>
                    <code>{String(m.model_version.id).slice(0, 8)}</code> <Chip chip={versionChip(m.model_version.status, m.model_version.metrics?.status)} />
                  </>
                ) : (
                  <span class="muted">none</span>
                )}
              </td>
              <td>{when(m.modified_at)}</td>
            </tr>
          ))}
          {!models.loading && (models.data?.models ?? []).length === 0 && (
            <tr>
              <td colSpan={4} class="muted">
                No models {name || type ? 'match' : 'yet'}.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <Pager page={page} perPage={PER_PAGE} count={models.data?.models.length ?? 0} onPage={(p) => setQuery({ page: p })} />
      <form class="card" onSubmit={submit}>
        <h2>Create a model</h2>
        <p class="muted">PostModels creates the model only; its versions carry the configuration (2023-01-20).</p>
        <Field label="Model id" id="new-model-id">
          <input id="new-model-id" required value={newId} onInput={(e) => setNewId(e.currentTarget.value)} />
        </Field>
        <Field label="Type of the new model" id="new-model-type">
          <select id="new-model-type" value={newType} onChange={(e) => setNewType(e.currentTarget.value)}>
            <option value="">Server default</option>
            {creatable.map((t) => (
              <option key={t.id} value={t.id}>
                {t.title ?? t.id} ({t.id})
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" disabled={create.busy || !newId.trim()}>
          Create model
        </button>
        <ErrorBox error={create.error} />
        <ErrorBox error={types.error} />
        <Curl method="POST" path={`${appPath(app)}/models`} body={body} />
      </form>
    </>
  );
}
