import { invalidArgument } from '../errors.js';
import { cloneJson, getPath, isJsonObject, type JsonObject, setPath } from '../json.js';
import { DEFAULT_MAX_CONCEPTS, isMaxConcepts, isMinValue, MAX_MAX_CONCEPTS } from '../output-config.js';
import { type ActiveFields, activeFields } from './active-fields.js';
import { allowedText, checkFieldValue } from './field-values.js';
import { classifyPath, SECTIONS, type Section } from './paths.js';
import type { ConceptInput, ModelTypeDef } from './types.js';

/** The four `*_info` blobs of a ModelVersion in the API's JSON shape (snake_case keys), concepts excluded. */
export interface VersionConfig {
  outputInfo: JsonObject;
  inputInfo: JsonObject;
  trainInfo: JsonObject;
  importInfo: JsonObject;
}

/**
 * PostModelVersions step 2 (reference §4.6): validates the request's config against the model type
 * and returns new blobs with every absent param default filled in, including the hyper-parameters
 * of the chosen template. `input_info.base_embed_model` is passed through (defaulted when the type
 * declares one). Everything else in the blobs (fields_map, output_config, …) is kept as given.
 * @throws ApiError 21202 listing every problem, each naming its path and what is allowed.
 */
export function resolveVersionConfig(type: ModelTypeDef, req: VersionConfig): VersionConfig {
  const root: JsonObject = {
    output_info: cloneJson(req.outputInfo),
    input_info: cloneJson(req.inputInfo),
    train_info: cloneJson(req.trainInfo),
    import_info: cloneJson(req.importInfo),
  };
  const active = activeFields(type.fields, root, true);
  const problems: string[] = [];
  checkOutputConfig(type, root, active, problems);
  const embed = getPath(root, 'input_info.base_embed_model');
  if (embed !== undefined && !isJsonObject(embed)) {
    problems.push('input_info.base_embed_model must be an object such as {"id": "…", "app_id": "…", "user_id": "…"}');
  }
  for (const section of SECTIONS) checkParams(type, section, root, active, problems);
  for (const spec of active.specs.values()) {
    const kind = classifyPath(spec.path)?.kind;
    if (kind !== 'params' && kind !== 'base_embed_model') continue; // output_config is proto-typed: zero values are its defaults
    if (getPath(root, spec.path) !== undefined) continue;
    if (spec.required) problems.push(`${spec.path} is required for model type ${type.id}; allowed: ${allowedText(spec)}`);
    else if (spec.defaultValue !== undefined) setPath(root, spec.path, cloneJson(spec.defaultValue));
  }
  fail(type, problems);
  return {
    outputInfo: root.output_info as JsonObject,
    inputInfo: root.input_info as JsonObject,
    trainInfo: root.train_info as JsonObject,
    importInfo: root.import_info as JsonObject,
  };
}

/**
 * PatchModelVersions and predict-time overrides: the same checks restricted to `output_info`,
 * with nothing required and no defaults filled. Returns a new, normalised copy (ENUM aliases
 * such as ValueComparator numbers become option ids).
 * @throws ApiError 21202 naming the offending paths.
 */
export function validateOutputInfoOverride(type: ModelTypeDef, outputInfo: JsonObject): JsonObject {
  const root: JsonObject = { output_info: cloneJson(outputInfo) };
  const active = activeFields(type.fields, root, false);
  const problems: string[] = [];
  checkOutputConfig(type, root, active, problems);
  checkParams(type, 'output_info', root, active, problems);
  fail(type, problems);
  return root.output_info as JsonObject;
}

/**
 * Checks `output_info.data.concepts` of a new version (reference §4.6 step 3).
 * @throws ApiError 21202 for concepts on a type that takes none, missing required concepts,
 *   empty or duplicate ids, and thresholds outside 0..1.
 */
