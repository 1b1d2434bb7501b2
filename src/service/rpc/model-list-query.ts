import { ApiError, invalidArgument } from '../../domain/errors.js';
import { MAX_SEARCH_TEXT_CHARS, shown } from '../../domain/limits.js';
import type { ModelTypeRegistry } from '../../domain/model-types/catalog.js';
import { Code } from '../../domain/status-codes.js';
import type * as api from '../../gen/api.js';
import type { ModelListQuery, ModelSortField } from '../../ports/store.js';
import { pageOf } from '../core/paging.js';

const SORTS: ReadonlyArray<readonly [keyof api.ListModelsRequest, ModelSortField]> = [
  ['sort_by_name', 'name'],
  ['sort_by_modified_at', 'modified_at'],
  ['sort_by_created_at', 'created_at'],
  ['sort_by_num_inputs', 'num_inputs'],
];
const UNSUPPORTED_SORTS = ['sort_by_star_count', 'sort_by_relevance'] as const satisfies ReadonlyArray<keyof api.ListModelsRequest>;
/** Filters of ListModelsRequest modelkeep does not implement: refused when set rather than ignored. */
const UNSUPPORTED_FILTERS = [
  'license',
  'featured_only',
  'starred_only',
  'toolkits',
  'use_cases',
  'languages',
  'filter_by_user_id',
  'bookmark',
  'model_version_ids',
  'license_type',
  'source',
  'creator',
  'min_replicas',
  'search',
  'visibility',
] as const satisfies ReadonlyArray<keyof api.ListModelsRequest>;

/** Clarifai's `query`: full words, `OR` between words, `-word` excludes. */
export function parseWords(q: string): { groups: string[][]; exclude: string[] } | undefined {
  const tokens = q.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return undefined;
  const groups: string[][] = [];
  const exclude: string[] = [];
  let joinNext = false;
  for (const t of tokens) {
    if (t === 'OR') {
      joinNext = groups.length > 0;
      continue;
    }
    if (t.startsWith('-') && t.length > 1) exclude.push(t.slice(1));
    else if (joinNext) groups[groups.length - 1]!.push(t);
    else groups.push([t]);
    joinNext = false;
  }
  return { groups, exclude };
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null && v !== false && v !== '' && v !== 0 && !(Array.isArray(v) && v.length === 0);

/** ListModelsRequest (or a PostModelsSearches model_query) -> the store's query. */
export function modelListQuery(
  req: api.ListModelsRequest,
  userId: string,
  appId: string | undefined,
  types: ModelTypeRegistry,
  fieldPrefix = '',
): ModelListQuery {
  for (const f of ['name', 'query'] as const) {
    const v = req[f];
    if (typeof v === 'string' && v.length > MAX_SEARCH_TEXT_CHARS)
      throw invalidArgument(`${fieldPrefix}${f} is ${v.length} characters; search text is at most ${MAX_SEARCH_TEXT_CHARS}.`);
  }
  for (const f of UNSUPPORTED_FILTERS)
    if (isSet(req[f]))
      throw invalidArgument(
        `ListModels filter ${f} is not supported by modelkeep; supported: name, query, model_type_id, trained_only, input_fields, output_fields.`,
      );
  for (const s of UNSUPPORTED_SORTS) if (req[s]) throw invalidArgument(`${s} is not supported; sort by name, modified_at, created_at or num_inputs.`);
  let field: ModelSortField = 'modified_at';
  for (const [k, v] of SORTS) if (req[k]) field = v;
  const q: ModelListQuery = { userId, sort: { field, ascending: Boolean(req.sort_ascending) }, page: pageOf(req, Code.MODEL_INVALID_REQUEST) };
  if (appId) q.appId = appId;
  if (typeof req.name === 'string' && req.name) q.namePattern = req.name;
  if (typeof req.query === 'string') {
    const w = parseWords(req.query);
    if (w) q.words = w;
  }
  if (typeof req.model_type_id === 'string' && req.model_type_id) {
    if (!types.get(req.model_type_id)) throw invalidArgument(`model_type_id '${shown(req.model_type_id)}' is not a model type; see ListModelTypes.`);
    q.modelTypeIds = [req.model_type_id];
  }
  const narrow = (ids: string[]): void => {
    q.modelTypeIds = q.modelTypeIds ? q.modelTypeIds.filter((x) => ids.includes(x)) : ids;
  };
  for (const f of req.input_fields ?? [])
    narrow(
      types
        .all()
        .filter((t) => t.inputFields.includes(f))
        .map((t) => t.id),
    );
  for (const f of req.output_fields ?? [])
    narrow(
      types
        .all()
        .filter((t) => t.outputFields.includes(f))
        .map((t) => t.id),
    );
  if (req.trained_only) q.trainedOnly = true;
  return q;
}

/** PostModelsSearches: `model_query {name, model_type_id}` plus `pagination {page, per_page}` in the body. */
export function searchQuery(req: api.PostModelsSearchesRequest, userId: string, appId: string, types: ModelTypeRegistry): ModelListQuery {
  const mq = req.model_query ?? {};
  const pg = req.pagination ?? {};
  const extra = Object.entries(mq)
    .filter(([k, v]) => !['name', 'model_type_id'].includes(k) && isSet(v))
    .map(([k]) => k);
  if (extra.length > 0) throw new ApiError(Code.MODEL_INVALID_ARGUMENT, `model_query.${extra[0]} is not supported; search by name and model_type_id.`);
  return modelListQuery({ name: mq.name, model_type_id: mq.model_type_id, page: pg.page, per_page: pg.per_page }, userId, appId, types, 'model_query.');
}
