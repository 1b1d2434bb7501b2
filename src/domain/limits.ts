// What one call may carry: every size limit on a request's contents, in one place, each with where its
// number comes from (decision 0012). A call over a limit is refused whole, before anything is written,
// with the code of the RPC's own family and details naming the limit.
import { ApiError } from './errors.js';
import type { StatusCode } from './status-codes.js';

/**
 * Items in one list of one call: inputs, ids, apps, keys, concepts, datasets, versions. Clarifai
 * documents 128 for inputs (PostInputs "up to 128 image inputs per batch", SDK MAX_UPLOAD_BATCH_SIZE),
 * predict (SDK MAX_MODEL_PREDICT_INPUTS) and DeleteInputs ids (upcoming-api-changes table); modelkeep
 * applies the same number to every other list, so no call's work grows past a known bound.
 */
export const MAX_ITEMS_PER_CALL = 128;

/**
 * Concept labels on one input (data.concepts). Clarifai documents no number; 128 is modelkeep's, as for a
 * call's lists: a training snapshot (PostDatasetVersions) copies every label, so an input with 5,000
 * labels stalled the process (issue 18 item 2).
 */
export const MAX_LABELS_PER_INPUT = 128;

/**
 * Search text (ListModels name and query, PostModelsSearches model_query.name). Clarifai documents no
 * number; 256 characters is ample for a name or a few words and far below SQLite's LIKE pattern limit
 * (50,000 bytes: a 60,000-character model_query.name answered 500).
 */
export const MAX_SEARCH_TEXT_CHARS = 256;

/**
 * The text a search ranks by (PostInputsSearches ranks[].annotation.data.text.raw). Clarifai documents no
 * number; 2,048 characters is a long paragraph, and bounds the embedding work one search asks for.
 */
export const MAX_SEARCH_QUERY_TEXT_CHARS = 2048;

/**
 * A name (model, app, concept). Clarifai documents no number; 512 characters is what PostConcepts
 * already enforced for concept names, now the one limit for every name.
 */
export const MAX_NAME_CHARS = 512;

/** A description (model, version, dataset, app, key). Clarifai documents no number; modelkeep's (models and datasets had it before the limits module). */
export const MAX_DESCRIPTION_CHARS = 4096;

/** A model's `notes` (Markdown shown on its page), in UTF-8 bytes. Clarifai documents no number; modelkeep's. */
export const MAX_NOTES_BYTES = 64 * 1024;

/** Throws `code` when a string is longer than `limit` characters: "model.name is 60000 characters; the limit is 512." */
export function checkLength(value: string, field: string, limit: number, code: StatusCode): void {
  if (value.length > limit) throw new ApiError(code, `${field} is ${value.length} characters; the limit is ${limit}.`);
}

/**
 * Throws `code` when a list of `rpc`'s request is longer than `limit`: "PostApps takes at most 128 apps
 * per call; got 129".
 */
export function checkCount(count: number, rpc: string, field: string, code: StatusCode, limit = MAX_ITEMS_PER_CALL): void {
  if (count > limit)
    throw new ApiError(code, `${rpc} takes at most ${limit} ${field} per call; got ${count}. Split the request into calls of at most ${limit}.`);
}

/** A request string quoted in `details`: at most 140 characters (an id is 128), so no answer echoes a huge input. */
export const shown = (s: string): string => (s.length > 140 ? `${s.slice(0, 140)}…` : s);
