import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { query } from '../api.js';
import type { App } from '../api-types.js';
import { useApi } from '../context.js';
import { setQuery } from '../nav.js';
import { hrefOf } from '../routes.js';
import { Curl, ErrorBox, Field, Link, Pager, useAction, useLoad, when } from '../ui/common.js';

const PER_PAGE = 20;

/** Apps: ListApps with the API's paging; the filter narrows the page shown (ListApps has no name search). */
export function AppsPage(): JSX.Element {
  const api = useApi();
  const params = new URLSearchParams(location.search);
  const page = Math.max(1, Number(params.get('page')) || 1);
  const filter = params.get('q') ?? '';
  const apps = useLoad(() => api.get<{ apps: App[] }>(`/v2/users/me/apps${query({ page, per_page: PER_PAGE })}`), [page]);
  const shown = (apps.data?.apps ?? []).filter((a) => !filter || `${a.id} ${a.name ?? ''} ${a.description ?? ''}`.toLowerCase().includes(filter.toLowerCase()));
  const [newId, setNewId] = useState('');
  const [description, setDescription] = useState('');
  const create = useAction();
  const remove = useAction();
  const body = { apps: [{ id: newId.trim(), ...(description.trim() ? { description: description.trim() } : {}) }] };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await create.run(() => api.post('/v2/users/me/apps', body))) {
      setNewId('');
      setDescription('');
      apps.reload();
    }
  };
  const del = async (id: string) => {
    if (!confirm(`Delete app '${id}' with its models, inputs and app keys?`)) return;
    if (await remove.run(() => api.delete(`/v2/users/me/apps/${encodeURIComponent(id)}`))) apps.reload();
  };
  return (
    <section>
      <h1>Apps</h1>
      <div class="toolbar">
        <Field label="Filter this page" id="apps-filter">
          <input id="apps-filter" type="search" value={filter} onInput={(e) => setQuery({ q: e.currentTarget.value })} />
        </Field>
      </div>
      <ErrorBox error={apps.error} />
      <ErrorBox error={remove.error} />
      <table class="list">
        <caption class="sr-only">Apps</caption>
        <thead>
          <tr>
            <th scope="col">App</th>
            <th scope="col">Description</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((a) => (
            <tr key={a.id}>
              <td>
                <Link href={hrefOf({ page: 'app', app: a.id ?? '', tab: 'models' })}>{a.id}</Link>
                {a.name && a.name !== a.id && <div class="muted">{a.name}</div>}
              </td>
              <td>{a.description || <span class="muted">—</span>}</td>
              <td>{when(a.created_at)}</td>
              <td class="actions">
                <button type="button" class="danger" onClick={() => del(a.id ?? '')} aria-label={`Delete app ${a.id}`}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
          {!apps.loading && shown.length === 0 && (
            <tr>
              <td colSpan={4} class="muted">
                {filter ? 'No app on this page matches the filter.' : 'No apps yet: create one below.'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <Pager page={page} perPage={PER_PAGE} count={apps.data?.apps.length ?? 0} onPage={(p) => setQuery({ page: p })} />
      <form class="card" onSubmit={submit}>
        <h2>Create an app</h2>
        <Field label="App id" id="new-app-id" hint="Letters, digits, _ and -; up to 128 characters.">
          <input id="new-app-id" required value={newId} onInput={(e) => setNewId(e.currentTarget.value)} />
        </Field>
        <Field label="Description" id="new-app-description">
          <input id="new-app-description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={create.busy || !newId.trim()}>
          Create app
        </button>
        <ErrorBox error={create.error} />
        <Curl method="POST" path="/v2/users/me/apps" body={body} />
      </form>
    </section>
  );
}