export function validateConcepts(type: ModelTypeDef, concepts: readonly ConceptInput[]): void {
  const problems: string[] = [];
  if (type.conceptsField === undefined) {
    if (concepts.length > 0) problems.push(`model type ${type.id} takes no concepts; remove output_info.data.concepts`);
  } else if (type.conceptsRequired && concepts.length === 0) {
    problems.push(`output_info.data.concepts is required for model type ${type.id}; give at least one concept`);
  }
  const seen = new Set<string>();
  concepts.forEach((c, i) => {
    const at = `output_info.data.concepts[${i}]`;
    if (c.id === '') problems.push(`${at}.id is empty`);
    else if (seen.has(c.id)) problems.push(`${at}.id '${c.id}' is a duplicate; each concept may appear once`);
    seen.add(c.id);
    if (type.conceptsField === 'ARRAY_OF_CONCEPTS_WITH_THRESHOLD' && !(Number.isFinite(c.value) && c.value >= 0 && c.value <= 1)) {
      problems.push(`${at}.value ${c.value} is out of range for model type ${type.id}; the threshold must be 0 to 1`);
    }
  });
  fail(type, problems);
}

function fail(type: ModelTypeDef, problems: string[]): void {
  if (problems.length > 0) throw invalidArgument(`invalid configuration for model type ${type.id}: ${problems.join('; ')}`);
}

/** Strict: every key of `<section>.params` must be a field that applies; values are normalised in place (on the copy). */
function checkParams(type: ModelTypeDef, section: Section, root: JsonObject, active: ActiveFields, problems: string[]): void {
  const paramsPath = `${section}.params`;
  const params = getPath(root, paramsPath);
  if (params === undefined) return;
  if (!isJsonObject(params)) {
    problems.push(`${paramsPath} must be a JSON object`);
    return;
  }
  const prefix = `${paramsPath}.`;
  const known = [...active.specs.keys()].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
  for (const [key, value] of Object.entries(params)) {
    const path = prefix + key;
    const spec = active.specs.get(path);
    if (!spec) {
      const dormant = active.dormant.get(path);
      if (dormant && dormant.chosenId === undefined) continue; // its ENUM is unset/invalid and reported on its own
      const note = dormant ? ` with ${dormant.enumPath} '${dormant.chosenId}' (it belongs to '${dormant.optionId}')` : '';
      const list = known.length > 0 ? `known: ${known.join(', ')}` : `model type ${type.id} takes no ${paramsPath}`;
      problems.push(`${path} is not a parameter of model type ${type.id}${note}; ${list}`);
    } else if (spec.internalOnly) {
      problems.push(`${path} is internal-only and cannot be set`);
    } else {
      const r = checkFieldValue(spec, value, type.id);
      if (r.ok) params[key] = r.value;
      else problems.push(r.problem);
    }
  }
}

/** output_config keys are OutputConfig fields (the transport enforced that); check the values that have rules. */
function checkOutputConfig(type: ModelTypeDef, root: JsonObject, active: ActiveFields, problems: string[]): void {
  const oc = getPath(root, 'output_info.output_config');
  if (oc === undefined) return;
  if (!isJsonObject(oc)) {
    problems.push('output_info.output_config must be an object');
    return;
  }
  const mc = oc.max_concepts;
  if (mc !== undefined && !isMaxConcepts(mc)) {
    problems.push(
      `output_info.output_config.max_concepts ${JSON.stringify(mc)} is out of range; allowed: 0 (server default of ${DEFAULT_MAX_CONCEPTS}) or 1 to ${MAX_MAX_CONCEPTS}`,
    );
  }
  const mv = oc.min_value;
  if (mv !== undefined && !isMinValue(mv)) {
    problems.push(`output_info.output_config.min_value ${JSON.stringify(mv)} is out of range; allowed: 0 to 1`);
  }
  for (const [key, value] of Object.entries(oc)) {
    const spec = active.specs.get(`output_info.output_config.${key}`);
    if (!spec) continue;
    if (spec.internalOnly) problems.push(`${spec.path} is internal-only and cannot be set`);
    else {
      const r = checkFieldValue(spec, value, type.id);
      if (r.ok) oc[key] = r.value;
      else problems.push(r.problem);
    }
  }
}
