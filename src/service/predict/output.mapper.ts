import type { Model, ModelVersion } from '../../domain/entities.js';
import { statusJson } from '../../domain/status-json.js';
import type { PredictedData } from '../../ports/plugins.js';
import type { ApiObject } from '../core/context.js';
import { ts } from '../mappers/time.js';
import { conceptToApi, versionStatusToApi } from '../mappers/version.mapper.js';

/** The light model copy each output carries (reference §6.3: no description, notes or hyper-parameters). */
export function lightModelToApi(m: Model, v: ModelVersion): ApiObject {
  return {
    id: m.id,
    name: m.name || m.id,
    created_at: ts(m.createdAt),
    modified_at: ts(m.modifiedAt),
    app_id: m.appId,
    user_id: m.userId,
    model_type_id: m.modelTypeId,
    visibility: { gettable: m.visibility },
    model_version: {
      id: v.id,
      created_at: ts(v.createdAt),
      status: versionStatusToApi(v),
      visibility: { gettable: v.visibility },
      app_id: v.appId,
      user_id: v.userId,
      metadata: v.metadata,
    },
  };
}

/** Output `data`: concepts (already filtered by the output config), embeddings, clusters, or the input's own data. */
export function outputDataToApi(d: PredictedData, appId: string): ApiObject {
  if (d.passthrough) return d.passthrough;
  const out: ApiObject = {};
  if (d.concepts) out.concepts = d.concepts.map((c) => conceptToApi(c, appId));
  if (d.embeddings) out.embeddings = d.embeddings.map((v) => ({ vector: Array.from(v), num_dimensions: v.length }));
  if (d.clusters) out.clusters = d.clusters.map((c) => ({ id: c.id, score: c.score }));
  return out;
}

export function outputStatus(code: number, details?: string): ApiObject {
  return statusJson(code, details);
}
