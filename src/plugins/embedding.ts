import { SYSTEM_APP_ID, SYSTEM_USER_ID } from '../domain/system-app.js';
import { ApiError } from '../domain/errors.js';
import type { ModelVersion } from '../domain/entities.js';
import { DEFAULT_BASE_EMBED_MODEL } from '../domain/model-types/catalog.js';
import { isJsonObject } from '../domain/json.js';
import { Code } from '../domain/status-codes.js';
import { embedSettled, type Embedder } from '../ml/embedders/embedder.js';
import type { InputKind, PredictInput, PredictOutcome } from './types.js';

/** Owner of the built-in embedders (the read-only `clarifai/main` app). */
export const SYSTEM_EMBEDDER_OWNER = { user_id: SYSTEM_USER_ID, app_id: SYSTEM_APP_ID } as const;

/**
 * The embedder named by `input_info.base_embed_model` (embedding-classifier, knn-concept), or
 * `fallback`. Returns a problem text instead when the reference names no built-in embedder, so
 * training can report 21118 and prediction 21202 with the same words.
 */
export function baseEmbedder(version: ModelVersion, embedders: ReadonlyMap<string, Embedder>, fallback = String(DEFAULT_BASE_EMBED_MODEL.id)): Embedder | string {
  const ref = version.inputInfo.base_embed_model;
  const id = isJsonObject(ref) && typeof ref.id === 'string' && ref.id ? ref.id : fallback;
  const owner = isJsonObject(ref) ? { user: ref.user_id, app: ref.app_id } : {};
  const known = [...embedders.keys()].join(', ');
  if ((owner.user && owner.user !== SYSTEM_EMBEDDER_OWNER.user_id) || (owner.app && owner.app !== SYSTEM_EMBEDDER_OWNER.app_id)) {
    return `input_info.base_embed_model must be one of the built-in models of ${SYSTEM_EMBEDDER_OWNER.user_id}/${SYSTEM_EMBEDDER_OWNER.app_id} (${known}); got ${String(owner.user)}/${String(owner.app)}/${id}`;
  }
  return embedders.get(id) ?? `input_info.base_embed_model '${id}' is not a built-in embedder; use one of: ${known}`;
}

/** Same, for prediction: an unusable reference is the whole request's problem (21202). */
export function baseEmbedderOrThrow(version: ModelVersion, embedders: ReadonlyMap<string, Embedder>, fallback?: string): Embedder {
  const e = baseEmbedder(version, embedders, fallback);
  if (typeof e === 'string') throw new ApiError(Code.MODEL_INVALID_ARGUMENT, `Model version '${version.id}' cannot predict: ${e}.`);
  return e;
}

export const kindOf = (e: Embedder): InputKind => e.kind;

/**
 * Embeds decoded inputs, each getting its vector or its own 30002 status (an undecodable image,
 * a text model given no text). Failures that are not an input's fault are thrown.
 */
export async function embedEach(embedder: Embedder, inputs: readonly PredictInput[]): Promise<(Float32Array | PredictOutcome & { ok: false })[]> {
  const outcomes = await embedSettled(embedder, inputs.map((i) => ({ ...(i.text !== undefined ? { text: i.text } : {}), ...(i.imageBytes ? { imageBytes: i.imageBytes } : {}) })));
  return outcomes.map((o) => (o.ok ? o.vector : { ok: false as const, code: Code.INPUT_FAILED, details: o.error.message.replace(/^input \d+: /, '') }));
}
