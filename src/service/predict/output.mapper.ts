import type { Model, ModelVersion } from '../../domain/entities.js';
import { statusJson } from '../../domain/status-json.js';
import type { PredictedData } from '../../ports/plugins.js';
import type { ApiObject } from '../core/context.js';
import { ts } from '../mappers/time.js';
import { conceptToApi, versionStatusToApi } from '../mappers/version.mapper.js';
import { seal } from '../reuse/sealed.js';

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

/** The light model of the version last predicted with, per version object (the read memo keeps it while the store is unchanged). */
const lights = new WeakMap<ModelVersion, { model: Model; light: ApiObject }>();

/**
 * lightModelToApi, sealed and kept per (model, version) read: every output of a call, and every
 * call until the store changes, shares one object, so REST prints it once (shared-json.ts).
 * A deep copy is sealed (frozen), never the version's own metadata.
 */
export function sharedLightModel(m: Model, v: ModelVersion): ApiObject {
  const hit = lights.get(v);
  if (hit?.model === m) return hit.light;
  const light = seal(structuredClone(lightModelToApi(m, v)));
  lights.set(v, { model: m, light });
  return light;
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
