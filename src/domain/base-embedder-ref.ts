/**
 * What an `input_info.base_embed_model` names (decision 0040): a built-in embedder of clarifai/main,
 * or an embedder model of the version's own app whose versions are uploaded ONNX packages. One rule,
 * read by PostModelVersions (which pins the uploaded version), the classifier plugin (which embeds
 * with it) and the delete guards (which refuse deleting what a version is based on).
 */
import { isJsonObject, type JsonObject } from './json.js';
import { SYSTEM_APP_ID, SYSTEM_USER_ID } from './system-app.js';

export type BaseEmbedderRef =
  | { kind: 'built-in' }
  | { kind: 'uploaded'; modelId: string; versionId?: string }
  | { kind: 'elsewhere'; userId: string; appId: string; modelId: string };

/** An embedding-classifier trains on embeddings of this many numbers at least and at most. */
export const BASE_EMBED_SIZE = { min: 2, max: 8192 } as const;

/** Model types that hold uploaded embedder versions (upload-rules.ts lets only embeddings into them). */
export const EMBEDDER_TYPES: readonly string[] = ['text-embedder', 'visual-embedder'];

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Owner left out: a built-in id stays built-in, any other id is a model of the version's app. An owner
 * given must be clarifai/main (built-in) or the version's app; anything else is `elsewhere` (refused by
 * the callers: an app's base model must be one it owns, so its deletion can be guarded).
 */
export function baseEmbedderRef(inputInfo: JsonObject, app: { userId: string; appId: string }, builtInIds: readonly string[]): BaseEmbedderRef {
  const ref = inputInfo.base_embed_model;
  if (!isJsonObject(ref)) return { kind: 'built-in' };
  const id = text(ref.id);
  const user = text(ref.user_id);
  const appId = text(ref.app_id);
  if (!id) return { kind: 'built-in' };
  if (!user && !appId) return builtInIds.includes(id) ? { kind: 'built-in' } : uploaded(id, ref);
  if ((user ?? SYSTEM_USER_ID) === SYSTEM_USER_ID && (appId ?? SYSTEM_APP_ID) === SYSTEM_APP_ID) return { kind: 'built-in' };
  if ((user ?? app.userId) === app.userId && (appId ?? app.appId) === app.appId) return uploaded(id, ref);
  return { kind: 'elsewhere', userId: user ?? app.userId, appId: appId ?? app.appId, modelId: id };
}

function uploaded(modelId: string, ref: JsonObject): BaseEmbedderRef {
  const versionId = isJsonObject(ref.model_version) ? text(ref.model_version.id) : undefined;
  return versionId ? { kind: 'uploaded', modelId, versionId } : { kind: 'uploaded', modelId };
}

/** The reference PostModelVersions stores once it pinned a version: shown by GetModelVersion as it is. */
export function pinnedBaseEmbedder(app: { userId: string; appId: string }, model: { id: string; modelTypeId: string }, versionId: string): JsonObject {
  return { id: model.id, app_id: app.appId, user_id: app.userId, model_type_id: model.modelTypeId, model_version: { id: versionId } };
}

/** Why an embedding of `size` numbers cannot be trained on, or undefined when it can. */
export function embedSizeProblem(size: number): string | undefined {
  if (size < BASE_EMBED_SIZE.min)
    return `gives an embedding of ${size} number${size === 1 ? '' : 's'}; once normalised to unit length that says nothing but its sign, and an embedding-classifier needs at least ${BASE_EMBED_SIZE.min}`;
  if (size > BASE_EMBED_SIZE.max)
    return `gives an embedding of ${size} numbers; an embedding-classifier trains on at most ${BASE_EMBED_SIZE.max} (every training input holds one such vector in memory)`;
  return undefined;
}

/** True when `inputInfo` (of a version in `app`) is based on `modelId` of that app — on `versionId` when given. */
export function isBasedOn(
  inputInfo: JsonObject,
  app: { userId: string; appId: string },
  builtInIds: readonly string[],
  modelId: string,
  versionId?: string,
): boolean {
  const r = baseEmbedderRef(inputInfo, app, builtInIds);
  return r.kind === 'uploaded' && r.modelId === modelId && (versionId === undefined || r.versionId === versionId);
}
