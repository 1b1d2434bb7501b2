import type { JsonObject } from './json.js';
import { describe } from './status-codes.js';

/**
 * A Clarifai `status` as stored and answered for a resource (a version, its evaluation, one predict
 * output): code, Clarifai's description, then details and percent_completed when set. The one
 * builder of that shape; a response's top-level status (with req_id) is service/core/status.ts.
 */
export function statusJson(code: number, details = '', percentCompleted = 0): JsonObject {
  const s: JsonObject = { code, description: describe(code) };
  if (details) s.details = details;
  if (percentCompleted) s.percent_completed = percentCompleted;
  return s;
}
