import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { Api } from '../api.js';
import { ErrorBox } from '../ui/common.js';

/** Checks the PAT with ListApps before keeping it, so a typo is told at once, with the API's status. */
export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (pat: string) => void }): JSX.Element {
  const [pat, setPat] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const token = pat.trim();
    setBusy(true);
    setError(undefined);
    try {
      await new Api(token, () => undefined).get('/v2/users/me/apps?per_page=1');
      onSignedIn(token);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="signin">
      <h1>modelkeep</h1>
      <p>
        Sign in with a personal access token. It is kept in this tab only (sessionStorage) and sent as <code>Authorization: Key …</code>.
      </p>
      {notice && (
        <div class="notice" role="status">
          {notice}
        </div>
      )}
      <form onSubmit={submit}>
        <label for="pat">Personal access token</label>
        <input id="pat" type="password" autoComplete="off" required value={pat} onInput={(e) => setPat(e.currentTarget.value)} />
        <button type="submit" disabled={busy || !pat.trim()}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <ErrorBox error={error} />
      <p class="muted">The first start of modelkeep prints the admin user’s token once.</p>
    </main>
  );
}
