import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { Key } from '../api-types.js';
import { useApi } from '../context.js';
import { CopyButton, Field, useAction, useLoad, when } from '../ui/common.js';
import { ResourcePage } from '../ui/resource-page.js';

// The commonly needed scopes of clarifai.auth.scope.S for an app key (the server checks the names).
const SCOPES = [
  'All',
  'Predict',
  'Models_Get',
  'Models_Add',
  'Models_Patch',
  'Models_Delete',
  'Models_Train',
  'Inputs_Get',
  'Inputs_Add',
  'Inputs_Patch',
  'Inputs_Delete',
  'Concepts_Get',
  'Concepts_Add',
  'Datasets_Get',
  'Datasets_Add',
  'Metrics_Get',
  'Metrics_Add',
];

/** ListKeys / PostKeys / DeleteKey: the token is shown once, when made; listings show only its public id. */
export function KeysPage(): JSX.Element {
  const api = useApi();
  const keys = useLoad(() => api.get<{ keys: Key[] }>('/v2/users/me/keys?per_page=100'), []);
  const [description, setDescription] = useState('');
  const [kind, setKind] = useState<'pat' | 'app'>('pat');
  const [app, setApp] = useState('');
  const [scopes, setScopes] = useState<string[]>(['All']);
  const [token, setToken] = useState<string | null>(null);
  const create = useAction();
  const revoke = useAction();
  const key = kind === 'pat' ? { description, type: 'personal_access_token' } : { description, scopes, apps: [{ id: app.trim() }] };
  const body = { keys: [key] };
  const submit = async (e: Event) => {
    e.preventDefault();
    setToken(null);
    await create.run(async () => {
      const r = await api.post<{ keys: Key[] }>('/v2/users/me/keys', body);
      setToken(String(r.keys[0]?.id ?? ''));
      setDescription('');
      keys.reload();
    });
  };
  const del = async (k: Key) => {
    if (!confirm(`Revoke key '${k.description || k.id}'? Anything using it stops working at once.`)) return;
    if (await revoke.run(() => api.delete(`/v2/users/me/keys/${encodeURIComponent(k.id ?? '')}`))) keys.reload();
  };
  const toggle = (s: string, on: boolean) => setScopes(on ? [...scopes, s] : scopes.filter((x) => x !== s));
  return (
    <ResourcePage<Key>
      title="Keys"
      errors={[keys.error, revoke.error]}
      items={keys.data?.keys ?? []}
      loading={keys.loading}
      keyOf={(k) => k.id ?? ''}
      columns={[
        {
          title: 'Description',
          cell: (k) => (
            <>
              {k.description || <span class="muted">(no description)</span>}
              <div class="muted">
                <code>{k.id}</code>
              </div>
            </>
          ),
        },
        { title: 'Type', cell: (k) => (k.type === 'personal_access_token' ? 'PAT' : `app key${k.apps?.[0]?.id ? ` (${k.apps[0].id})` : ''}`) },
        { title: 'Scopes', cell: (k) => (k.scopes ?? []).join(', ') },
        { title: 'Created', cell: (k) => when(k.created_at) },
      ]}
      action={{ label: 'Revoke', name: (k) => `Revoke key ${k.description || k.id}`, run: (k) => void del(k) }}
      empty="No keys yet: create one below."
      create={{
        title: 'Create a key',
        submit: 'Create key',
        onSubmit: submit,
        disabled: create.busy || (kind === 'app' && (!app.trim() || scopes.length === 0)),
        error: create.error,
        curl: { method: 'POST', path: '/v2/users/me/keys', body },
        notice: token && (
          <div class="notice" role="status">
            <p>
              <strong>Copy the token now:</strong> it is shown only once.
            </p>
            <p>
              <code class="token">{token}</code> <CopyButton text={token} label="Copy token" />
            </p>
          </div>
        ),
        children: (
          <>
            <fieldset>
              <legend>Kind</legend>
              <label class="inline">
                <input type="radio" name="kind" checked={kind === 'pat'} onChange={() => setKind('pat')} /> Personal access token (all your apps)
              </label>
              <label class="inline">
                <input type="radio" name="kind" checked={kind === 'app'} onChange={() => setKind('app')} /> App key (one app, chosen scopes)
              </label>
            </fieldset>
            <Field label="Description" id="key-description">
              <input id="key-description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
            </Field>
            {kind === 'app' && (
              <>
                <Field label="App id" id="key-app">
                  <input id="key-app" required value={app} onInput={(e) => setApp(e.currentTarget.value)} />
                </Field>
                <fieldset class="scopes">
                  <legend>Scopes</legend>
                  {SCOPES.map((s) => (
                    <label class="inline" key={s}>
                      <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => toggle(s, e.currentTarget.checked)} /> {s}
                    </label>
                  ))}
                </fieldset>
              </>
            )}
          </>
        ),
      }}
    />
  );
}
