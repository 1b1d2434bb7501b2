import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { query } from '../api.js';
import type { App } from '../api-types.js';
import { useApi } from '../context.js';
import { setQuery } from '../nav.js';
import { hrefOf } from '../routes.js';
import { Field, Link, Pager, useAction, useLoad, when } from '../ui/common.js';
import { ResourcePage } from '../ui/resource-page.js';

const PER_PAGE = 20;

/** Apps: ListApps with the API doing the search (`search`: every word in the id, name or description) and the paging. */
export function AppsPage(): JSX.Element {
  const api = useApi();
  const params = new URLSearchParams(location.search);
  const page = Math.max(1, Number(params.get('page')) || 1);
  const search = params.get('q') ?? '';
  const listPath = `/v2/users/me/apps${query({ page, per_page: PER_PAGE, search })}`;
  const apps = useLoad(() => api.get<{ apps: App[] }>(listPath), [listPath]);
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
  const del = async (a: App) => {
    if (!confirm(`Delete app '${a.id}' with its models, inputs and app keys?`)) return;
    if (await remove.run(() => api.delete(`/v2/users/me/apps/${encodeURIComponent(a.id ?? '')}`))) apps.reload();
  };
  const shown = apps.data?.apps ?? [];
  return (
    <ResourcePage<App>
      title="Apps"
      toolbar={
        <Field label="Search apps" id="apps-search" hint="Every word in the id, name or description.">
          <input
            id="apps-search"
            type="search"
            aria-describedby="apps-search-hint"
            value={search}
            onChange={(e) => setQuery({ q: e.currentTarget.value, page: undefined })}
          />
        </Field>
      }
      errors={[apps.error, remove.error]}
      items={shown}
      loading={apps.loading}
      keyOf={(a) => a.id ?? ''}
      columns={[
        {
          title: 'App',
          cell: (a) => (
            <>
              <Link href={hrefOf({ page: 'app', app: a.id ?? '', tab: 'models' })}>{a.id}</Link>
              {a.name && a.name !== a.id && <div class="muted">{a.name}</div>}
            </>
          ),
        },
        { title: 'Description', cell: (a) => a.description || <span class="muted">—</span> },
        { title: 'Created', cell: (a) => when(a.created_at) },
      ]}
      action={{ label: 'Delete', name: (a) => `Delete app ${a.id}`, run: (a) => void del(a) }}
      empty={search ? 'No app matches the search.' : 'No apps yet: create one below.'}
      footer={<Pager page={page} perPage={PER_PAGE} count={shown.length} onPage={(p) => setQuery({ page: p })} />}
      create={{
        title: 'Create an app',
        submit: 'Create app',
        onSubmit: submit,
        disabled: create.busy || !newId.trim(),
        error: create.error,
        curl: { method: 'POST', path: '/v2/users/me/apps', body },
        children: (
          <>
            <Field label="App id" id="new-app-id" hint="Letters, digits, _ and -; up to 128 characters.">
              <input id="new-app-id" required value={newId} onInput={(e) => setNewId(e.currentTarget.value)} />
            </Field>
            <Field label="Description" id="new-app-description">
              <input id="new-app-description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
            </Field>
          </>
        ),
      }}
    />
  );
}
