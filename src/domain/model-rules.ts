import { Visibility } from './entities.js';
import { type ApiError, invalidArgument, invalidRequest } from './errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';

import { checkLength, MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, MAX_NOTES_BYTES } from './limits.js';
import { Code } from './status-codes.js';

const VISIBILITIES = new Set<number>(Object.values(Visibility));

/** True when a value carries anything a user could have meant to set (empty lists, objects and zeros do not count). */
export function hasContent(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return false;
  if (Array.isArray(v)) return v.some(hasContent);
  if (typeof v === 'object') return Object.values(v as object).some(hasContent);
  return true;
}

/** API-DECISIONS row 7: version config sent to the model endpoints is refused, never silently dropped. */
export function rejectVersionFieldsOnModel(rpc: 'PostModels' | 'PatchModels', field: string): never {
  throw versionFieldOnModel(rpc, field);
}

/** The model RPCs that refuse version fields (row 7); REST meets them as unknown JSON fields, gRPC as content. */
export const refusesVersionFields = (rpc: string): rpc is 'PostModels' | 'PatchModels' => rpc === 'PostModels' || rpc === 'PatchModels';

/** The one wording of the row 7 refusal, for both transports. */
export function versionFieldOnModel(rpc: 'PostModels' | 'PatchModels', field: string): ApiError {
  const target = rpc === 'PostModels' ? 'PostModelVersions (in model_versions[0])' : 'PatchModelVersions';
  return invalidArgument(
    `${field} is model-version configuration and is not accepted by ${rpc} since the 2023-01-20 API change; send it to ${target}. ${rpc} changes model-level fields only.`,
  );
}

/** The version fields that older clients send on a Model (JSON names, removed from the current protos). */
export const LEGACY_MODEL_VERSION_FIELDS = new Set([
  'output_info',
  'input_info',
  'train_info',
  'import_info',
  'outputInfo',
  'inputInfo',
  'trainInfo',
  'importInfo',
]);

/**
 * The model-level fields a user sets (PostModels, PatchModels), by the one name the API's Model and
 * the models table both give them. Not among them: the identity (pk, user_id, app_id, id),
 * model_type_id (fixed at creation) and the timestamps.
 */
export const MODEL_SETTABLE_FIELDS = [
  'name',
  'description',
  'notes',
  'metadata',
  'visibility',
  'toolkits',
  'use_cases',
  'languages',
  'check_consents',
  'presets',
  'default_eval_info',
  'workflow_recommended',
] as const;
export type ModelSettableField = (typeof MODEL_SETTABLE_FIELDS)[number];

/** One of the Visibility values (10 PRIVATE, 30 ORG, 50 PUBLIC). */
export const isVisibility = (gettable: number): boolean => VISIBILITIES.has(gettable);

const notAVisibility = (field: string, gettable: JsonValue): ApiError =>
  invalidArgument(`${field} ${gettable} is not a visibility: use 10 (PRIVATE), 30 (ORG) or 50 (PUBLIC).`);

export function checkVisibility(gettable: number | undefined, field: string): void {
  if (gettable && !VISIBILITIES.has(gettable)) throw notAVisibility(field, gettable);
}

/** `visibility.gettable` of a (patched) JSON view, checked: undefined when unset or 0, else a Visibility value. */
export function gettableOf(visibility: JsonValue | undefined, field: string): number | undefined {
  const gettable = isJsonObject(visibility) ? visibility.gettable : undefined;
  if (!gettable) return undefined;
  if (typeof gettable !== 'number' || !VISIBILITIES.has(gettable)) throw notAVisibility(field, gettable);
  return gettable;
}

export function checkNotes(notes: string): void {
  const bytes = Buffer.byteLength(notes, 'utf8');
  if (bytes > MAX_NOTES_BYTES) throw invalidArgument(`notes is ${bytes} bytes; the limit is ${MAX_NOTES_BYTES} bytes (64 KB).`);
}

export function checkDescription(description: string, field = 'description'): void {
  checkLength(description, field, MAX_DESCRIPTION_CHARS, Code.MODEL_INVALID_ARGUMENT);
}

export function checkName(name: string, field = 'name'): void {
  checkLength(name, field, MAX_NAME_CHARS, Code.MODEL_INVALID_ARGUMENT);
}

export function checkMetadata(v: JsonValue | undefined, field = 'metadata'): void {
  if (v !== undefined && !isJsonObject(v)) throw invalidArgument(`${field} must be a JSON object.`);
}

/** The metadata of a (patched) JSON view, checked: a JSON object, {} when unset. */
export function metadataOf(v: JsonValue | undefined, field = 'metadata'): JsonObject {
  checkMetadata(v, field);
  return isJsonObject(v) ? v : {};
}

/** API-DECISIONS row 6: the pre-2023 "train the latest version" call has nothing to train from now. */
export function requireOneVersion(count: number): void {
  if (count === 0) {
    throw invalidRequest(
      'PostModelVersions needs the new version in model_versions[0] (with its output_info / input_info / train_info / import_info). Since the 2023-01-20 API change an empty request no longer trains "the latest version".',
    );
  }
  if (count > 1) throw invalidRequest(`PostModelVersions creates one version per call; got ${count} entries in model_versions.`);
}
