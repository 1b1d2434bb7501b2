import type { Model, ModelVersion, VersionConcept } from '../../domain/entities.js';
import type { JsonObject } from '../../domain/json.js';
import { isJsonObject } from '../../domain/json.js';
import { statusJson } from '../../domain/status-json.js';
import { SYSTEM_APP_ID, SYSTEM_USER_ID, systemModelVersionId } from '../../domain/system-app.js';
import type { ApiObject } from '../core/context.js';
import { metricsToApi } from './metrics.mapper.js';
import { ts } from './time.js';

export const OUTPUT_INFO_PLACEHOLDER = 'Show output_info with: GET /models/{model_id}/output_info';

/** A concept with its score as versions and predict outputs print it (name defaults to the id). */
export function conceptToApi(c: Pick<VersionConcept, 'id' | 'name' | 'value'>, appId: string): ApiObject {
  return { id: c.id, name: c.name || c.id, value: c.value, app_id: appId };
}

export function versionStatusToApi(v: ModelVersion): ApiObject {
  return statusJson(v.status.code, v.status.details, v.status.percentCompleted);
}

/** `OutputConfig.max_concepts` / `min_value` are printed even at 0 (cl_show_if_empty). */
function outputInfoToApi(v: ModelVersion, withConcepts: boolean): ApiObject {
  const info: ApiObject = { ...v.outputInfo };
  const oc = (info.output_config ?? {}) as JsonObject;
  info.output_config = { max_concepts: 0, min_value: 0, ...oc };
  if (withConcepts) info.data = { concepts: v.concepts.map((c) => conceptToApi(c, v.appId)) };
  else info.message = OUTPUT_INFO_PLACEHOLDER;
  return info;
}

/**
 * Where a version's training log is served: the REST path of ListLogEntries (log_type "training").
 * The console and clients GET it with their key; computed on every read so a model rename follows.
 */
export function trainLogPath(m: Model, v: ModelVersion): string {
  const e = encodeURIComponent;
  return `/v2/users/${e(v.userId)}/apps/${e(v.appId)}/models/${e(m.id)}/versions/${e(v.id)}/training/logs`;
}

/** Domain version -> API `ModelVersion`. Concepts only when asked (GetModelOutputInfo, PostModelVersions echo). */
export function versionToApi(v: ModelVersion, model: Model | undefined, opts: { concepts: boolean }): ApiObject {
  const out: ApiObject = {
    id: v.id,
    created_at: ts(v.createdAt),
    modified_at: ts(v.modifiedAt),
    status: versionStatusToApi(v),
    active_concept_count: v.concepts.length,
    visibility: { gettable: v.visibility },
    app_id: v.appId,
    user_id: v.userId,
    metadata: v.metadata,
    output_info: outputInfoToApi(v, opts.concepts),
    input_info: withBaseModelVersion(v.inputInfo),
    train_info: v.trainInfo,
    import_info: v.importInfo,
  };
  if (v.totalInputCount) out.total_input_count = v.totalInputCount;
  if (v.completedAt !== null) out.completed_at = ts(v.completedAt);
  if (v.description) out.description = v.description;
  if (v.license) out.license = v.license;
  // The row keeps the log itself (jobs/train-log.ts); the API shows where to read it.
  if (v.trainLog && model) out.train_log = trainLogPath(model, v);
  // The evaluation's summary; GetModelVersionMetrics shows the rest when asked (fields).
  if (v.metrics) out.metrics = metricsToApi(v.metrics);
  return out;
}

/**
 * A base model of clarifai/main named without its version gets the version id (and owner) filled
 * in, as Clarifai's docs show a version's `input_info.base_embed_model`; other references are
 * shown as stored.
 */
function withBaseModelVersion(inputInfo: JsonObject): JsonObject {
  const ref = inputInfo.base_embed_model;
  if (!isJsonObject(ref) || typeof ref.id !== 'string' || !ref.id) return inputInfo;
  const builtIn = (ref.user_id === undefined || ref.user_id === SYSTEM_USER_ID) && (ref.app_id === undefined || ref.app_id === SYSTEM_APP_ID);
  if (!builtIn || isJsonObject(ref.model_version)) return inputInfo;
  return { ...inputInfo, base_embed_model: { ...ref, app_id: SYSTEM_APP_ID, user_id: SYSTEM_USER_ID, model_version: { id: systemModelVersionId(ref.id) } } };
}
