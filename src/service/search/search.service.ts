import { ApiError } from '../../domain/errors.js';
import { parseQuery, parseSearches, type SearchPlan } from '../../domain/search-query.js';
import { Code } from '../../domain/status-codes.js';
import type * as api from '../../gen/api.js';
import { type CallContext, typedRpcs } from '../core/context.js';
import { pageOf } from '../core/paging.js';
import { annotationToApi } from '../mappers/annotation.mapper.js';
import { inputToApi } from '../mappers/input.mapper.js';
import { runAnnotationSearch, runSearch, type SearchDeps } from './run-search.js';

async function answer(
  d: SearchDeps,
  ctx: CallContext,
  plan: SearchPlan,
  pagination: api.Pagination | undefined,
  rankPath: string,
  onlyCount = false,
): Promise<api.MultiSearchResponse> {
  const page = pageOf(pagination ?? {}, Code.SEARCH_INVALID_REQUEST);
  const { hits, total } = await runSearch(d, ctx, plan, page, rankPath);
  if (onlyCount) return { id: ctx.reqId, hits: [], hit_counts: [{ estimated_total: String(total) }] };
  return {
    id: ctx.reqId,
    hits: hits.map((h) => ({ score: h.score, input: inputToApi(h.input), user_id: ctx.app!.userId, app_id: ctx.app!.id })),
  };
}

/**
 * Search over an app's inputs (decision 0032): filters by labels, metadata, type, dataset, id and
 * status; ranking by exact cosine similarity to a text, an image or a stored input.
 */
export function searchRpcs(d: SearchDeps) {
  return typedRpcs({
    PostInputsSearches: {
      access: 'app-read',
      async handle(ctx, req) {
        const plan = parseSearches(req.searches);
        return { ...(await answer(d, ctx, plan, req.pagination, 'searches[0].query.ranks[0].annotation', req.only_count === true)), searches: req.searches };
      },
    },
    /** Filters only: ranking is by input (PostInputsSearches). Hits carry the matched annotation. */
    PostAnnotationsSearches: {
      access: 'app-read',
      async handle(ctx, req) {
        const plan = parseSearches(req.searches);
        if (plan.rank)
          throw new ApiError(
            Code.SEARCH_INVALID_REQUEST,
            'searches[0].query.ranks: PostAnnotationsSearches takes filters only in modelkeep; rank by similarity with PostInputsSearches.',
          );
        const page = pageOf(req.pagination ?? {}, Code.SEARCH_INVALID_REQUEST);
        const { hits } = await runAnnotationSearch(d, ctx, plan, page);
        return {
          id: ctx.reqId,
          searches: req.searches,
          hits: hits.map((h) => ({
            score: 1,
            input: inputToApi(h.input),
            annotation: annotationToApi(h.annotation),
            user_id: ctx.app!.userId,
            app_id: ctx.app!.id,
          })),
        };
      },
    },
    /** The older endpoint: `query` (filters / ranks or the deprecated `ands`) or, in newer clients, `searches`. */
    PostSearches: {
      access: 'app-read',
      async handle(ctx, req) {
        const hasQuery = req.query !== undefined && req.query !== null;
        const hasSearches = (req.searches?.length ?? 0) > 0;
        if (hasQuery && hasSearches)
          throw new ApiError(Code.SEARCH_INVALID_REQUEST, 'PostSearches takes query or searches, not both; send the query in searches[0].query.');
        if (!hasQuery && !hasSearches)
          throw new ApiError(Code.SEARCH_INVALID_REQUEST, 'PostSearches needs a query (or searches[0].query) with filters or ranks.');
        const plan = hasQuery ? parseQuery(req.query, 'query') : parseSearches(req.searches);
        const rankPath = hasQuery ? 'query.ranks[0].annotation' : 'searches[0].query.ranks[0].annotation';
        return { ...(await answer(d, ctx, plan, req.pagination, rankPath)), ...(hasQuery ? { query: req.query } : { searches: req.searches }) };
      },
    },
  });
}
