// The built-in base models of the read-only public app clarifai/main, as other resources name them.
import { createHash } from 'node:crypto';
import type { JsonObject } from './json.js';

export const SYSTEM_OWNER = { user_id: 'clarifai', app_id: 'main' } as const;

/** Stable across restarts and servers (derived from the model id), so clients may pin `version_id`. */
export const systemModelVersionId = (modelId: string): string =>
  createHash('sha256').update(`${SYSTEM_OWNER.user_id}/${SYSTEM_OWNER.app_id}/${modelId}/1`).digest('hex').slice(0, 32);

/**
 * `input_info.base_embed_model` naming a built-in embedder with its version, as Clarifai's docs show a
 * version's base model (id, app_id, user_id, model_type_id and model_version.id).
 */
export function baseEmbedModelRef(embedder: { id: string; kind: 'text' | 'image' }): JsonObject {
  return {
    id: embedder.id, app_id: SYSTEM_OWNER.app_id, user_id: SYSTEM_OWNER.user_id,
    model_type_id: embedder.kind === 'image' ? 'visual-embedder' : 'text-embedder',
    model_version: { id: systemModelVersionId(embedder.id) },
  };
}
