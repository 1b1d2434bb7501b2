import { invalidArgument } from './errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { hasContent } from './model-rules.js';

/**
 * Prediction-time output configuration (reference §6.2): which concepts a concept-producing model
 * returns. Pure rules, no I/O: the predict service calls these with the stored version config and
 * the request's overrides.
 */

export const DEFAULT_MAX_CONCEPTS = 20;
export const MAX_MAX_CONCEPTS = 200;

/**
 * The ranges of the two numeric knobs, wherever they are set (a version's output_config, a predict
 * override): max_concepts is a whole number 0–200 (0 = the default of 20), min_value 0–1.
 */
export const isMaxConcepts = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_MAX_CONCEPTS;
export const isMinValue = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;

/** A `select_concepts` entry: matched by id and/or name (exact, case-sensitive). */
export interface ConceptSelector {
  id?: string;
  name?: string;
}

export interface OutputConfig {
  maxConcepts: number;
  minValue: number;
  /** Empty = every concept. */
  selectConcepts: ConceptSelector[];
}

export interface ScoredConcept {
  id: string;
  name: string;
  value: number;
}

/** The `output_info` blocks of one layer: `output_config` (proto OutputConfig) and `params` (Struct). */
type Layer = JsonObject | undefined;

const KNOBS = ['max_concepts', 'min_value', 'select_concepts'] as const;
type Knob = (typeof KNOBS)[number];

/**
 * In `output_config` a proto3 zero (0, [], absent) means "not set", on both transports alike (gRPC
 * cannot tell 0 from absent); in `params` (a Struct) any present key is set, so `params.min_value: 0`
 * can switch a stored threshold off.
 */
function pick(layer: Layer, knob: Knob): JsonValue | undefined {
  if (!layer) return undefined;
  const oc = layer.output_config;
  if (isJsonObject(oc) && hasContent(oc[knob])) return oc[knob];
  const params = layer.params;
  if (isJsonObject(params) && params[knob] !== undefined && params[knob] !== null) return params[knob];
  return undefined;
}

/**
 * Effective config = the version's stored `output_info` overlaid by the request's
 * `model.model_version.output_info`, itself over the request's legacy `model.output_info` (see
 * legacyOverride): request beats legacy beats stored, field by field; inside one layer an
 * `output_config` field beats the same `params` key.
 * @throws ApiError 21202 for a max_concepts outside 1–200, a min_value outside 0–1, or a selector
 *   with neither id nor name.
 */
/**
 * The `params` a prediction runs with: the request's override beats the version's stored params,
 * key by key — the same precedence effectiveOutputConfig applies to the concept knobs.
 */
export function effectiveParams(stored: Layer, override: Layer): JsonObject {
  const storedParams = isJsonObject(stored?.params) ? stored.params : {};
  return { ...storedParams, ...(isJsonObject(override?.params) ? override.params : {}) };
}

export function effectiveOutputConfig(stored: Layer, override: Layer, legacy?: Layer): OutputConfig {
  const get = (k: Knob): JsonValue | undefined => pick(override, k) ?? pick(legacy, k) ?? pick(stored, k);
  const maxRaw = get('max_concepts');
  const minRaw = get('min_value');
  const selRaw = get('select_concepts');
  const max = maxRaw ?? 0;
  if (!isMaxConcepts(max)) {
    throw invalidArgument(
      `max_concepts ${JSON.stringify(maxRaw)} is out of range: use 1 to ${MAX_MAX_CONCEPTS} (0 or absent means the default of ${DEFAULT_MAX_CONCEPTS}).`,
    );
  }
  const minValue = minRaw ?? 0;
  if (!isMinValue(minValue)) {
    throw invalidArgument(`min_value ${JSON.stringify(minRaw)} is out of range: use a number from 0 to 1.`);
  }
  return { maxConcepts: max === 0 ? DEFAULT_MAX_CONCEPTS : max, minValue, selectConcepts: selectorsOf(selRaw ?? []) };
}

