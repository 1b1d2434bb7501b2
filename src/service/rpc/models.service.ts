import { type Model, type ModelVersion, Visibility } from '../../domain/entities.js';
import { ApiError, DuplicateKeyError, invalidArgument, invalidRequest, modelNotFound } from '../../domain/errors.js';
import { assertValidId, newId } from '../../domain/ids.js';
import { checkCount, shown } from '../../domain/limits.js';
import { DEFAULT_MODEL_TYPE_ID, type ModelTypeRegistry } from '../../domain/model-types/catalog.js';
import { applyPatch, parsePatchAction } from '../../domain/patch.js';
import { Code } from '../../domain/status-codes.js';
import type * as api from '../../gen/api.js';
import type { Repos, Store } from '../../ports/store.js';
import { type CallContext, typedRpcs } from '../core/context.js';
import { modelToApi } from '../mappers/model.mapper.js';
import { AnswerCache } from '../reuse/answer-cache.js';
import { PageBoundaries } from '../reuse/page-boundaries.js';
import { readKey } from '../reuse/read-memo.js';
import { followBaseRename, refuseIfBaseOf } from './base-embedder-pin.js';
import { applyView, modelView, patchOf } from './model-fields.js';
import { modelListQuery, searchQuery } from './model-list-query.js';
import { followRename, refuseIfUsed } from './workflow-pins.js';

const where = (ctx: CallContext): string => `app '${ctx.app!.userId}/${ctx.app!.id}'`;

/** Loads a model of the call's app or throws 21200 naming it. */
// Ids are `unknown` here so service files not yet typed (0016) can pass their raw fields too.
export async function findModel(repos: Repos, ctx: CallContext, modelId: unknown, forUpdate = false): Promise<Model> {
  const id = typeof modelId === 'string' ? modelId : '';
  if (!id) throw invalidRequest('model_id is required.');
  const app = ctx.app!;
  const m = forUpdate ? await repos.models.getForUpdate(app.userId, app.id, id) : await repos.models.get(app.userId, app.id, id);
  if (!m) throw modelNotFound(`Model '${id}' does not exist in ${where(ctx)}.`);
  return m;
}

/**
 * Loads the version `versionId` of a model: the one "version not found" of every RPC that names a
 * version. `field` is how the request calls it (version_id, model_version_id), for the message.
 */
export async function findVersion(repos: Repos, model: Model, versionId: unknown, field = 'version_id'): Promise<ModelVersion> {
  const vid = typeof versionId === 'string' ? versionId : '';
  if (!vid) throw invalidRequest(`${field} is required.`);
  const v = await repos.versions.get(model.pk, vid);
  if (!v) throw modelNotFound(`Model '${model.id}' has no version '${vid}'.`);
  return v;
}

/** The version a Get names (`version_id`) or the latest one; 21200 when a named version is missing. */
export async function versionFor(repos: Repos, model: Model, versionId: unknown): Promise<ModelVersion | undefined> {
  if (versionId) return findVersion(repos, model, versionId);
  return (await repos.versions.latestOf([model.pk])).get(model.pk);
}

async function withLatest(repos: Repos, models: Model[]): Promise<api.Model[]> {
  const latest = await repos.versions.latestOf(models.map((m) => m.pk));
  return models.map((m) => modelToApi(m, latest.get(m.pk)));
}

function newModel(ctx: CallContext, raw: api.Model, types: ModelTypeRegistry): Model {
  const id = raw.id ?? '';
  if (!id) throw invalidArgument('model.id is required: choose an id for the model (letters, digits, _ and -).');
  assertValidId(id, 'model.id');
  const typeId = raw.model_type_id || DEFAULT_MODEL_TYPE_ID;
  const type = types.get(typeId);
  const creatable = types
    .all()
    .filter((t) => t.creatable)
    .map((t) => t.id);
  if (!type) throw invalidArgument(`model_type_id '${shown(typeId)}' is not a model type; creatable types: ${creatable.join(', ')}.`);
  if (!type.creatable) throw invalidArgument(`model type '${typeId}' cannot be created (it is built in); creatable types: ${creatable.join(', ')}.`);
  const base: Model = {
    pk: newId(),
    userId: ctx.app!.userId,
    appId: ctx.app!.id,
    id,
    name: id,
    modelTypeId: typeId,
    description: '',
    notes: '',
    metadata: {},
    visibility: Visibility.PRIVATE,
    toolkits: [],
    useCases: [],
    languages: [],
    checkConsents: [],
    presets: null,
    defaultEvalInfo: null,
    workflowRecommended: null,
    createdAt: ctx.now,
    modifiedAt: ctx.now,
  };
  return applyView(base, { ...modelView(base), ...patchOf(raw, 'PostModels') }, ctx.now);
}

const duplicateModel =
  (id: string, ctx: CallContext) =>
  (e: unknown): never => {
    throw e instanceof DuplicateKeyError
      ? new ApiError(Code.DATABASE_DUPLICATE_KEY, `Model id '${id}' already exists in ${where(ctx)}; choose another id.`)
      : e;
  };

