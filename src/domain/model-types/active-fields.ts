import type { JsonObject, JsonValue } from '../json.js';
import { getPath } from '../json.js';
import { findEnumOption } from './field-values.js';
import { flattenFields } from './paths.js';
import type { FieldSpec } from './types.js';

/** Where a field of an ENUM option that is *not* in effect comes from, for a helpful "unknown key" message. */
export interface Dormant {
  enumPath: string;
  optionId: string;
  /** The option actually in effect; undefined when the ENUM is unset or invalid (its own error explains). */
  chosenId: string | undefined;
}

export interface ActiveFields {
  /** Specs that apply to this request, by path: top-level ones plus those of the chosen ENUM options. */
  specs: Map<string, FieldSpec>;
  /** Paths declared only by ENUM options that are not chosen. */
  dormant: Map<string, Dormant>;
}

/**
 * Works out which specs apply given the ENUM choices in `root` ({output_info, input_info, ...}).
 * With `useDefaults`, an absent ENUM counts as its default (PostModelVersions fills it); without,
 * an absent ENUM activates nothing (an override does not know the stored choice).
 */
export function activeFields(fields: readonly FieldSpec[], root: JsonObject, useDefaults: boolean): ActiveFields {
  const out: ActiveFields = { specs: new Map(), dormant: new Map() };
  collect(fields, root, useDefaults, out);
  for (const p of out.specs.keys()) out.dormant.delete(p);
  return out;
}

function collect(fields: readonly FieldSpec[], root: JsonObject, useDefaults: boolean, out: ActiveFields): void {
  for (const spec of fields) {
    out.specs.set(spec.path, spec);
    if (spec.fieldType !== 'ENUM') continue;
    const given: JsonValue | undefined = getPath(root, spec.path);
    const chosen = findEnumOption(spec, given !== undefined ? given : useDefaults ? spec.defaultValue : undefined);
    for (const option of spec.enumOptions ?? []) {
      if (option === chosen) {
        collect(option.fields ?? [], root, useDefaults, out);
        continue;
      }
      for (const f of flattenFields(option.fields ?? [])) {
        if (!out.dormant.has(f.path)) out.dormant.set(f.path, { enumPath: spec.path, optionId: option.id, chosenId: chosen?.id });
      }
    }
  }
}
