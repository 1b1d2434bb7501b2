/**
 * The console's URLs: one per app, model and version (shareable), all under /console. Pure, so the
 * mapping is table-tested; the server answers every /console/* path with the same page.
 */
export type VersionTab = 'overview' | 'predict' | 'evaluation';
export type AppTab = 'models' | 'inputs' | 'datasets';

export type Route =
  | { page: 'apps' }
  | { page: 'keys' }
  | { page: 'app'; app: string; tab: AppTab }
  | { page: 'model'; app: string; model: string }
  | { page: 'new-version'; app: string; model: string }
  | { page: 'compare'; app: string; model: string }
  | { page: 'version'; app: string; model: string; version: string; tab: VersionTab }
  | { page: 'not-found'; path: string };

export const BASE = '/console';

const seg = (s: string): string => encodeURIComponent(s);

/** The path of a route (without query). */
export function hrefOf(r: Route): string {
  switch (r.page) {
    case 'apps':
      return `${BASE}/`;
    case 'keys':
      return `${BASE}/keys`;
    case 'app':
      return `${BASE}/apps/${seg(r.app)}${r.tab === 'models' ? '' : `/${r.tab}`}`;
    case 'model':
      return `${BASE}/apps/${seg(r.app)}/models/${seg(r.model)}`;
    case 'new-version':
      return `${BASE}/apps/${seg(r.app)}/models/${seg(r.model)}/versions/new`;
    case 'compare':
      return `${BASE}/apps/${seg(r.app)}/models/${seg(r.model)}/compare`;
    case 'version':
      return `${BASE}/apps/${seg(r.app)}/models/${seg(r.model)}/versions/${seg(r.version)}${r.tab === 'overview' ? '' : `/${r.tab}`}`;
    case 'not-found':
      return r.path;
  }
}

const APP_TABS: readonly AppTab[] = ['inputs', 'datasets'];
const VERSION_TABS: readonly VersionTab[] = ['predict', 'evaluation'];

/** The route of a path; `/` and `/console` are the apps list. Unknown paths are a 'not-found' route, never a throw. */
export function parseRoute(pathname: string): Route {
  let p = pathname.replace(/\/+$/, '');
  if (p === '' || p === BASE) return { page: 'apps' };
  if (!p.startsWith(`${BASE}/`)) return { page: 'not-found', path: pathname };
  p = p.slice(BASE.length + 1);
  let parts: string[];
  try {
    parts = p.split('/').map(decodeURIComponent);
  } catch {
    return { page: 'not-found', path: pathname };
  }
  const [a, app, b, model, c, version, tab, ...rest] = parts;
  if (a === 'keys' && parts.length === 1) return { page: 'keys' };
  if (a !== 'apps' || !app) return { page: 'not-found', path: pathname };
  if (b === undefined) return { page: 'app', app, tab: 'models' };
  if (model === undefined && (APP_TABS as string[]).includes(b)) return { page: 'app', app, tab: b as AppTab };
  if (b !== 'models' || !model) return { page: 'not-found', path: pathname };
  if (c === undefined) return { page: 'model', app, model };
  if (c === 'compare' && version === undefined) return { page: 'compare', app, model };
  if (c !== 'versions' || !version || rest.length > 0) return { page: 'not-found', path: pathname };
  if (version === 'new' && tab === undefined) return { page: 'new-version', app, model };
  if (tab === undefined) return { page: 'version', app, model, version, tab: 'overview' };
  if ((VERSION_TABS as string[]).includes(tab)) return { page: 'version', app, model, version, tab: tab as VersionTab };
  return { page: 'not-found', path: pathname };
}
