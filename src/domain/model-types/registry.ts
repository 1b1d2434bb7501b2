import { isValidId } from '../ids.js';
import { isJsonObject } from '../json.js';
import { checkFieldValue } from './field-values.js';
import { classifyPath } from './paths.js';
import { EVALUATION_TYPE_NUMBERS, FIELD_TYPE_NUMBERS, type FieldSpec, type ModelTypeDef } from './types.js';

/**
 * The model types a server knows, keyed by id. Built once at start-up from `defaultModelTypes()`
 * (or a test's own list). Every entry is checked and deep-frozen here, so a broken catalog entry
 * stops the server at boot and no caller can edit a shared default by accident.
 */
export class ModelTypeRegistry {
  readonly #byId = new Map<string, ModelTypeDef>();

  /** @throws Error on a duplicate id or a malformed entry (a programming error, not a caller's). */
  constructor(defs: readonly ModelTypeDef[]) {
    for (const def of defs) {
      if (this.#byId.has(def.id)) throw new Error(`duplicate model type id '${def.id}'`);
      const problems = checkModelTypeDef(def);
      if (problems.length > 0) throw new Error(`model type '${def.id}' is malformed: ${problems.join('; ')}`);
      this.#byId.set(def.id, deepFreeze(structuredClone(def)));
    }
  }

  get(id: string): ModelTypeDef | undefined {
    return this.#byId.get(id);
  }

  /** All types in registration order (ListModelTypes shows creatable and non-creatable alike). */
  all(): ModelTypeDef[] {
    return [...this.#byId.values()];
  }

  /** Types consuming a Data field; entries may be comma-separated lists (ModelType.input_fields). */
  typesWithInputField(field: string): ModelTypeDef[] {
    return this.all().filter((t) => hasField(t.inputFields, field));
  }

  typesWithOutputField(field: string): ModelTypeDef[] {
    return this.all().filter((t) => hasField(t.outputFields, field));
  }
}

const hasField = (entries: readonly string[], field: string): boolean => entries.some((e) => e.split(',').some((x) => x.trim() === field));

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** Problems with one catalog entry; empty when it is usable by version-config. */
export function checkModelTypeDef(def: ModelTypeDef): string[] {
  const problems: string[] = [];
  if (!isValidId(def.id)) problems.push(`id '${def.id}' is not a valid id`);
  if (!(def.evaluationType in EVALUATION_TYPE_NUMBERS)) problems.push(`unknown evaluationType '${def.evaluationType}'`);
  checkFields(def, def.fields, new Set(), true, problems);
  const data = def.fields.find((f) => f.path === 'output_info.data');
  if (def.conceptsField === undefined) {
    if (data) problems.push('output_info.data is declared but conceptsField is not');
    if (def.conceptsRequired) problems.push('conceptsRequired without conceptsField');
  } else if (!data || data.fieldType !== def.conceptsField || !!data.required !== !!def.conceptsRequired) {
    problems.push(`output_info.data must be declared as ${def.conceptsField} with required=${!!def.conceptsRequired}`);
  }
  return problems;
}

/** `scope` holds the paths already visible (parents' fields), so an option cannot redefine one of them. */
function checkFields(def: ModelTypeDef, fields: readonly FieldSpec[], scope: Set<string>, topLevel: boolean, problems: string[]): void {
  const visible = new Set(scope);
  for (const f of fields) {
    if (visible.has(f.path)) problems.push(`${f.path} is declared twice`);
    visible.add(f.path);
  }
  for (const f of fields) {
    const at = (msg: string): void => void problems.push(`${f.path}: ${msg}`);
    const kind = classifyPath(f.path);
    if (!kind) at('unsupported path');
    if (!(f.fieldType in FIELD_TYPE_NUMBERS)) at(`unknown field type '${f.fieldType}'`);
    if (kind?.kind === 'concepts' && !topLevel) at('concepts cannot depend on an ENUM option');
    if (kind && (kind.kind === 'concepts') !== f.fieldType.startsWith('ARRAY_OF_CONCEPTS')) {
      at('only output_info.data holds concepts, and it must be ARRAY_OF_CONCEPTS or ARRAY_OF_CONCEPTS_WITH_THRESHOLD');
    }
    if (f.required && f.defaultValue !== undefined) at('a required field cannot have a default');
    if (f.fieldType === 'RANGE' && !f.range) at('RANGE needs range info');
    if (f.range && !(f.range.min <= f.range.max && f.range.step >= 0)) at('range needs min <= max and step >= 0');
    if (kind?.kind === 'base_embed_model' && f.defaultValue !== undefined && !isJsonObject(f.defaultValue)) {
      at('the default must be a model reference object');
    }
    if (f.fieldType === 'ENUM') {
      const ids = (f.enumOptions ?? []).map((o) => o.id);
      if (ids.length === 0) at('ENUM needs options');
      if (new Set(ids).size !== ids.length) at('ENUM option ids must be unique');
      for (const o of f.enumOptions ?? []) checkFields(def, o.fields ?? [], visible, false, problems);
    }
    if (f.defaultValue !== undefined) {
      const r = checkFieldValue(f, f.defaultValue, def.id, true);
      if (!r.ok) at(`bad default: ${r.problem}`);
      else if (r.value !== f.defaultValue) at('an ENUM default must be the option id, not an alias');
    }
  }
}
