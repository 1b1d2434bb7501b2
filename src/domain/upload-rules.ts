/**
 * Which model types an uploaded ONNX package may be a version of (decision 0036), by what the
 * package's config says it takes and gives. One rule, used when the upload arrives.
 */

/** Where REST clients POST a package (transport/rest/upload-route.ts serves it; refusals that point there name it). */
export const REST_UPLOAD_PATH = '/v2/users/{user_id}/apps/{app_id}/models/{model_id}/versions/upload';

/** REST_UPLOAD_PATH for one model, when the refusal knows it. */
export const restUploadPathFor = (modelId: string): string => REST_UPLOAD_PATH.replace('{model_id}', modelId);

export type PackageInputKind = 'embedding' | 'image' | 'text';
export type PackageOutputKind = 'concepts' | 'embedding';

const CONCEPT_TYPES = ['embedding-classifier', 'text-classifier', 'visual-classifier'] as const;
const EMBEDDING_TYPES = ['visual-embedder', 'text-embedder'] as const;
/** Types whose inputs are images, so a package may take an image tensor. */
const IMAGE_TYPES = ['embedding-classifier', 'visual-classifier', 'visual-embedder'] as const;
/** Types whose inputs are text, so a package may take token ids. */
const TEXT_TYPES = ['embedding-classifier', 'text-classifier', 'text-embedder'] as const;

export const UPLOADABLE_TYPES: readonly string[] = [...CONCEPT_TYPES, ...EMBEDDING_TYPES];

/** Why a package with this config cannot be a version of a `typeId` model, or undefined when it can. */
export function uploadProblem(typeId: string, input: PackageInputKind, output: PackageOutputKind): string | undefined {
  if (!UPLOADABLE_TYPES.includes(typeId)) {
    return `a ${typeId} model cannot take an uploaded package; upload to a model of type ${UPLOADABLE_TYPES.join(', ')}`;
  }
  const wanted: readonly string[] = output === 'concepts' ? CONCEPT_TYPES : EMBEDDING_TYPES;
  if (!wanted.includes(typeId)) {
    return `the package's config gives ${output === 'concepts' ? 'concept scores' : 'an embedding'} (output.kind ${output}), which a ${typeId} model does not; upload it to a ${wanted.join(', ')} model`;
  }
  if (input === 'image' && !(IMAGE_TYPES as readonly string[]).includes(typeId)) {
    return `the package's config takes an image (input.kind image), but a ${typeId} model's inputs are text; use input.kind embedding over a text embedder, or a ${IMAGE_TYPES.join(', ')} model`;
  }
  if (input === 'text' && !(TEXT_TYPES as readonly string[]).includes(typeId)) {
    return `the package's config takes text (input.kind text), but a ${typeId} model's inputs are images; use a ${TEXT_TYPES.join(', ')} model`;
  }
  return undefined;
}

/** The kind of built-in embedder that feeds a package taking an embedding, when the version names none (input_info.base_embed_model). */
export function defaultEmbedderKind(typeId: string): 'text' | 'image' | undefined {
  if (typeId.startsWith('text-')) return 'text';
  if (typeId.startsWith('visual-')) return 'image';
  return undefined; // embedding-classifier: its own default base model
}

/** Types whose versions only come from uploads: PostModelVersions cannot make one (there is nothing to train). */
export function uploadOnly(typeId: string): boolean {
  return (EMBEDDING_TYPES as readonly string[]).includes(typeId);
}
