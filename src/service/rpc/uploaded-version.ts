/**
 * Turns a received model package into a version (decision 0036), for both ways in: the gRPC
 * stream PostModelVersionsUpload and REST's raw upload. All or nothing: a package that cannot be a
 * version of the model is refused before anything is written; one that can is stored with its
 * version (21107 MODEL_BUILDING) and its build job in one transaction.
 */
import type { Job, Model, ModelVersion } from '../../domain/entities.js';
import { ApiError, DuplicateKeyError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { BUILD_JOB } from '../../domain/job-kinds.js';
import { isJsonObject, type JsonObject } from '../../domain/json.js';
import { hasContent } from '../../domain/model-rules.js';
import type { ModelTypeRegistry } from '../../domain/model-types/catalog.js';
import { validateOutputInfoOverride } from '../../domain/model-types/version-config.js';
import { Code } from '../../domain/status-codes.js';
import { UPLOADABLE_TYPES, uploadProblem } from '../../domain/upload-rules.js';
import type * as api from '../../gen/api.js';
import { PackageArchiveError, type PackageFiles, readPackage } from '../../ml/onnx/package-archive.js';
import { encodePackage } from '../../ml/onnx/package-blob.js';
import { PackageConfigError } from '../../ml/onnx/package-config.js';
import type { Store } from '../../ports/store.js';
import type { CallContext } from '../core/context.js';
import { newVersion, typeOf } from './model-versions.service.js';
import { conceptsOf, infosOf } from './version-fields.js';

export interface UploadDeps {
  store: Store;
  types: ModelTypeRegistry;
  /** MODELKEEP_MAX_MODEL_BYTES: the largest package, and the most its files may unpack to. */
  maxModelBytes: number;
  /** Wakes this process's worker for the build job (if it runs one). */
  onJobQueued?: (job?: Job) => void;
}

export const BUILDING_DETAILS = 'Checking the uploaded package: the graph loads, its inputs and outputs match config.json, and a probe input runs.';

const refused = (why: string): ApiError => new ApiError(Code.MODEL_UPLOADING_FAILED, `The package was refused: ${why}.`);

/** A model of this type can take an upload at all (checked before any byte is received). */
export function checkUploadable(types: ModelTypeRegistry, model: Model): void {
  const type = typeOf(types, model);
  if (!UPLOADABLE_TYPES.includes(type.id)) {
    throw new ApiError(
      Code.MODEL_INVALID_ARGUMENT,
      `Model '${model.id}' is a ${type.id}, which cannot take an uploaded package; upload to a model of type ${UPLOADABLE_TYPES.join(', ')}.`,
    );
  }
}

/** The size a client announces, checked against the limit before any byte is received. */
export function checkPackageSize(bytes: number, maxModelBytes: number, field: string): void {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new ApiError(Code.MODEL_INVALID_REQUEST, `${field} must be the package's size in bytes (more than 0).`);
  if (bytes > maxModelBytes) {
    throw refused(
      `it is ${bytes} bytes and this server takes packages of at most ${maxModelBytes} bytes (MODELKEEP_MAX_MODEL_BYTES); upload a smaller model or raise the limit`,
    );
  }
}

/** Refuses a version id the model already has, before the upload starts (the insert checks again). */
export async function checkVersionIdFree(store: Store, model: Model, id: string): Promise<void> {
  if (await store.versions.get(model.pk, id)) throw new ApiError(Code.DATABASE_DUPLICATE_KEY, `Version id '${id}' already exists in model '${model.id}'.`);
}

async function packageAt(file: string, maxModelBytes: number): Promise<PackageFiles> {
  try {
    return await readPackage(file, maxModelBytes);
  } catch (e) {
    if (e instanceof PackageArchiveError || e instanceof PackageConfigError) throw refused(e.message);
    throw e;
  }
}

/**
 * The version's concepts: the package's, in the graph's order, named as the request names them. A
 * request that lists concepts must list the same ones.
 */
function withConcepts(fields: api.ModelVersion, pkg: PackageFiles): api.ModelVersion {
  const out = pkg.config.output;
  const given = conceptsOf(fields.output_info, 'model_version');
  if (out.kind !== 'concepts') {
    if (given.length > 0) throw refused(`its config gives an embedding, so the version takes no concepts; leave output_info.data.concepts out`);
    return fields;
  }
  if (given.length > 0) {
    const want = new Set(out.concepts);
    const extra = given.filter((c) => !want.has(c.id)).map((c) => c.id);
    const missing = out.concepts.filter((id) => !given.some((c) => c.id === id));
    if (extra.length > 0 || missing.length > 0) {
      throw refused(
        `the request's output_info.data.concepts (${given.map((c) => c.id).join(', ')}) are not the concepts of its config (${out.concepts.join(', ')}); send the same concepts or leave them out`,
      );
    }
  }
  const names = new Map(given.map((c) => [c.id, c.name]));
  return { ...fields, output_info: { ...fields.output_info, data: { concepts: out.concepts.map((id) => ({ id, name: names.get(id) ?? id })) } } };
}

/**
 * input_info.base_embed_model from the config's input.base_embed_model (an exported version names
 * the embedder it was trained on, decision 0041) when the request names none; a request naming
 * another embedder is refused, since the graph would be fed vectors it was not made for.
 */
function withPackageBase(inputInfo: JsonObject, pkg: PackageFiles): JsonObject {
  const input = pkg.config.input;
  const named = input.kind === 'embedding' ? input.base_embed_model : undefined;
  if (!named) return inputInfo;
  const given = inputInfo.base_embed_model;
  if (!isJsonObject(given)) return { ...inputInfo, base_embed_model: { ...named } };
  const same = given.id === named.id && (given.user_id ?? named.user_id) === named.user_id && (given.app_id ?? named.app_id) === named.app_id;
  if (!same) {
    throw refused(
      `its config says it takes the vectors of ${named.user_id}/${named.app_id}/${named.id} (input.base_embed_model), but the request's input_info.base_embed_model is ${String(given.user_id ?? '')}/${String(given.app_id ?? '')}/${String(given.id ?? '')}; leave input_info.base_embed_model out or name the same embedder`,
    );
  }
  return inputInfo;
}

/** Creates the version of the package at `file` (21107) with its artifact and build job. */
export async function acceptPackage(deps: UploadDeps, ctx: CallContext, model: Model, fields: api.ModelVersion, file: string): Promise<ModelVersion> {
  const type = typeOf(deps.types, model);
  const pkg = await packageAt(file, deps.maxModelBytes);
  const problem = uploadProblem(type.id, pkg.config.input.kind, pkg.config.output.kind);
  if (problem) throw refused(problem);
  // An upload was trained elsewhere: no train_info, and output_info holds only prediction settings.
  const base = newVersion(ctx, model, type, withConcepts(fields, pkg), '', (raw) => {
    if (hasContent(raw.train_info) || hasContent(raw.import_info))
      throw refused('train_info and import_info do not apply to an uploaded version; leave them out');
    const { outputInfo, inputInfo } = infosOf(raw);
    return { outputInfo: validateOutputInfoOverride(type, outputInfo), inputInfo: withPackageBase(inputInfo, pkg), trainInfo: {}, importInfo: {} };
  });
  const version: ModelVersion = {
    ...base,
    runtime: 'onnx',
    status: { code: Code.MODEL_BUILDING, details: BUILDING_DETAILS, percentCompleted: 0 },
    completedAt: null,
  };
  const job: Job = {
    id: newId(),
    kind: BUILD_JOB,
    versionPk: version.pk,
    state: 'queued',
    attempts: 0,
    payload: { model_pk: model.pk, model_id: model.id, version_id: version.id, model_type_id: type.id, req_id: ctx.reqId },
    leaseOwner: null,
    leaseExpiresAt: null,
    lastError: '',
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  const artifact = encodePackage(pkg);
  await deps.store.transaction(async (tx) => {
    await tx.versions.create(version).catch((e: unknown) => {
      throw e instanceof DuplicateKeyError ? new ApiError(Code.DATABASE_DUPLICATE_KEY, `Version id '${version.id}' already exists in model '${model.id}'.`) : e;
    });
    await tx.artifacts.put(version.pk, artifact);
    await tx.jobs.enqueue(job);
    await tx.concepts.ensure(
      model.userId,
      model.appId,
      version.concepts.map((c) => c.id),
      ctx.now,
    );
  });
  deps.onJobQueued?.(job);
  return version;
}
