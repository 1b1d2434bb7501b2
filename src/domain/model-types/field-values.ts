import { isValidId } from '../ids.js';
import { isJsonObject, type JsonValue } from '../json.js';
import type { EnumOption, FieldSpec, RangeInfo } from './types.js';

/**
 * Checking one value against one FieldSpec. Shared by version-config (caller input) and the
 * registry (catalog defaults), so a default can never be something a caller would be refused.
 */

export type ValueCheck = { ok: true; value: JsonValue } | { ok: false; problem: string };

/** The option a stored/requested ENUM value picks: by `id`, or by an integer alias (ValueComparator numbers). */
export function findEnumOption(spec: FieldSpec, value: JsonValue | undefined): EnumOption | undefined {
  if (typeof value === 'string') return spec.enumOptions?.find((o) => o.id === value);
  if (typeof value === 'number') return spec.enumOptions?.find((o) => o.aliases?.includes(value));
  return undefined;
}

/** Human text for "what would have been accepted", used at the end of every error. */
export function allowedText(spec: FieldSpec): string {
  switch (spec.fieldType) {
    case 'BOOLEAN':
      return 'true or false';
    case 'STRING':
      return 'a string';
    case 'DATASET_ID':
    case 'DATASET_VERSION_ID':
      return 'an id string ("" for none)';
    case 'NUMBER':
      return spec.range ? `a number from ${spec.range.min} to ${spec.range.max}${stepText(spec.range)}` : 'a number';
    case 'RANGE':
      return spec.range ? `${spec.range.min} to ${spec.range.max}${stepText(spec.range)}` : 'a number';
    case 'ENUM':
      return (spec.enumOptions ?? [])
        .filter((o) => !o.internalOnly)
        .map((o) => `${o.id}${o.aliases?.length ? ` (or ${o.aliases.join(', ')})` : ''}${o.recommended ? ' (recommended)' : ''}`)
        .join(', ');
    case 'JSON':
      return 'any JSON value';
    case 'ARRAY_OF_NUMBERS':
      return 'an array of numbers';
    case 'ARRAY_OF_STRINGS':
      return 'an array of strings';
    case 'ARRAY_OF_MODEL_CONCEPTS':
      return 'an array of concepts such as [{"id": "cat"}, {"name": "dog"}]';
    case 'ARRAY_OF_CONCEPTS':
    case 'ARRAY_OF_CONCEPTS_WITH_THRESHOLD':
      return 'concepts in output_info.data.concepts';
  }
}

/** Integral steps are real constraints (epochs, image sizes); fractional steps are slider hints and float noise would misfire. */
const enforcesStep = (r: RangeInfo): boolean => r.step >= 1 && Number.isInteger(r.step) && Number.isInteger(r.min);
const stepText = (r: RangeInfo): string => (enforcesStep(r) ? (r.step === 1 ? ', whole numbers' : ` in steps of ${r.step}`) : '');

function inRange(v: number, r: RangeInfo): boolean {
  if (v < r.min || v > r.max) return false;
  return !enforcesStep(r) || (Number.isInteger(v) && (v - r.min) % r.step === 0);
}

const jsonKind = (v: JsonValue): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

const isModelConcept = (c: JsonValue): boolean =>
  isJsonObject(c) && ((typeof c.id === 'string' && c.id !== '') || (typeof c.name === 'string' && c.name !== ''));

/**
 * Validates `value` for `spec` and returns it normalised (ENUM aliases become the option id).
 * `typeId` only feeds the messages, which always name the path and what is allowed.
 */
export function checkFieldValue(spec: FieldSpec, value: JsonValue, typeId: string, allowInternalOption = false): ValueCheck {
  const wrongType = (): ValueCheck => ({
    ok: false,
    problem: `${spec.path} must be ${allowedText(spec)} (${spec.fieldType}), got ${jsonKind(value)}`,
  });
  const outOfRange = (): ValueCheck => ({
    ok: false,
    problem: `${spec.path} ${JSON.stringify(value)} is out of range for model type ${typeId}; allowed: ${allowedText(spec)}`,
  });
  switch (spec.fieldType) {
    case 'BOOLEAN':
      return typeof value === 'boolean' ? { ok: true, value } : wrongType();
    case 'STRING':
      return typeof value === 'string' ? { ok: true, value } : wrongType();
    case 'DATASET_ID':
    case 'DATASET_VERSION_ID':
      if (typeof value !== 'string') return wrongType();
      return value === '' || isValidId(value)
        ? { ok: true, value }
        : { ok: false, problem: `${spec.path} '${value}' is not a valid id; allowed: ${allowedText(spec)}` };
    case 'NUMBER':
    case 'RANGE':
      if (typeof value !== 'number' || !Number.isFinite(value)) return wrongType();
      return !spec.range || inRange(value, spec.range) ? { ok: true, value } : outOfRange();
    case 'ENUM': {
      const opt = findEnumOption(spec, value);
      if (opt && (!opt.internalOnly || allowInternalOption)) return { ok: true, value: opt.id };
      const shown = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
      return {
        ok: false,
        problem: `${spec.path} ${shown} is not valid for model type ${typeId}; allowed: ${allowedText(spec)}`,
      };
    }
    case 'JSON':
      return { ok: true, value };
    case 'ARRAY_OF_NUMBERS':
      return Array.isArray(value) && value.every((x) => typeof x === 'number') ? { ok: true, value } : wrongType();
    case 'ARRAY_OF_STRINGS':
      return Array.isArray(value) && value.every((x) => typeof x === 'string') ? { ok: true, value } : wrongType();
    case 'ARRAY_OF_MODEL_CONCEPTS':
      return Array.isArray(value) && value.every(isModelConcept) ? { ok: true, value } : wrongType();
    case 'ARRAY_OF_CONCEPTS':
    case 'ARRAY_OF_CONCEPTS_WITH_THRESHOLD':
      // Concepts travel apart from the *_info blobs (see validateConcepts); a value here is a catalog/caller mix-up.
      return { ok: false, problem: `${spec.path} holds concepts; pass them in output_info.data.concepts` };
  }
}
