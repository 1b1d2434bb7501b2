/**
 * An embedding-classifier based on an uploaded embedder (decision 0040): PostModelVersions checks the
 * reference and pins the embedder's version in input_info, and deleting a version (or model) that a
 * version is based on is refused, naming it — as workflows pin versions (decision 0033).
 */

import { baseEmbedderRef, EMBEDDER_TYPES, embedSizeProblem, isBasedOn, pinnedBaseEmbedder } from '../../domain/base-embedder-ref.js';
import type { Model, ModelVersion } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import type { JsonObject } from '../../domain/json.js';
import { Code } from '../../domain/status-codes.js';
import { IMAGE_EMBEDDER_ID, TEXT_EMBEDDER_ID } from '../../ml/embedders/registry.js';
import { decodeStoredConfig, STORED_HEADER_BYTES, storedConfigBytes } from '../../ml/onnx/package-blob.js';
import { PackageConfigError } from '../../ml/onnx/package-config.js';
import type { Repos } from '../../ports/store.js';

const BUILT_IN_IDS = [TEXT_EMBEDDER_ID, IMAGE_EMBEDDER_ID];
const FIELD = 'model_versions[0].input_info.base_embed_model';
const refuse = (what: string): ApiError => new ApiError(Code.MODEL_INVALID_ARGUMENT, `${FIELD}${what}.`);

/** The embedding a stored package gives (its output), read from the artifact's head only. */
async function outputOf(tx: Repos, version: ModelVersion): Promise<{ kind: string; size?: number }> {
  const header = await tx.artifacts.head(version.pk, STORED_HEADER_BYTES);
  if (!header) return { kind: 'none' };
  try {
    const config = decodeStoredConfig((await tx.artifacts.head(version.pk, storedConfigBytes(header))) ?? header);
    return config.output.kind === 'embedding' ? { kind: 'embedding', size: config.output.size } : { kind: config.output.kind };
  } catch (e) {
    if (e instanceof PackageConfigError) return { kind: 'none' };
    throw e;
  }
}

/**
 * The version with its base embedder pinned when it names a model of its app: that model must be an
 * embedder, the named version (or, unnamed, its newest) in 21100, giving a usable embedding. Each
 * refusal is 21202 naming the field. Call inside the transaction that creates the version: the
 * embedder's model row is locked, as DeleteModelVersion locks it, so the pin and a delete take turns.
 */
export async function pinBaseEmbedder(tx: Repos, version: ModelVersion): Promise<ModelVersion> {
  const app = { userId: version.userId, appId: version.appId };
  const ref = baseEmbedderRef(version.inputInfo, app, BUILT_IN_IDS);
  if (ref.kind === 'built-in') return version;
  if (ref.kind === 'elsewhere') {
    throw refuse(
      ` names model '${ref.modelId}' of app '${ref.userId}/${ref.appId}'; a base model is a built-in one of clarifai/main (${BUILT_IN_IDS.join(', ')}) or an embedder model of this app ('${app.userId}/${app.appId}')`,
    );
  }
  const model = await tx.models.getForUpdate(app.userId, app.appId, ref.modelId);
  if (!model) {
    throw refuse(
      `.id '${ref.modelId}' is neither a built-in embedder (${BUILT_IN_IDS.join(', ')}) nor a model of app '${app.userId}/${app.appId}'; upload an embedder to a text-embedder or visual-embedder model of this app first (PostModelVersionsUpload), or name a built-in one`,
    );
  }
  if (!EMBEDDER_TYPES.includes(model.modelTypeId)) {
    throw refuse(
      `.id '${model.id}' is a ${model.modelTypeId} model, not an embedder; name a ${EMBEDDER_TYPES.join(' or ')} model holding an uploaded embedder`,
    );
  }
  const base = ref.versionId ? await tx.versions.get(model.pk, ref.versionId) : (await tx.versions.latestOf([model.pk], { trainedOnly: true })).get(model.pk);
  if (!base) {
    throw refuse(
      ref.versionId
        ? `.model_version.id '${ref.versionId}' is not a version of model '${model.id}'; ListModelVersions shows its versions`
        : ` names model '${model.id}', which has no version in status 21100 (MODEL_TRAINED); upload an embedder package to it and wait until it is built, or pin a version with model_version.id`,
    );
  }
  if (base.status.code !== Code.MODEL_TRAINED) {
    throw refuse(
      `.model_version.id '${base.id}' of model '${model.id}' is in status ${base.status.code}, not 21100 (MODEL_TRAINED); wait until it is built, or pin another version`,
    );
  }
  const out = await outputOf(tx, base);
  if (out.kind !== 'embedding' || out.size === undefined) {
    throw refuse(
      `: version '${base.id}' of model '${model.id}' is not an uploaded embedder (its package gives no embedding); name one whose config says output.kind embedding`,
    );
  }
  const problem = embedSizeProblem(out.size);
  if (problem) throw refuse(`: version '${base.id}' of model '${model.id}' ${problem}; upload an embedder of another size`);
  return { ...version, inputInfo: { ...version.inputInfo, base_embed_model: pinnedBaseEmbedder(app, model, base.id) } };
}

/** The versions of the app based on `model` (any version of it), found before a rename or delete. */
async function basedOn(tx: Repos, model: Model, versionId?: string, deletedToo: ReadonlySet<string> = new Set()) {
  const app = { userId: model.userId, appId: model.appId };
  return (await tx.versions.mentioningInInputInfo(app.userId, app.appId, JSON.stringify(model.id))).filter(
    (d) => !deletedToo.has(d.modelId) && isBasedOn(d.version.inputInfo, app, BUILT_IN_IDS, model.id, versionId),
  );
}

/**
 * PatchModelIds renamed embedder `model` (its row locked) to `newId`: the versions based on it name
 * it by id, so their input_info follows in the same transaction (only `base_embed_model.id` changes),
 * as workflows follow (decision 0033).
 */
export async function followBaseRename(tx: Repos, model: Model, newId: string): Promise<void> {
  if (newId === model.id || !EMBEDDER_TYPES.includes(model.modelTypeId)) return;
  for (const { version } of await basedOn(tx, model)) {
    const ref = version.inputInfo.base_embed_model as JsonObject;
    await tx.versions.updateTraining(version.pk, { inputInfo: { ...version.inputInfo, base_embed_model: { ...ref, id: newId } } });
  }
}

/**
 * Refuses deleting `model`'s version `versionId` (or, without it, any of its versions: DeleteModel)
 * while versions of the app are based on it; the refusal names them and what to do. Callers hold the
 * model's row lock, which PostModelVersions' pin takes too. Versions of models in `deletedToo` (deleted
 * in the same call) do not count.
 */
export async function refuseIfBaseOf(tx: Repos, model: Model, versionId?: string, deletedToo: ReadonlySet<string> = new Set()): Promise<void> {
  if (!EMBEDDER_TYPES.includes(model.modelTypeId)) return;
  const dependents = await basedOn(tx, model, versionId, deletedToo);
  if (dependents.length === 0) return;
  const names = dependents.map((d) => `'${d.version.id}' of model '${d.modelId}'`).join(', ');
  const what = versionId ? `Version '${versionId}' of model '${model.id}' is` : `Model '${model.id}' holds versions that are`;
  throw new ApiError(
    Code.MODEL_INVALID_REQUEST,
    `${what} the base embedder (input_info.base_embed_model) of version ${names}; delete those versions first (their heads were trained on its embeddings and cannot predict without it), then delete this one.`,
  );
}
