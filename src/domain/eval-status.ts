import type { JsonObject } from './json.js';
import { describe } from './status-codes.js';

/** The `status` of an EvalMetrics, as stored on a version and answered by the API. */
export function evalStatus(code: number, details = '', percentCompleted = 0): JsonObject {
  const s: JsonObject = { code, description: describe(code) };
  if (details) s.details = details;
  if (percentCompleted) s.percent_completed = percentCompleted;
  return s;
}
