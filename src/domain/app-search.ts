// ListApps' search: which of a user's apps a request's `search` / `query` / `name` / `id` selects.
// `appListFilter` reads the request; `appMatches` is the rule itself, which the store's SQL
// (src/storage/repos/apps.repo.ts) implements and the store contract suite checks against.
import type { App } from './entities.js';
import { ApiError } from './errors.js';
import { MAX_SEARCH_TEXT_CHARS } from './limits.js';
import { Code } from './status-codes.js';

export interface AppFilter {
  /**
   * `search` (and the deprecated `query`): every term must occur, case-insensitively, somewhere in the
   * app's id, name or description (`clari` finds `clarifai`; `pets dogs` needs both). Terms are the
   * whitespace-separated words of the text, ASCII-lower-cased.
   */
  terms?: string[];
  /** `name`: a wildcard pattern (`gen*`) matched whole against the id or the name, case-insensitively. */
  namePattern?: string;
  /** `id`: a wildcard pattern matched whole against the id. */
  idPattern?: string;
}

export interface AppSearchRequest {
  search?: string | undefined;
  query?: string | undefined;
  name?: string | undefined;
  id?: string | undefined;
}

/**
 * Case folding of ASCII letters only: what SQLite's lower() (without ICU) and PostgreSQL's lower() on
 * the store's COLLATE "C" columns both do, so the rule and the SQL agree on every text.
 */
export const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** The filter of a ListApps request; undefined when it asks for none. Over-long text is 11100, naming the field. */
export function appListFilter(req: AppSearchRequest): AppFilter | undefined {
  for (const f of ['search', 'query', 'name', 'id'] as const) {
    const v = req[f];
    if (typeof v === 'string' && v.length > MAX_SEARCH_TEXT_CHARS)
      throw new ApiError(Code.CONN_BAD_REQUEST_FORMAT, `${f} is ${v.length} characters; search text is at most ${MAX_SEARCH_TEXT_CHARS}.`);
  }
  const filter: AppFilter = {};
  // `query` is the deprecated spelling of `search`; when both come, both must hold.
  const terms = [req.search, req.query].flatMap((t) => (typeof t === 'string' ? asciiLower(t).split(/\s+/).filter(Boolean) : []));
  if (terms.length > 0) filter.terms = [...new Set(terms)];
  if (typeof req.name === 'string' && req.name !== '') filter.namePattern = req.name;
  if (typeof req.id === 'string' && req.id !== '') filter.idPattern = req.id;
  return Object.keys(filter).length > 0 ? filter : undefined;
}

const wildcard = (pattern: string): RegExp =>
  new RegExp(
    `^${asciiLower(pattern)
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );

/** Whether `app` is selected by `filter` (every part that is set must hold). */
export function appMatches(app: Pick<App, 'id' | 'name' | 'description'>, filter: AppFilter | undefined): boolean {
  if (!filter) return true;
  const id = asciiLower(app.id);
  const name = asciiLower(app.name);
  const description = asciiLower(app.description);
  if (filter.terms && !filter.terms.every((t) => id.includes(t) || name.includes(t) || description.includes(t))) return false;
  if (filter.namePattern !== undefined) {
    const re = wildcard(filter.namePattern);
    if (!re.test(id) && !re.test(name)) return false;
  }
  if (filter.idPattern !== undefined && !wildcard(filter.idPattern).test(id)) return false;
  return true;
}