/** Models: model-level fields only. No RPC here creates or changes a version (2023-01-20). */
export function modelRpcs(store: Store, types: ModelTypeRegistry, answers = new AnswerCache(store.changes), pages = new PageBoundaries(store.changes)) {
  return typedRpcs({
    PostModels: {
      access: 'app-write',
      async handle(ctx, req) {
        const list = req.models?.length ? req.models : req.model ? [req.model] : [];
        if (list.length === 0) throw invalidRequest('PostModels needs the model to create in "model" (or "models": [one model]).');
        if (list.length > 1) throw invalidRequest(`PostModels creates one model per call; got ${list.length}.`);
        const model = newModel(ctx, list[0]!, types);
        await store.models.create(model).catch(duplicateModel(model.id, ctx));
        return { model: modelToApi(model, undefined) };
      },
    },
    GetModel: {
      access: 'app-read',
      handle: (ctx, req) =>
        answers.get(readKey('GetModel', ctx, req.model_id, req.version_id), ctx.now, async () => {
          const m = await findModel(store, ctx, req.model_id);
          return { model: modelToApi(m, await versionFor(store, m, req.version_id)) };
        }),
    },
    GetModelOutputInfo: {
      access: 'app-read',
      handle: (ctx, req) =>
        answers.get(readKey('GetModelOutputInfo', ctx, req.model_id, req.version_id), ctx.now, async () => {
          const m = await findModel(store, ctx, req.model_id);
          return { model: modelToApi(m, await versionFor(store, m, req.version_id), { concepts: true }) };
        }),
    },
    ListModels: {
      access: 'user-or-app-read',
      async handle(ctx, req) {
        const models = await pages.list(modelListQuery(req, ctx.app?.userId ?? ctx.userId, ctx.app?.id, types), (q) => store.models.list(q));
        return { models: await withLatest(store, models) };
      },
    },
    PostModelsSearches: {
      access: 'app-read',
      async handle(ctx, req) {
        const models = await pages.list(searchQuery(req, ctx.app!.userId, ctx.app!.id, types), (q) => store.models.list(q));
        return { models: await withLatest(store, models) };
      },
    },
    PatchModels: {
      access: 'app-write',
      async handle(ctx, req) {
        const action = parsePatchAction(req.action);
        const list = req.models ?? [];
        if (list.length === 0) throw invalidRequest('PatchModels needs at least one model (with its id) in "models".');
        checkCount(list.length, 'PatchModels', 'models', Code.MODEL_INVALID_REQUEST);
        const patched = await store.transaction(async (tx) => {
          const out: Model[] = [];
          for (const raw of list) {
            const m = await findModel(tx, ctx, raw.id, true);
            if (raw.model_type_id && raw.model_type_id !== m.modelTypeId) {
              throw invalidArgument(`model_type_id cannot change after creation (model '${m.id}' is '${m.modelTypeId}'); create a new model for another type.`);
            }
            const next = applyView(m, applyPatch(modelView(m), patchOf(raw, 'PatchModels'), action), ctx.now);
            await tx.models.update(next);
            out.push(next);
          }
          return out;
        });
        return { models: await withLatest(store, patched) };
      },
    },
    PatchModelIds: {
      access: 'app-write',
      async handle(ctx, req) {
        if ((req.action ?? 'overwrite') !== 'overwrite') throw invalidRequest(`PatchModelIds supports action "overwrite" only (got "${String(req.action)}").`);
        const ids = req.ids ?? [];
        if (ids.length === 0) throw invalidRequest('PatchModelIds needs "ids": [{"id": "old", "new_id": "new"}].');
        checkCount(ids.length, 'PatchModelIds', 'ids', Code.MODEL_INVALID_REQUEST);
        const renamed = await store.transaction(async (tx) => {
          const out: Model[] = [];
          for (const { id, new_id: newIdValue } of ids) {
            const m = await findModel(tx, ctx, id, true);
            const newModelId = newIdValue ?? '';
            assertValidId(newModelId, 'new_id');
            const next = { ...m, id: newModelId, modifiedAt: ctx.now };
            await tx.models.update(next).catch(duplicateModel(newModelId, ctx));
            // Workflows name models by id: they follow the rename, or they would stop running.
            await followRename(tx, m, newModelId);
            // So do the versions based on it (decision 0040): their pins name it by id.
            await followBaseRename(tx, m, newModelId);
            out.push(next);
          }
          return out;
        });
        return { models: await withLatest(store, renamed) };
      },
    },
    DeleteModel: {
      access: 'app-write',
      async handle(ctx, req) {
        await store.transaction(async (tx) => {
          const m = await findModel(tx, ctx, req.model_id, true);
          await refuseIfUsed(tx, m.userId, m.appId, [m]);
          await refuseIfBaseOf(tx, m);
          await tx.models.delete([m.pk]);
        });
        return {};
      },
    },
    DeleteModels: {
      access: 'app-write',
      async handle(ctx, req) {
        const ids = req.ids ?? [];
        if (req.delete_all && ids.length > 0) throw invalidRequest('Send either "ids" or "delete_all", not both.');
        if (!req.delete_all && ids.length === 0) throw invalidRequest('DeleteModels needs "ids" (the models to delete) or "delete_all": true.');
        checkCount(ids.length, 'DeleteModels', 'ids', Code.MODEL_INVALID_REQUEST);
        await store.transaction(async (tx) => {
          const targets = req.delete_all ? [] : await Promise.all(ids.map((id) => findModel(tx, ctx, id, true)));
          const pks = req.delete_all ? await tx.models.listPks(ctx.app!.userId, ctx.app!.id) : targets.map((m) => m.pk);
          // delete_all with workflows in the app: refused too, naming them (decision 0033).
          const used = req.delete_all
            ? (await tx.workflows.all(ctx.app!.userId, ctx.app!.id)).flatMap((w) => w.nodes.filter((n) => !n.modelApp).map((n) => n.modelId))
            : ids;
          const models = (await Promise.all([...new Set(used)].map((id) => tx.models.get(ctx.app!.userId, ctx.app!.id, id)))).filter(
            (m): m is Model => m !== undefined,
          );
          await refuseIfUsed(tx, ctx.app!.userId, ctx.app!.id, models);
          // delete_all takes the versions based on an embedder with it; ids may name both.
          for (const m of targets) await refuseIfBaseOf(tx, m, undefined, new Set(ids));
          await tx.models.delete(pks);
        });
        return {};
      },
    },
  });
}