function selectorsOf(raw: JsonValue): ConceptSelector[] {
  if (!Array.isArray(raw)) throw invalidArgument('select_concepts must be a list of concepts, e.g. [{"id": "cat"}, {"name": "dog"}].');
  return raw.map((s, i) => {
    const sel: ConceptSelector = {};
    if (isJsonObject(s)) {
      if (typeof s.id === 'string' && s.id) sel.id = s.id;
      if (typeof s.name === 'string' && s.name) sel.name = s.name;
    }
    if (!sel.id && !sel.name) throw invalidArgument(`select_concepts[${i}] needs an "id" or a "name".`);
    return sel;
  });
}

const matches = (sel: ConceptSelector, c: { id: string; name: string }): boolean =>
  (sel.id !== undefined && sel.id === c.id) || (sel.name !== undefined && sel.name === c.name);

const describeSelector = (s: ConceptSelector): string => (s.id ? `id '${s.id}'` : `name '${s.name}'`);

/**
 * Checks `select_concepts` against the concepts a version can return. None matching fails the
 * request (21202, as Clarifai); some matching returns the unmatched ones, which make the call a
 * MIXED_STATUS (10010) and are named in its details.
 */
export function checkSelection(selectors: readonly ConceptSelector[], concepts: readonly { id: string; name: string }[]): string[] {
  if (selectors.length === 0) return [];
  const unmatched = selectors.filter((s) => !concepts.some((c) => matches(s, c)));
  if (unmatched.length === selectors.length) {
    const known = concepts
      .slice(0, 20)
      .map((c) => c.id)
      .join(', ');
    throw invalidArgument(
      `select_concepts matches none of the model version's concepts (${unmatched.map(describeSelector).join(', ')}); its concepts are: ${known}${concepts.length > 20 ? ', …' : ''}.`,
    );
  }
  return unmatched.map(describeSelector);
}

/** select → min_value (value ≥ min) → sort by value, highest first (ties by id) → max_concepts. */
export function applyOutputConfig(concepts: readonly ScoredConcept[], cfg: OutputConfig): ScoredConcept[] {
  return (
    concepts
      .filter((c) => cfg.selectConcepts.length === 0 || cfg.selectConcepts.some((s) => matches(s, c)))
      // Compared at float32 precision: over gRPC min_value arrives as a float (0.98 → 0.98000002), and
      // REST and gRPC must keep the same concepts.
      .filter((c) => Math.fround(c.value) >= Math.fround(cfg.minValue))
      .sort((a, b) => b.value - a.value || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, cfg.maxConcepts)
  );
}

/**
 * API-DECISIONS row 9: `model.output_info.output_config` is the pre-2023 place of prediction settings.
 * Clarifai's current docs and clients still send `max_concepts`, `min_value` and `select_concepts`
 * there, so by default they are honoured as a layer of their own, under the new place
 * (`model.model_version.output_info`), which wins field by field. In strict-2023 mode (a migration lint)
 * they are refused with a pointer to the new place. An empty or absent legacy block is fine either way
 * (clients echo models back).
 * @returns the legacy layer (its prediction settings only), or undefined when nothing is set there.
 */
export function legacyOverride(requestModel: JsonObject | undefined, strict: boolean): Layer {
  const legacy = requestModel?.output_info;
  if (!isJsonObject(legacy)) return undefined;
  const oc = legacy.output_config;
  if (!isJsonObject(oc) || !hasContent(oc)) return undefined;
  if (strict) {
    const fields = Object.keys(oc).filter((k) => hasContent(oc[k]));
    throw invalidArgument(
      `model.output_info.output_config (${fields.join(', ')}) is the pre-2023 location of prediction settings, refused because this server runs with MODELKEEP_STRICT_2023; send them in model.model_version.output_info.output_config (or model.model_version.output_info.params) instead.`,
    );
  }
  const knobs: JsonObject = {};
  for (const k of KNOBS) if (oc[k] !== undefined) knobs[k] = oc[k];
  return Object.keys(knobs).length > 0 ? { output_config: knobs } : undefined;
}
