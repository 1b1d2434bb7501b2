import type { ModelVersion } from '../domain/entities.js';
import { ApiError } from '../domain/errors.js';
import { isJsonObject } from '../domain/json.js';
import { DEFAULT_BASE_EMBED_MODEL } from '../domain/model-types/catalog.js';
import { Outcome } from '../domain/outcome.js';
import { Code } from '../domain/status-codes.js';
import { SYSTEM_APP_ID, SYSTEM_USER_ID } from '../domain/system-app.js';
import { type Embedder, embedSettled } from '../ml/embedders/embedder.js';
import type { InputKind, PredictInput, PredictOutcome } from '../ports/plugins.js';
import type { TrainingDataQuery, TrainingSelection } from '../ports/training-data.js';

/** Owner of the built-in embedders (the read-only `clarifai/main` app). */
export const SYSTEM_EMBEDDER_OWNER = { user_id: SYSTEM_USER_ID, app_id: SYSTEM_APP_ID } as const;

/**
 * The embedder named by `input_info.base_embed_model` (embedding-classifier, knn-concept), or
 * `fallback`. Returns a problem text instead when the reference names no built-in embedder, so
 * training can report 21118 and prediction 21202 with the same words.
 */
export function baseEmbedder(
  version: ModelVersion,
  embedders: ReadonlyMap<string, Embedder>,
  fallback = String(DEFAULT_BASE_EMBED_MODEL.id),
): Embedder | string {
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
 * Where training and evaluation get `e`'s vectors: stored with the inputs (the built-ins), or computed
 * from their content as they are collected (an uploaded embedder, whose vectors are never stored).
 */
export function vectorSource(e: Embedder): Pick<TrainingDataQuery, 'embedderId' | 'compute'> {
  if (e.stored !== false) return { embedderId: e.id };
  return {
    embedderId: e.id,
    compute: {
      kind: e.kind,
      embed: async (contents) => (await embedSettled(e, contents)).map((o) => (o.ok ? o.vector : undefined)),
    },
  };
}

/**
 * Embeds decoded inputs, each getting its vector or its own 30002 status (an undecodable image,
 * a text model given no text). Failures that are not an input's fault are thrown.
 */
export async function embedEach(embedder: Embedder, inputs: readonly PredictInput[]): Promise<(Float32Array | (PredictOutcome & { ok: false }))[]> {
  const outcomes = await embedSettled(
    embedder,
    inputs.map((i) => ({ ...(i.text !== undefined ? { text: i.text } : {}), ...(i.imageBytes ? { imageBytes: i.imageBytes } : {}) })),
  );
  return outcomes.map((o) => (o.ok ? o.vector : { ok: false as const, code: Code.INPUT_FAILED, details: o.error.message.replace(/^input \d+: /, '') }));
}

/** The built-in embedder of each input kind, for a base model the data decides. */
export function embedderIdsByKind(embedders: ReadonlyMap<string, Embedder>): { text: string; image: string } {
  const of = (kind: 'text' | 'image'): string => [...embedders.values()].find((e) => e.kind === kind)?.id ?? '';
  return { text: of('text'), image: of('image') };
}

const kindWord = (kind: 'text' | 'image', n: number): string => (kind === 'image' ? (n === 1 ? 'an image' : 'images') : 'text');

/**
 * The embedder the data source picked for a version without a base model. Text and images mixed is
 * the user's choice to make (21202 naming the field); no data at all falls back to the text one,
 * and training then reports that there is no data.
 */
export function chosenByData(sel: TrainingSelection, conceptIds: readonly string[], embedders: ReadonlyMap<string, Embedder>): Embedder {
  const kinds = sel.kinds ?? { text: 0, image: 0 };
  const ids = embedderIdsByKind(embedders);
  if (kinds.text > 0 && kinds.image > 0) {
    throw new Outcome(
      Code.MODEL_INVALID_ARGUMENT,
      `input_info.base_embed_model is not set and the inputs labelled with ${conceptIds.join(', ')} are both text (${kinds.text}) and images (${kinds.image}); create a new version naming the base model, e.g. "input_info": {"base_embed_model": {"id": "${ids.text}", "app_id": "${SYSTEM_EMBEDDER_OWNER.app_id}", "user_id": "${SYSTEM_EMBEDDER_OWNER.user_id}"}} (or ${ids.image}), or train from a dataset holding one kind (train_info.params.dataset_id).`,
    );
  }
  const e = embedders.get(sel.embedderId || ids.text);
  if (!e) throw new Outcome(Code.MODEL_TRAINING_INVALID_PARAMS, 'no built-in embedder is available for the training inputs');
  return e;
}

/**
 * Why a selection with processed inputs has no usable example: they are of the kind the embedder
 * does not read (e.g. "the 20 labelled inputs are text; this version's base model is
 * general-image-embedding"). Undefined when there simply are no processed inputs.
 */
export function kindMismatch(sel: TrainingSelection, embedder: Embedder, fixedType?: string): string | undefined {
  const kinds = sel.kinds ?? { text: 0, image: 0 };
  const other = embedder.kind === 'image' ? 'text' : 'image';
  const n = kinds[other];
  if (n === 0) return undefined;
  if (embedder.stored === false) {
    const want =
      embedder.kind === 'image'
        ? 'a text embedder (an uploaded text-embedder, or general-text-embedding)'
        : 'an image embedder (an uploaded visual-embedder, or general-image-embedding)';
    return `input_info.base_embed_model names the uploaded embedder ${embedder.id}, which embeds ${kindWord(embedder.kind, 2)}, but the ${n} labelled input${n === 1 ? ' is' : 's are'} ${kindWord(other, n)}; label ${kindWord(embedder.kind, 2)} inputs, or create a new version based on ${want}.`;
  }
  const what = fixedType
    ? `model type ${fixedType} works on ${kindWord(embedder.kind, 2)} (${embedder.id})`
    : `this version's base model is ${embedder.id}, which embeds ${kindWord(embedder.kind, 2)}`;
  const fix = fixedType
    ? `use a ${embedder.kind === 'image' ? 'text-classifier' : 'visual-classifier'} for them, or label ${kindWord(embedder.kind, 2)} inputs`
    : `create a new version with input_info.base_embed_model {"id": "${embedder.kind === 'image' ? 'general-text-embedding' : 'general-image-embedding'}"}, or leave it out and the inputs' kind decides`;
  return `the ${n} labelled input${n === 1 ? ' is' : 's are'} ${kindWord(other, n)}; ${what}. ${fix[0]!.toUpperCase()}${fix.slice(1)}, then create a new version.`;
}
