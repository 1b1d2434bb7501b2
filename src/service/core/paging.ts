import { ApiError } from '../../domain/errors.js';
import type { StatusCode } from '../../domain/status-codes.js';
import type { Page } from '../../ports/paging.js';

export const DEFAULT_PER_PAGE = 128;
export const MAX_PER_PAGE = 1000;

/** Clarifai paging: page from 1 (0 = 1), per_page default 128, at most 1000. */
export function pageOf(raw: { page?: unknown; per_page?: unknown }, invalidCode: StatusCode): Page {
  const page = Number(raw.page ?? 0) || 1;
  const perPage = Number(raw.per_page ?? 0) || DEFAULT_PER_PAGE;
  if (perPage > MAX_PER_PAGE)
    throw new ApiError(
      invalidCode,
      `per_page ${perPage} is over the maximum of ${MAX_PER_PAGE}; request at most ${MAX_PER_PAGE} per page and use page to go further.`,
    );
  if (page < 1 || perPage < 1) throw new ApiError(invalidCode, 'page and per_page must be positive.');
  return { page, perPage };
}
