import { evalStatus } from '../../domain/eval-status.js';
import { isJsonObject, type JsonObject } from '../../domain/json.js';
import { Code } from '../../domain/status-codes.js';
import type { ApiObject } from '../core/context.js';

/**
 * A version's evaluation is kept on its `metrics` column in the API's own `EvalMetrics` JSON shape
 * (what GetModelVersionMetrics returns with every field asked for). Reads show the summary; the
 * large parts only when `fields` (FieldsValue) asks for them.
 */

/** The FieldsValue flags; the first five are what modelkeep computes (the last two are for detectors). */
export const METRICS_FIELDS = [
  'confusion_matrix',
  'cooccurrence_matrix',
  'label_counts',
  'binary_metrics',
  'test_set',
  'metrics_by_area',
  'metrics_by_class',
] as const;
const HEAVY = new Set<string>(METRICS_FIELDS);

/** The flags set in a request's `fields` (FieldsValue). */
export function fieldsOf(raw: unknown): Set<string> {
  const out = new Set<string>();
  if (!isJsonObject(raw)) return out;
  for (const f of METRICS_FIELDS) {
    const v: unknown = raw[f];
    if (v === true || v === 'true' || v === 1) out.add(f);
  }
  return out;
}

/** The API `EvalMetrics` of a version: status 21302 when never evaluated; heavy parts only when asked. */
export function metricsToApi(stored: JsonObject | null, fields: ReadonlySet<string> = new Set()): ApiObject {
  if (!stored) return { status: evalStatus(Code.MODEL_NOT_EVALUATED) };
  const out: ApiObject = {};
  for (const [key, value] of Object.entries(stored)) if (!HEAVY.has(key) || fields.has(key)) out[key] = value;
  return out;
}
