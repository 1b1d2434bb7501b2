import { createHash } from 'node:crypto';
import type { JsonObject } from './json.js';

/**
 * The read-only public app that holds the built-in base models, as on Clarifai: `clarifai/main`.
 * Its identity lives here only; the seeding (app/system-app.ts), access (service/access/app-resolver.ts),
 * the embedder owner check (plugins/embedding.ts), the catalog's default base model and the
 * version ids of its models (systemModelVersionId) read it.
 */
export const SYSTEM_USER_ID = 'clarifai';
export const SYSTEM_APP_ID = 'main';

/** Stable across restarts and servers (derived from the model id), so clients may pin `version_id`. */
export const systemModelVersionId = (modelId: string): string =>
  createHash('sha256').update(`${SYSTEM_USER_ID}/${SYSTEM_APP_ID}/${modelId}/1`).digest('hex').slice(0, 32);

/**
 * `input_info.base_embed_model` naming a built-in embedder with its version, as Clarifai shows a
 * version's base model (id, app_id, user_id, model_type_id and model_version.id).
 */
export function baseEmbedModelRef(embedder: { id: string; kind: 'text' | 'image' }): JsonObject {
  return {
    id: embedder.id,
    app_id: SYSTEM_APP_ID,
    user_id: SYSTEM_USER_ID,
    model_type_id: embedder.kind === 'image' ? 'visual-embedder' : 'text-embedder',
    model_version: { id: systemModelVersionId(embedder.id) },
  };
}
