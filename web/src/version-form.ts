import { ModelTypeField_ModelTypeFieldType } from '../../src/gen/api.js';
import type { ModelTypeEnumOption, ModelTypeField } from './api-types.js';

/**
 * The create-version form, generated from a model type's `model_type_fields` (ListModelTypes): each
 * field becomes an input by its `field_type`; an ENUM field's chosen option (the training template)
 * brings its own fields. Values are then written at each field's `path` into the new version.
 */

// ModelTypeField.ModelTypeFieldType, generated from resources.proto (one source for the numbers).
export const FieldType = ModelTypeField_ModelTypeFieldType;

export type Control = 'checkbox' | 'text' | 'number' | 'select' | 'concepts' | 'json' | 'list' | 'numbers';

export interface FormField {
  path: string;
  label: string;
  description: string;
  control: Control;
  required: boolean;
  defaultText: string;
  min?: number;
  max?: number;
  step?: number;
  options?: { id: string; description: string }[];
}

function controlOf(t: number): Control {
  switch (t) {
    case FieldType.BOOLEAN:
      return 'checkbox';
    case FieldType.NUMBER:
    case FieldType.RANGE:
      return 'number';
    case FieldType.ENUM:
      return 'select';
    case FieldType.ARRAY_OF_CONCEPTS:
    case FieldType.ARRAY_OF_CONCEPTS_WITH_THRESHOLD:
    case FieldType.ARRAY_OF_MODEL_CONCEPTS:
      return 'concepts';
    case FieldType.JSON:
      return 'json';
    case FieldType.ARRAY_OF_NUMBERS:
      return 'numbers';
    case FieldType.ARRAY_OF_STRINGS:
      return 'list';
    default:
      return 'text';
  }
}

function defaultText(f: ModelTypeField, control: Control): string {
  const d: unknown = f.default_value;
  if (d === undefined || d === null) return control === 'select' ? String(f.model_type_enum_options?.[0]?.id ?? '') : '';
  if (control === 'checkbox') return d === true ? 'true' : 'false';
  if (control === 'json') return JSON.stringify(d);
  if (Array.isArray(d)) return d.map((x) => (typeof x === 'object' && x ? String((x as { id?: unknown }).id ?? '') : String(x))).join(', ');
  return String(d);
}

/** The form's fields for a type, with the chosen template's own fields right after the template field. */
export function formFields(fields: readonly ModelTypeField[], chosen: Record<string, string> = {}): FormField[] {
  const out: FormField[] = [];
  for (const f of fields) {
    const control = controlOf(Number(f.field_type));
    const path = String(f.path);
    const options = (f.model_type_enum_options ?? []).map((o) => ({ id: String(o.id), description: String(o.description ?? '') }));
    const field: FormField = {
      path,
      label: path === 'output_info.data' ? 'concepts' : path.split('.').pop()!,
      description: String(f.description ?? ''),
      control,
      required: Boolean(f.required),
      defaultText: defaultText(f, control),
    };
    const range = f.model_type_range_info as { min?: number; max?: number; step?: number } | undefined;
    if (range)
      Object.assign(
        field,
        range.min !== undefined && { min: range.min },
        range.max !== undefined && { max: range.max },
        range.step !== undefined && { step: range.step },
      );
    if (control === 'select') field.options = options;
    out.push(field);
    if (control === 'select') {
      const pick = chosen[path] ?? field.defaultText;
      const option: ModelTypeEnumOption | undefined = (f.model_type_enum_options ?? []).find((o) => String(o.id) === pick);
      if (option?.model_type_fields) out.push(...formFields(option.model_type_fields, chosen));
    }
  }
  return out;
}

function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

const splitList = (s: string): string[] =>
  s
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * The PostModelVersions body for the form's values (text per path, as the inputs hold them), or the
 * problems per path. A value left at its default and not required is not sent: the server applies
 * the same default, and the curl stays short.
 */
export function versionRequest(
  fields: readonly FormField[],
  values: Record<string, string>,
): { body: { model_versions: Record<string, unknown>[] } } | { errors: Record<string, string> } {
  const version: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const text = (values[f.path] ?? f.defaultText).trim();
    const changed = text !== f.defaultText.trim();
    if (!text) {
      if (f.required) errors[f.path] = `${f.label} is required`;
      continue;
    }
    if (!changed && !f.required && f.control !== 'select') continue;
    switch (f.control) {
      case 'checkbox':
        setAt(version, f.path, text === 'true');
        break;
      case 'number': {
        const n = Number(text);
        if (!Number.isFinite(n)) errors[f.path] = `${f.label} must be a number`;
        else if (f.min !== undefined && n < f.min) errors[f.path] = `${f.label} must be at least ${f.min}`;
        else if (f.max !== undefined && n > f.max) errors[f.path] = `${f.label} must be at most ${f.max}`;
        else setAt(version, f.path, n);
        break;
      }
      case 'concepts': {
        const concepts = splitList(text).map((id) => ({ id }));
        // output_info.data is a Data message: its concepts go in data.concepts.
        setAt(version, f.path, f.path.endsWith('.data') ? { concepts } : concepts);
        break;
      }
      case 'list':
        setAt(version, f.path, splitList(text));
        break;
      case 'numbers': {
        const ns = splitList(text).map(Number);
        if (ns.some((n) => !Number.isFinite(n))) errors[f.path] = `${f.label} must be numbers separated by commas`;
        else setAt(version, f.path, ns);
        break;
      }
      case 'json':
        try {
          setAt(version, f.path, JSON.parse(text));
        } catch (e) {
          errors[f.path] = `${f.label} is not valid JSON: ${(e as Error).message}`;
        }
        break;
      default:
        setAt(version, f.path, text);
    }
  }
  return Object.keys(errors).length > 0 ? { errors } : { body: { model_versions: [version] } };
}
