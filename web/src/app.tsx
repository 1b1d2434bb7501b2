import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Api, type ApiFailure } from './api.js';
import { ApiContext } from './context.js';
import { AppPage } from './pages/app.js';
import { AppsPage } from './pages/apps.js';
import { ComparePage } from './pages/compare.js';
import { KeysPage } from './pages/keys.js';
import { ModelPage } from './pages/model.js';
import { NewVersionPage } from './pages/new-version.js';
import { SignIn } from './pages/sign-in.js';
import { VersionPage } from './pages/version.js';
import { hrefOf, parseRoute, type Route } from './routes.js';
import { session } from './session.js';
import { Link } from './ui/common.js';

function useLocation(): string {
  const [loc, setLoc] = useState(location.pathname + location.search);
  useEffect(() => {
    const update = () => setLoc(location.pathname + location.search);
    window.addEventListener('popstate', update);
    window.addEventListener('mk:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('mk:navigate', update);
    };
  }, []);
  return loc;
}

function titleOf(r: Route): string {
  switch (r.page) {
    case 'apps':
      return 'Apps';
    case 'keys':
      return 'Keys';
    case 'app':
      return `${r.app} · ${r.tab}`;
    case 'model':
      return `${r.model} · ${r.app}`;
    case 'new-version':
      return `New version · ${r.model}`;
    case 'compare':
      return `Compare versions · ${r.model}`;
    case 'version':
      return `${r.version.slice(0, 8)} · ${r.model}`;
    default:
      return 'Not found';
  }
}

function Page({ route }: { route: Route }): JSX.Element {
  switch (route.page) {
    case 'apps':
      return <AppsPage />;
    case 'keys':
      return <KeysPage />;
    case 'app':
      return <AppPage app={route.app} tab={route.tab} />;
    case 'model':
      return <ModelPage app={route.app} model={route.model} />;
    case 'new-version':
      return <NewVersionPage app={route.app} model={route.model} />;
    case 'compare':
      return <ComparePage app={route.app} model={route.model} />;
    case 'version':
      return <VersionPage app={route.app} model={route.model} version={route.version} tab={route.tab} />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            No console page at <code>{route.path}</code>. <Link href={hrefOf({ page: 'apps' })}>Go to the apps</Link>.
          </p>
        </section>
      );
  }
}

/** The shell: sign-in until a PAT is kept, then the header and the page of the current URL. */
export function App(): JSX.Element {
  const loc = useLocation();
  const route = parseRoute(loc.split('?')[0]!);
  const [pat, setPat] = useState(session.pat());
  const [notice, setNotice] = useState(session.notice());
  const signOut = (message?: string) => {
    session.signOut(message);
    setNotice(message ?? null);
    setPat(null);
  };
  const api = useMemo(
    () =>
      pat
        ? new Api(pat, (f: ApiFailure) =>
            signOut(
              `Signed out: the key was refused (${f.code} ${f.description}${f.details ? ` — ${f.details}` : ''}). Sign in with a valid personal access token.`,
            ),
          )
        : null,
    [pat],
  );
  useEffect(() => {
    document.title = pat ? `${titleOf(route)} — modelkeep` : 'Sign in — modelkeep';
  }, [loc, pat]);
  // A new page (not a changed filter) moves keyboard and screen-reader focus to its content, as a
  // full page load would; the first render leaves focus where the browser put it.
  const path = loc.split('?')[0]!;
  const lastPath = useRef(path);
  useEffect(() => {
    if (lastPath.current === path) return;
    lastPath.current = path;
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);

  if (!api) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(p) => {
          session.signIn(p);
          setNotice(null);
          setPat(p);
        }}
      />
    );
  }
  const section = route.page === 'keys' ? 'keys' : 'apps';
  return (
    <ApiContext.Provider value={api}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href={hrefOf({ page: 'apps' })} class="brand">
          modelkeep
        </Link>
        <nav aria-label="Main">
          <Link href={hrefOf({ page: 'apps' })} aria-current={section === 'apps' ? 'page' : undefined}>
            Apps
          </Link>
          <Link href={hrefOf({ page: 'keys' })} aria-current={section === 'keys' ? 'page' : undefined}>
            Keys
          </Link>
        </nav>
        <button type="button" class="secondary" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} key={loc.split('?')[0]} />
      </main>
    </ApiContext.Provider>
  );
}
