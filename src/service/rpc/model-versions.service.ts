import { type Job, type Model, type ModelVersion, Visibility } from '../../domain/entities.js';
import { ApiError, DuplicateKeyError, invalidRequest } from '../../domain/errors.js';
import { assertValidId, newId } from '../../domain/ids.js';
import { TRAIN_JOB } from '../../domain/job-kinds.js';
import type { JsonObject } from '../../domain/json.js';
import { checkCount } from '../../domain/limits.js';
import { checkDescription, checkMetadata, checkVisibility, requireOneVersion } from '../../domain/model-rules.js';
import type { ModelTypeRegistry } from '../../domain/model-types/catalog.js';
import type { ModelTypeDef } from '../../domain/model-types/types.js';
import { resolveVersionConfig, validateConcepts, validateOutputInfoOverride } from '../../domain/model-types/version-config.js';
import { applyPatch, parsePatchAction } from '../../domain/patch.js';
import { Code } from '../../domain/status-codes.js';
import { restUploadPathFor, uploadOnly } from '../../domain/upload-rules.js';
import { initialStatus } from '../../domain/version-lifecycle.js';
import type * as api from '../../gen/api.js';
import type { Store, VersionSortField } from '../../ports/store.js';
import { asJson, type CallContext, typedRpcs } from '../core/context.js';
import { pageOf } from '../core/paging.js';
import { modelToApi } from '../mappers/model.mapper.js';
import { conceptToApi, versionToApi } from '../mappers/version.mapper.js';
import { AnswerCache } from '../reuse/answer-cache.js';
import { readKey } from '../reuse/read-memo.js';
import { pinBaseEmbedder, refuseIfBaseOf } from './base-embedder-pin.js';
import { findModel, findVersion, versionFor } from './models.service.js';
import { applyVersionView, conceptsOf, infosOf, rejectUnsupportedVersionFields, versionPatchOf, versionView } from './version-fields.js';
import { refuseIfPinned } from './workflow-pins.js';

/** Job kind that trains one model version (run by the worker). */

const VERSION_SORTS: ReadonlyArray<readonly [keyof api.ListModelVersionsRequest, VersionSortField]> = [
  ['sort_by_status_code', 'status_code'],
  ['sort_by_num_inputs', 'num_inputs'],
  ['sort_by_description', 'description'],
  ['sort_by_created_at', 'created_at'],
];

export function typeOf(types: ModelTypeRegistry, model: Model): ModelTypeDef {
  const t = types.get(model.modelTypeId);
  if (!t) throw new ApiError(Code.MODEL_INVALID_ARGUMENT, `Model '${model.id}' has model type '${model.modelTypeId}', which this server does not know.`);
  return t;
}

/** PostModelVersions' one version -> a new domain version (validated, defaults merged). */
/** The version's stored infos from the request's (default: the type's rules and defaults, for a version modelkeep trains). */
type InfosResolver = (raw: api.ModelVersion) => Pick<ModelVersion, 'outputInfo' | 'inputInfo' | 'trainInfo' | 'importInfo'>;

export function newVersion(
  ctx: CallContext,
  model: Model,
  type: ModelTypeDef,
  raw: api.ModelVersion,
  runDescription: string,
  infos: InfosResolver = (r) => resolveVersionConfig(type, infosOf(r)),
): ModelVersion {
  rejectUnsupportedVersionFields(raw, 'model_versions[0]');
  const concepts = conceptsOf(raw.output_info, 'model_versions[0]');
  validateConcepts(type, concepts);
  const cfg = infos(raw);
  const id = raw.id || newId();
  if (raw.id) assertValidId(id, 'model_versions[0].id');
  const description = raw.description || runDescription;
  checkDescription(description);
  if (raw.metadata !== undefined) checkMetadata(raw.metadata);
  const gettable = raw.visibility?.gettable;
  checkVisibility(gettable, 'model_versions[0].visibility.gettable');
  const initial = initialStatus(type);
  return {
    pk: newId(),
    modelPk: model.pk,
    id,
    userId: model.userId,
    appId: model.appId,
    status: { code: initial.code, details: '', percentCompleted: 0 },
    concepts,
    totalInputCount: 0,
    description,
    license: raw.license ?? '',
    visibility: gettable || Visibility.PRIVATE,
    metadata: raw.metadata ?? {},
    ...cfg,
    runtime: 'plugin',
    trainLog: '',
    metrics: null,
    createdAt: ctx.now,
    modifiedAt: ctx.now,
    completedAt: initial.completed ? ctx.now : null,
  };
}

