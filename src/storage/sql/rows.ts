import type { Selectable } from 'kysely';
import type { ApiKey, App, Job, JobState, KeyKind, Model, ModelVersion, VersionConcept } from '../../domain/entities.js';
import type { JsonObject, JsonValue } from '../../domain/json.js';
import { searchText } from '../repos/search.js';
import type { ApiKeysTable, AppsTable, JobsTable, ModelsTable, ModelVersionsTable } from './schema.js';

// Entity <-> row mapping. JSON travels as TEXT on both dialects; SQL NULL stands for a null value.

const parse = <T extends JsonValue>(s: string): T => JSON.parse(s) as T;
const parseNull = <T extends JsonValue>(s: string | null): T | null => (s === null ? null : parse<T>(s));
const str = (v: JsonValue): string => JSON.stringify(v);
const strNull = (v: JsonValue | null): string | null => (v === null ? null : JSON.stringify(v));

export const appToRow = (a: App): AppsTable => ({
  user_id: a.userId,
  id: a.id,
  name: a.name,
  description: a.description,
  default_language: a.defaultLanguage,
  default_workflow_id: a.defaultWorkflowId,
  visibility: a.visibility,
  metadata: str(a.metadata),
  created_at: a.createdAt,
  modified_at: a.modifiedAt,
});

export const appFromRow = (r: Selectable<AppsTable>): App => ({
  userId: r.user_id,
  id: r.id,
  name: r.name,
  description: r.description,
  defaultLanguage: r.default_language,
  defaultWorkflowId: r.default_workflow_id,
  visibility: r.visibility,
  metadata: parse<JsonObject>(r.metadata),
  createdAt: r.created_at,
  modifiedAt: r.modified_at,
});

export const keyToRow = (k: ApiKey): ApiKeysTable => ({
  user_id: k.userId,
  id: k.id,
  kind: k.kind,
  token_hash: k.tokenHash,
  description: k.description,
  scopes: str(k.scopes),
  app_ids: str(k.appIds),
  app_id: k.kind === 'app' ? (k.appIds[0] ?? null) : null,
  created_at: k.createdAt,
  expires_at: k.expiresAt,
});

export const keyFromRow = (r: Selectable<ApiKeysTable>): ApiKey => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind as KeyKind,
  tokenHash: r.token_hash,
  description: r.description,
  scopes: parse<string[]>(r.scopes),
  appIds: parse<string[]>(r.app_ids),
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

/** Every models column except the denormalised ones, which only the store reads. */
export type ModelRow = Omit<ModelsTable, 'num_inputs' | 'search_text'>;

/** Written on create and update; num_inputs is left alone (the version repo owns it). */
export const modelToRow = (m: Model): ModelRow & { search_text: string } => ({
  pk: m.pk,
  user_id: m.userId,
  app_id: m.appId,
  id: m.id,
  name: m.name,
  model_type_id: m.modelTypeId,
  description: m.description,
  notes: m.notes,
  metadata: str(m.metadata),
  visibility: m.visibility,
  toolkits: str(m.toolkits),
  use_cases: str(m.useCases),
  languages: str(m.languages),
  check_consents: str(m.checkConsents),
  presets: strNull(m.presets),
  default_eval_info: strNull(m.defaultEvalInfo),
  workflow_recommended: m.workflowRecommended === null ? null : m.workflowRecommended ? 1 : 0,
  search_text: searchText(m),
  created_at: m.createdAt,
  modified_at: m.modifiedAt,
});

export const modelFromRow = (r: ModelRow): Model => ({
  pk: r.pk,
  userId: r.user_id,
  appId: r.app_id,
  id: r.id,
  name: r.name,
  modelTypeId: r.model_type_id,
  description: r.description,
  notes: r.notes,
  metadata: parse<JsonObject>(r.metadata),
  visibility: r.visibility,
  toolkits: parse<string[]>(r.toolkits),
  useCases: parse<string[]>(r.use_cases),
  languages: parse<string[]>(r.languages),
  checkConsents: parse<string[]>(r.check_consents),
  presets: parseNull<JsonValue>(r.presets),
  defaultEvalInfo: parseNull<JsonObject>(r.default_eval_info),
  workflowRecommended: r.workflow_recommended === null ? null : r.workflow_recommended !== 0,
  createdAt: r.created_at,
  modifiedAt: r.modified_at,
});

/** The columns VersionRepo.update may change: not id, model, concepts or created_at. */
export const versionMutableRow = (v: ModelVersion) => ({
  status_code: v.status.code,
  status_details: v.status.details,
  percent_completed: v.status.percentCompleted,
  total_input_count: v.totalInputCount,
  description: v.description,
  license: v.license,
  visibility: v.visibility,
  metadata: str(v.metadata),
  output_info: str(v.outputInfo),
  input_info: str(v.inputInfo),
  train_info: str(v.trainInfo),
  import_info: str(v.importInfo),
  train_log: v.trainLog,
  metrics: strNull(v.metrics),
  modified_at: v.modifiedAt,
  completed_at: v.completedAt,
});

export const versionToRow = (v: ModelVersion): ModelVersionsTable => ({
  pk: v.pk,
  model_pk: v.modelPk,
  id: v.id,
  user_id: v.userId,
  app_id: v.appId,
  concepts: str(v.concepts.map((c) => ({ id: c.id, name: c.name, value: c.value }))),
  runtime: v.runtime,
  created_at: v.createdAt,
  ...versionMutableRow(v),
});

export const versionFromRow = (r: Selectable<ModelVersionsTable>): ModelVersion => ({
  pk: r.pk,
  modelPk: r.model_pk,
  id: r.id,
  userId: r.user_id,
  appId: r.app_id,
  status: { code: r.status_code, details: r.status_details, percentCompleted: r.percent_completed },
  concepts: JSON.parse(r.concepts) as VersionConcept[],
  totalInputCount: r.total_input_count,
  description: r.description,
  license: r.license,
  visibility: r.visibility,
  metadata: parse<JsonObject>(r.metadata),
  outputInfo: parse<JsonObject>(r.output_info),
  inputInfo: parse<JsonObject>(r.input_info),
  trainInfo: parse<JsonObject>(r.train_info),
  importInfo: parse<JsonObject>(r.import_info),
  runtime: r.runtime === 'onnx' ? 'onnx' : 'plugin',
  trainLog: r.train_log,
  metrics: parseNull<JsonObject>(r.metrics),
  createdAt: r.created_at,
  modifiedAt: r.modified_at,
  completedAt: r.completed_at,
});

export const jobToRow = (j: Job): JobsTable => ({
  id: j.id,
  kind: j.kind,
  version_pk: j.versionPk,
  state: j.state,
  attempts: j.attempts,
  payload: str(j.payload),
  lease_owner: j.leaseOwner,
  lease_expires_at: j.leaseExpiresAt,
  last_error: j.lastError,
  created_at: j.createdAt,
  updated_at: j.updatedAt,
});

export const jobFromRow = (r: Selectable<JobsTable>): Job => ({
  id: r.id,
  kind: r.kind,
  versionPk: r.version_pk,
  state: r.state as JobState,
  attempts: r.attempts,
  payload: parse<JsonObject>(r.payload),
  leaseOwner: r.lease_owner,
  leaseExpiresAt: r.lease_expires_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
