import type { ModelVersion, VersionConcept } from '../../domain/entities.js';
import { invalidArgument } from '../../domain/errors.js';
import { assertValidId } from '../../domain/ids.js';
import { isJsonObject, type JsonObject } from '../../domain/json.js';
import { checkDescription, gettableOf, hasContent, metadataOf } from '../../domain/model-rules.js';
import type * as api from '../../gen/api.js';
import { asJson } from '../core/context.js';

/** Server-managed fields: clients often echo a fetched version back, so these are ignored, not refused. */
const OUTPUT_ONLY = new Set([
  'id',
  'created_at',
  'modified_at',
  'completed_at',
  'status',
  'metrics',
  'total_input_count',
  'active_concept_count',
  'app_id',
  'user_id',
  'train_log',
  'model_id',
]);
const SETTABLE = new Set(['description', 'metadata', 'license', 'visibility', 'output_info', 'input_info', 'train_info', 'import_info']);

/** Refuses version fields modelkeep cannot honour instead of dropping them. */
export function rejectUnsupportedVersionFields(raw: api.ModelVersion, where: string): void {
  for (const [k, v] of Object.entries(raw)) {
    if (!OUTPUT_ONLY.has(k) && !SETTABLE.has(k) && hasContent(v)) {
      throw invalidArgument(`${where}.${k} is not supported by modelkeep; a version takes ${[...SETTABLE].join(', ')}.`);
    }
  }
}

/** `output_info.data.concepts` -> the version's fixed concept set (id required, name defaults to id, value to 1). */
export function conceptsOf(outputInfo: api.OutputInfo | undefined, where: string): VersionConcept[] {
  const data = outputInfo?.data ?? {};
  const other = Object.entries(data)
    .filter(([k, v]) => k !== 'concepts' && hasContent(v))
    .map(([k]) => k);
  if (other.length > 0) throw invalidArgument(`${where}.output_info.data.${other[0]} is not accepted: output_info.data takes concepts only.`);
  const raw = data.concepts ?? [];
  return raw.map((c, i) => {
    const id = c.id ?? '';
    if (!id) throw invalidArgument(`${where}.output_info.data.concepts[${i}] needs an id${c.name ? ` (name '${c.name}' alone is not enough)` : ''}.`);
    assertValidId(id, `${where}.output_info.data.concepts[${i}].id`);
    return { id, name: c.name || id, value: typeof c.value === 'number' ? c.value : 1 };
  });
}

/** The `*_info` blobs of a request version, concepts removed (they are kept apart). */
export function infosOf(raw: api.ModelVersion): { outputInfo: JsonObject; inputInfo: JsonObject; trainInfo: JsonObject; importInfo: JsonObject } {
  const { data: _data, message: _message, ...outputInfo } = raw.output_info ?? {};
  return {
    outputInfo: asJson(outputInfo),
    inputInfo: asJson(raw.input_info),
    trainInfo: asJson(raw.train_info),
    importInfo: asJson(raw.import_info),
  };
}

/** What PatchModelVersions may change, in API shape: merge / overwrite / remove apply to this view. */
export function versionView(v: ModelVersion): JsonObject {
  const oi: JsonObject = {};
  if (v.outputInfo.output_config !== undefined) oi.output_config = v.outputInfo.output_config;
  if (v.outputInfo.params !== undefined) oi.params = v.outputInfo.params;
  return { description: v.description, license: v.license, metadata: v.metadata, visibility: { gettable: v.visibility }, output_info: oi };
}

/** The patchable fields present in a PatchModelVersions entry; fixed fields are refused (API-DECISIONS row 8). */
export function versionPatchOf(raw: api.ModelVersion, where: string): JsonObject {
  rejectUnsupportedVersionFields(raw, where);
  const oi = raw.output_info ?? {};
  if (hasContent(oi.data?.concepts)) {
    throw invalidArgument(
      `${where}.output_info.data.concepts cannot be patched: a version's concepts are fixed when it is created. Create a new version with PostModelVersions to change them.`,
    );
  }
  for (const k of ['input_info', 'train_info', 'import_info'] as const) {
    if (hasContent(raw[k]))
      throw invalidArgument(
        `${where}.${k} cannot be patched: it is fixed when the version is created. Create a new version with PostModelVersions to change it.`,
      );
  }
  const other = Object.entries(oi)
    .filter(([k, v]) => !['output_config', 'params', 'data', 'message'].includes(k) && hasContent(v))
    .map(([k]) => k);
  if (other.length > 0)
    throw invalidArgument(`${where}.output_info.${other[0]} cannot be patched; PatchModelVersions changes output_info.output_config and output_info.params.`);
  const out: JsonObject = {};
  if (raw.description !== undefined) out.description = raw.description;
  if (raw.license !== undefined) out.license = raw.license;
  if (raw.metadata !== undefined) out.metadata = raw.metadata;
  if (raw.visibility?.gettable) out.visibility = asJson(raw.visibility);
  const patchOi: JsonObject = {};
  if (oi.output_config !== undefined) patchOi.output_config = asJson(oi.output_config);
  if (oi.params !== undefined) patchOi.params = oi.params;
  if (Object.keys(patchOi).length > 0) out.output_info = patchOi;
  return out;
}

/** Writes a patched view back (output_info validated by the caller against the model type). */
export function applyVersionView(v: ModelVersion, view: JsonObject, now: number): ModelVersion {
  const str = (k: string): string => {
    const value = view[k];
    return typeof value === 'string' ? value : '';
  };
  checkDescription(str('description'));
  const metadata = metadataOf(view.metadata);
  const gettable = gettableOf(view.visibility, 'visibility.gettable');
  const oi = isJsonObject(view.output_info) ? view.output_info : {};
  const { output_config: _oc, params: _p, ...kept } = v.outputInfo;
  return {
    ...v,
    description: str('description'),
    license: str('license'),
    metadata,
    visibility: gettable || 10,
    outputInfo: { ...kept, ...oi },
    modifiedAt: now,
  };
}
