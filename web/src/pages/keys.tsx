import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { Key } from '../api-types.js';
import { useApi } from '../context.js';
import { CopyButton, Curl, ErrorBox, Field, useAction, useLoad, when } from '../ui/common.js';

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
    <section>
      <h1>Keys</h1>
      <ErrorBox error={keys.error} />
      <ErrorBox error={revoke.error} />
      <table class="list">
        <caption class="sr-only">Keys</caption>
        <thead>
          <tr>
            <th scope="col">Description</th>
            <th scope="col">Type</th>
            <th scope="col">Scopes</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(keys.data?.keys ?? []).map((k) => (
            <tr key={k.id}>
              <td>
                {k.description || <span class="muted">(no description)</span>}
                <div class="muted">
                  <code>{k.id}</code>
                </div>
              </td>
              <td>{k.type === 'personal_access_token' ? 'PAT' : `app key${k.apps?.[0]?.id ? ` (${k.apps[0].id})` : ''}`}</td>
              <td>{(k.scopes ?? []).join(', ')}</td>
              <td>{when(k.created_at)}</td>
              <td class="actions">
                <button type="button" class="danger" onClick={() => del(k)} aria-label={`Revoke key ${k.description || k.id}`}>
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="card" onSubmit={submit}>
        <h2>Create a key</h2>
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
        <button type="submit" disabled={create.busy || (kind === 'app' && (!app.trim() || scopes.length === 0))}>
          Create key
        </button>
        <ErrorBox error={create.error} />
        {token && (
          <div class="notice" role="status">
            <p>
              <strong>Copy the token now:</strong> it is shown only once.
            </p>
            <p>
              <code class="token">{token}</code> <CopyButton text={token} label="Copy token" />
            </p>
          </div>
        )}
        <Curl method="POST" path="/v2/users/me/keys" body={body} />
      </form>
    </section>
  );
}
