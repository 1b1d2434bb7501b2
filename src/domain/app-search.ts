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

/** What ListApps sorts on: its sort_by_* oneof (star counts are all 0 here, so sort_by_star_count is the id tie-break alone). */
export type AppSortField = 'id' | 'name' | 'created_at' | 'modified_at' | 'relevance';

/** The order and the filters of ListApps besides its search. */
export interface AppListOrder {
  sort: { field: AppSortField; ascending: boolean };
  /** Only apps of this visibility (`visibility.gettable`). */
  visibility?: number;
}

export interface AppOrderRequest {
  sort_ascending?: boolean | undefined;
  sort_by_name?: boolean | undefined;
  sort_by_modified_at?: boolean | undefined;
  sort_by_created_at?: boolean | undefined;
  sort_by_star_count?: boolean | undefined;
  sort_by_id?: boolean | undefined;
  sort_by_relevance?: boolean | undefined;
  featured_only?: boolean | undefined;
  starred_only?: boolean | undefined;
  template_only?: boolean | undefined;
  visibility?: { gettable?: number | undefined } | undefined;
}

/**
 * ListApps' sort and filter fields, read as the proto documents them (ListAppsRequest): modified_at
 * when no sort is set, descending unless sort_ascending; sort_by_relevance only with a search. The
 * filters naming what this server cannot hold — apps handpicked by Clarifai's staff (featured_only),
 * starred apps (stars are not served), template apps (the flag is not kept) — select no app at all:
 * `none` says which, and the answer is an empty list, as Clarifai answers when no app qualifies.
 */
export function appListOrder(req: AppOrderRequest, filter: AppFilter | undefined): AppListOrder & { none?: string } {
  const ascending = req.sort_ascending === true;
  let field: AppSortField = 'modified_at';
  if (req.sort_by_name) field = 'name';
  else if (req.sort_by_created_at) field = 'created_at';
  else if (req.sort_by_id || req.sort_by_star_count) field = 'id';
  else if (req.sort_by_relevance) {
    if (!filter?.terms?.length)
      throw new ApiError(
        Code.CONN_BAD_REQUEST_FORMAT,
        'sort_by_relevance ranks the apps a search finds: send it with search (e.g. "search": "pets"), or sort by name, id, created_at or modified_at.',
      );
    field = 'relevance';
  }
  const out: AppListOrder & { none?: string } = { sort: { field, ascending } };
  const visibility = req.visibility?.gettable;
  if (visibility) out.visibility = visibility;
  if (req.featured_only) out.none = 'featured_only';
  else if (req.starred_only) out.none = 'starred_only';
  else if (req.template_only) out.none = 'template_only';
  return out;
}

/**
 * Relevance of an app to the first search term, best 0: the id is the term, the id starts with it, the
 * name starts with it, anything else the search matched. The store's SQL computes the same rank.
 */
export function appRelevance(app: Pick<App, 'id' | 'name'>, term: string): number {
  const id = asciiLower(app.id);
  if (id === term) return 0;
  if (id.startsWith(term)) return 1;
  if (asciiLower(app.name).startsWith(term)) return 2;
  return 3;
}