function trainJob(v: ModelVersion, modelTypeId: string, ctx: CallContext, evalInfo: api.EvalInfo | undefined): Job {
  const now = ctx.now;
  // The model type travels with the job: the worker needs it and a model's type never changes.
  // The req_id too, so every log line of the job names the request that queued it.
  const payload: JsonObject = { model_pk: v.modelPk, version_id: v.id, model_type_id: modelTypeId, req_id: ctx.reqId };
  if (evalInfo) payload.eval_info = asJson(evalInfo);
  return {
    id: newId(),
    kind: TRAIN_JOB,
    versionPk: v.pk,
    state: 'queued',
    attempts: 0,
    payload,
    leaseOwner: null,
    leaseExpiresAt: null,
    lastError: '',
    createdAt: now,
    updatedAt: now,
  };
}

/** Model versions: creation is the training trigger for trainable types; concepts never change afterwards. */
export function versionRpcs(store: Store, types: ModelTypeRegistry, answers = new AnswerCache(store.changes), onJobQueued: (job?: Job) => void = () => {}) {
  const getVersion = async (ctx: CallContext, req: { model_id?: string; version_id?: string }): Promise<{ model: Model; version: ModelVersion }> => {
    const model = await findModel(store, ctx, req.model_id);
    return { model, version: await findVersion(store, model, req.version_id) };
  };
  return typedRpcs({
    PostModelVersions: {
      access: 'app-write',
      async handle(ctx, req) {
        const list = req.model_versions ?? [];
        requireOneVersion(list.length);
        const model = await findModel(store, ctx, req.model_id);
        const type = typeOf(types, model);
        if (uploadOnly(type.id)) {
          throw new ApiError(
            Code.MODEL_INVALID_ARGUMENT,
            `Model '${model.id}' is a ${type.id}: its versions are ONNX models you upload (PostModelVersionsUpload over gRPC, or POST the package to ${restUploadPathFor(model.id)}); there is nothing to train.`,
          );
        }
        const asked = newVersion(ctx, model, type, list[0]!, req.description ?? '');
        const job = type.trainable ? trainJob(asked, type.id, ctx, req.eval_info) : undefined;
        const version = await store.transaction(async (tx) => {
          // An uploaded base embedder is checked and its version pinned in this transaction (decision 0040).
          const version = type.id === 'embedding-classifier' ? await pinBaseEmbedder(tx, asked) : asked;
          await tx.versions.create(version).catch((e: unknown) => {
            throw e instanceof DuplicateKeyError
              ? new ApiError(Code.DATABASE_DUPLICATE_KEY, `Version id '${version.id}' already exists in model '${model.id}'.`)
              : e;
          });
          if (job) await tx.jobs.enqueue(job);
          // Concepts are app resources: one a version names is created (name = id) if the app lacks it (reference §7.1).
          await tx.concepts.ensure(
            model.userId,
            model.appId,
            version.concepts.map((c) => c.id),
            ctx.now,
          );
          return version;
        });
        // Committed: a worker in this process starts training now instead of at its next poll (others poll).
        if (job) onJobQueued(job);
        return { model: modelToApi(model, version) };
      },
    },
    GetModelVersion: {
      access: 'app-read',
      handle: (ctx, req) =>
        answers.get(readKey('GetModelVersion', ctx, req.model_id, req.version_id), ctx.now, async () => {
          const { model, version } = await getVersion(ctx, req);
          return { model_version: versionToApi(version, model, { concepts: false }) };
        }),
    },
    ListModelVersions: {
      access: 'app-read',
      async handle(ctx, req) {
        const model = await findModel(store, ctx, req.model_id);
        let field: VersionSortField = 'created_at';
        for (const [k, v] of VERSION_SORTS) if (req[k]) field = v;
        const conceptIds = req.concept_ids ?? [];
        checkCount(conceptIds.length, 'ListModelVersions', 'concept_ids', Code.MODEL_INVALID_REQUEST);
        const versions = await store.versions.list({
          modelPk: model.pk,
          sort: { field, ascending: Boolean(req.sort_ascending) },
          page: pageOf(req, Code.MODEL_INVALID_REQUEST),
          ...(conceptIds.length > 0 ? { conceptIds } : {}),
          ...(req.trained_only ? { trainedOnly: true } : {}),
        });
        return { model_versions: versions.map((v) => versionToApi(v, model, { concepts: false })) };
      },
    },
    PatchModelVersions: {
      access: 'app-write',
      async handle(ctx, req) {
        const action = parsePatchAction(req.action);
        const list = req.model_versions ?? [];
        if (list.length === 0) throw invalidRequest('PatchModelVersions needs at least one version (with its id) in "model_versions".');
        checkCount(list.length, 'PatchModelVersions', 'model_versions', Code.MODEL_INVALID_REQUEST);
        const model = await findModel(store, ctx, req.model_id);
        const type = typeOf(types, model);
        const patched = await store.transaction(async (tx) => {
          // Lock the model first: concurrent patches of its versions then serialise (no lost merge).
          await findModel(tx, ctx, model.id, true);
          const out: ModelVersion[] = [];
          for (const [i, raw] of list.entries()) {
            const v = await findVersion(tx, model, raw.id, `model_versions[${i}].id`);
            const view = applyPatch(versionView(v), versionPatchOf(raw, `model_versions[${i}]`), action);
            // Validate the patched output_info, then refill the type's defaults an overwrite/remove may have dropped.
            const outputInfo = validateOutputInfoOverride(type, (view.output_info ?? {}) as JsonObject);
            view.output_info = resolveVersionConfig(type, { outputInfo, inputInfo: v.inputInfo, trainInfo: v.trainInfo, importInfo: v.importInfo }).outputInfo;
            const next = applyVersionView(v, view, ctx.now);
            await tx.versions.update(next);
            out.push(next);
          }
          return out;
        });
        return { model_versions: patched.map((v) => versionToApi(v, model, { concepts: false })) };
      },
    },
    DeleteModelVersion: {
      access: 'app-write',
      async handle(ctx, req) {
        const { version } = await getVersion(ctx, req);
        await store.transaction(async (tx) => {
          // Locks the model (the order PostWorkflows uses) so a pin written meanwhile is seen here.
          const model = await findModel(tx, ctx, req.model_id, true);
          await refuseIfPinned(tx, model, version.id);
          await refuseIfBaseOf(tx, model, version.id);
          await tx.jobs.cancelForVersion(version.pk, ctx.now);
          await tx.versions.delete(version.pk);
        });
        return {};
      },
    },
    ListModelConcepts: {
      access: 'app-read',
      async handle(ctx, req) {
        const model = await findModel(store, ctx, req.model_id);
        const version = await versionFor(store, model, req.version_id);
        const { page, perPage } = pageOf(req, Code.MODEL_INVALID_REQUEST);
        const concepts = (version?.concepts ?? []).slice((page - 1) * perPage, page * perPage);
        return { concepts: concepts.map((c) => conceptToApi(c, model.appId)) };
      },
    },
  });
}
