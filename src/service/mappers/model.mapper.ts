import type { Model, ModelVersion } from '../../domain/entities.js';
import type { ApiObject } from '../core/context.js';
import { ts } from './time.js';
import { versionToApi } from './version.mapper.js';

export interface ModelViewOptions {
  /** Include the version's concepts (GetModelOutputInfo) instead of the placeholder message. */
  concepts: boolean;
}

/** Domain model (+ optional version) -> API `Model`, with the lists Clarifai always prints. */
export function modelToApi(m: Model, version: ModelVersion | undefined, opts: ModelViewOptions = { concepts: false }): ApiObject {
  const out: ApiObject = {
    id: m.id,
    name: m.name || m.id,
    created_at: ts(m.createdAt),
    modified_at: ts(m.modifiedAt),
    app_id: m.appId,
    user_id: m.userId,
    model_type_id: m.modelTypeId,
    metadata: m.metadata,
    visibility: { gettable: m.visibility },
    toolkits: m.toolkits,
    use_cases: m.useCases,
    languages: m.languages,
    languages_full: [],
    check_consents: m.checkConsents,
  };
  if (m.description) out.description = m.description;
  if (m.notes) out.notes = m.notes;
  if (m.presets !== null) out.presets = m.presets;
  if (m.defaultEvalInfo !== null) out.default_eval_info = m.defaultEvalInfo;
  if (m.workflowRecommended !== null) out.workflow_recommended = m.workflowRecommended;
  if (version) out.model_version = versionToApi(version, m, opts);
  return out;
}
