import { type Model, Visibility } from '../../domain/entities.js';
import { invalidArgument } from '../../domain/errors.js';
import type { JsonObject, JsonValue } from '../../domain/json.js';
import {
  checkDescription,
  checkName,
  checkNotes,
  gettableOf,
  hasContent,
  MODEL_SETTABLE_FIELDS,
  type ModelSettableField,
  metadataOf,
  rejectVersionFieldsOnModel,
} from '../../domain/model-rules.js';
import type * as api from '../../gen/api.js';

/**
 * The model-level fields PatchModels may change, in the API's JSON shape. PatchModels applies
 * merge / overwrite / remove to this view and writes the result back.
 */
export const PATCHABLE_MODEL_FIELDS: readonly (ModelSettableField | 'display_name')[] = [
  'name',
  // the older name of `name`, honoured when `name` is not sent
  'display_name',
  ...MODEL_SETTABLE_FIELDS.filter((f) => f !== 'name'),
] satisfies readonly (keyof api.Model)[];

const PATCHABLE: ReadonlySet<string> = new Set(PATCHABLE_MODEL_FIELDS);

/** Fields a request Model may carry that are not patchable but are accepted because clients echo them back. */
const ECHOED = new Set(['id', 'model_type_id', 'created_at', 'modified_at', 'app_id', 'user_id', 'model_version', 'languages_full', 'output_info']);

export function modelView(m: Model): JsonObject {
  const v: JsonObject = {
    name: m.name,
    description: m.description,
    notes: m.notes,
    metadata: m.metadata,
    visibility: { gettable: m.visibility },
    toolkits: m.toolkits,
    use_cases: m.useCases,
    languages: m.languages,
    check_consents: m.checkConsents,
  };
  if (m.presets !== null) v.presets = m.presets;
  if (m.defaultEvalInfo !== null) v.default_eval_info = m.defaultEvalInfo;
  if (m.workflowRecommended !== null) v.workflow_recommended = m.workflowRecommended;
  return v;
}

/** The patchable fields present in a request Model (gRPC cannot send empty values, REST can). */
export function patchOf(raw: api.Model, rpc: 'PostModels' | 'PatchModels'): JsonObject {
  if (hasContent(raw.output_info)) rejectVersionFieldsOnModel(rpc, 'model.output_info');
  const out: JsonObject = {};
  for (const k of PATCHABLE_MODEL_FIELDS) {
    const v = raw[k];
    if (v === undefined) continue;
    if (k === 'visibility' && !raw.visibility?.gettable) continue;
    if (k === 'display_name') {
      if (v && raw.name === undefined) out.name = v as JsonValue;
      continue;
    }
    out[k] = v as JsonValue;
  }
  for (const [k, v] of Object.entries(raw)) {
    if (!ECHOED.has(k) && !PATCHABLE.has(k) && hasContent(v)) {
      throw invalidArgument(`model.${k} cannot be set by ${rpc}; modelkeep supports ${PATCHABLE_MODEL_FIELDS.join(', ')}.`);
    }
  }
  return out;
}

const strings = (v: JsonValue | undefined): string[] => (Array.isArray(v) ? v.map(String) : []);

/** Writes a (patched, validated) view back onto a model. */
export function applyView(m: Model, view: JsonObject, now: number): Model {
  const str = (k: string): string => {
    const value = view[k];
    return typeof value === 'string' ? value : '';
  };
  checkNotes(str('notes'));
  checkName(str('name'));
  checkDescription(str('description'));
  const metadata = metadataOf(view.metadata);
  const gettable = gettableOf(view.visibility, 'model.visibility.gettable');
  if (view.default_eval_info !== undefined && view.default_eval_info !== null && typeof view.default_eval_info !== 'object')
    throw invalidArgument('default_eval_info must be an object.');
  return {
    ...m,
    name: str('name') || m.id,
    description: str('description'),
    notes: str('notes'),
    metadata,
    visibility: gettable || Visibility.PRIVATE,
    toolkits: strings(view.toolkits),
    useCases: strings(view.use_cases),
    languages: strings(view.languages),
    checkConsents: strings(view.check_consents),
    presets: view.presets ?? null,
    defaultEvalInfo: (view.default_eval_info as JsonObject | undefined) ?? null,
    workflowRecommended: typeof view.workflow_recommended === 'boolean' ? view.workflow_recommended : null,
    modifiedAt: now,
  };
}
