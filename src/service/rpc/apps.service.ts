import { appListFilter, appListOrder } from '../../domain/app-search.js';
import { isRefusal, requestedBaseWorkflow } from '../../domain/base-workflow.js';
import { type App, Visibility } from '../../domain/entities.js';
import { ApiError, DuplicateKeyError } from '../../domain/errors.js';
import { assertValidId, newId } from '../../domain/ids.js';
import { isJsonObject } from '../../domain/json.js';
import { checkCount, checkLength, MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS } from '../../domain/limits.js';
import { isVisibility } from '../../domain/model-rules.js';
import type { ModelTypeRegistry } from '../../domain/model-types/registry.js';
import { applyPatch, parsePatchAction } from '../../domain/patch.js';
import { Code } from '../../domain/status-codes.js';
import type * as api from '../../gen/api.js';
import type { Embedder } from '../../ml/embedders/embedder.js';
import type { Repos, Store } from '../../ports/store.js';
import type { AppResolver } from '../access/app-resolver.js';
import type { Authenticator } from '../access/auth.service.js';
import { typedRpcs } from '../core/context.js';
import { pageOf } from '../core/paging.js';
import { appToApi } from '../mappers/app.mapper.js';
import { queueReindex, resolveBaseWorkflow } from './base-workflow.js';

const badApp = (details: string): ApiError => new ApiError(Code.CONN_BAD_REQUEST_FORMAT, details);

/** The base workflow id an entry asks for (undefined: not sent); refusals as ApiErrors. */
function askedWorkflow(raw: api.App, own: { userId: string; appId: string }, path: string): string | undefined {
  const asked = requestedBaseWorkflow(raw, own, path);
  if (isRefusal(asked)) throw new ApiError(asked.code, asked.details);
  return asked;
}

function appFromRequest(raw: api.App, userId: string, now: number, i: number): App {
  // Without an id the server makes one, as Clarifai does: its python-grpc CI
  // (scripts/app_and_key_for_tests.py) creates apps by name alone and reads the id back.
  const id = raw.id || newId();
  assertValidId(id, 'app id');
  const defaultWorkflowId = askedWorkflow(raw, { userId, appId: id }, `apps[${i}]`) ?? '';
  const metadata = raw.metadata ?? {};
  if (!isJsonObject(metadata)) throw badApp('app metadata must be a JSON object.');
  const visibility: number = raw.visibility?.gettable || Visibility.PRIVATE;
  // REST's codec only lets enum values through; gRPC carries any number (e.g. 20), which must not be stored.
  if (!isVisibility(visibility)) throw badApp(`apps[].visibility.gettable ${visibility} is not a visibility: use 10 (PRIVATE), 30 (ORG) or 50 (PUBLIC).`);
  const name = raw.name || id;
  const description = raw.description ?? '';
  checkLength(name, 'apps[].name', MAX_NAME_CHARS, Code.CONN_BAD_REQUEST_FORMAT);
  checkLength(description, 'apps[].description', MAX_DESCRIPTION_CHARS, Code.CONN_BAD_REQUEST_FORMAT);
  return {
    userId,
    id,
    name,
    description,
    defaultLanguage: raw.default_language || 'en',
    defaultWorkflowId,
    visibility,
    metadata,
    createdAt: now,
    modifiedAt: now,
  };
}

/** What PatchApps may change; the rest of an app (id, owner, created_at) is fixed. */
function patchedApp(old: App, raw: api.App, action: 'merge' | 'overwrite', metadataAction: ReturnType<typeof parsePatchAction>, i: number, now: number): App {
  const next: App = { ...old, modifiedAt: now };
  if (raw.name) next.name = raw.name;
  if (raw.description !== undefined && (raw.description !== '' || action === 'overwrite')) next.description = raw.description;
  if (raw.default_language) next.defaultLanguage = raw.default_language;
  const wf = askedWorkflow(raw, { userId: old.userId, appId: old.id }, `apps[${i}]`);
  if (wf !== undefined) next.defaultWorkflowId = wf;
  if (raw.visibility?.gettable) {
    const v: number = raw.visibility.gettable;
    if (!isVisibility(v)) throw badApp(`apps[${i}].visibility.gettable ${v} is not a visibility: use 10 (PRIVATE), 30 (ORG) or 50 (PUBLIC).`);
    next.visibility = v;
  }
  if (raw.metadata !== undefined) {
    if (!isJsonObject(raw.metadata)) throw badApp(`apps[${i}].metadata must be a JSON object.`);
    next.metadata = applyPatch(old.metadata, raw.metadata, metadataAction);
  }
  checkLength(next.name, `apps[${i}].name`, MAX_NAME_CHARS, Code.CONN_BAD_REQUEST_FORMAT);
  checkLength(next.description, `apps[${i}].description`, MAX_DESCRIPTION_CHARS, Code.CONN_BAD_REQUEST_FORMAT);
  return next;
}

export interface AppRpcDeps {
  store: Store;
  resolver: AppResolver;
  auth: Authenticator;
  types: ModelTypeRegistry;
  /** The embedders this server runs: what a base workflow may index with. */
  embedders: ReadonlyMap<string, Embedder>;
  /** Called after PatchApps queued inputs for re-indexing, to wake the input processor of this process (if it runs one). */
  onReindexQueued?: () => void;
}

/** Apps are owned by users; every model lives in one. */
export function appRpcs(d: AppRpcDeps) {
  const { store, resolver, auth } = d;
  const checkWorkflow = async (tx: Repos, a: App, i: number): Promise<void> => {
    if (a.defaultWorkflowId) await resolveBaseWorkflow(tx, a, a.defaultWorkflowId, d.embedders, d.types, `apps[${i}].default_workflow_id`);
  };
  return typedRpcs({
    PostApps: {
      access: 'user',
      async handle(ctx, req) {
        const raw = req.apps ?? [];
        if (raw.length === 0) throw badApp('PostApps needs at least one app in "apps".');
        checkCount(raw.length, 'PostApps', 'apps', Code.CONN_BAD_REQUEST_FORMAT);
        const apps = raw.map((a, i) => appFromRequest(a, ctx.userId, ctx.now, i));
        await store.transaction(async (tx) => {
          for (const [i, a] of apps.entries()) {
            // A new app has no workflows yet: only a built-in base workflow can be named.
            await checkWorkflow(tx, a, i);
            await tx.apps.create(a).catch((e: unknown) => {
              throw e instanceof DuplicateKeyError ? new ApiError(Code.DATABASE_DUPLICATE_KEY, `App id '${a.id}' already exists for user '${ctx.userId}'.`) : e;
            });
            resolver.evict(a.userId, a.id);
          }
        });
        return { apps: apps.map(appToApi) };
      },
    },
    PatchApps: {
      access: 'user',
      async handle(ctx, req) {
        const raw = req.apps ?? [];
        if (raw.length === 0) throw badApp('PatchApps needs at least one app in "apps", each with its "id".');
        checkCount(raw.length, 'PatchApps', 'apps', Code.CONN_BAD_REQUEST_FORMAT);
        const action = parsePatchAction(req.action || 'overwrite');
        if (action === 'remove') throw badApp("PatchApps supports action 'overwrite' or 'merge' here; to clear a field, overwrite it.");
        const metadataAction = parsePatchAction(req.metadata_action?.op || 'overwrite');
        const seen = new Set<string>();
        for (const [i, a] of raw.entries()) {
          if (!a.id) throw badApp(`apps[${i}].id is required: the id of the app to patch.`);
          if (seen.has(a.id)) throw badApp(`apps[${i}].id '${a.id}' appears twice in this request; send each app once.`);
          seen.add(a.id);
        }
        let queued = 0;
        const done = await store.transaction(async (tx) => {
          const out: App[] = [];
          for (const [i, a] of raw.entries()) {
            const old = await tx.apps.getForUpdate(ctx.userId, a.id!);
            if (!old) throw new ApiError(Code.CONN_DOES_NOT_EXIST, `apps[${i}]: app '${a.id}' does not exist for user '${ctx.userId}'.`);
            const next = patchedApp(old, a, action, metadataAction, i, ctx.now);
            if (next.defaultWorkflowId !== old.defaultWorkflowId) {
              await checkWorkflow(tx, next, i);
              // Re-indexed in the background, durably: the queue is the input rows (30501), as processing's is.
              queued += await queueReindex(tx, old, next, d.embedders, d.types, ctx.now);
            }
            if (!(await tx.apps.update(next)))
              throw new ApiError(Code.CONN_DOES_NOT_EXIST, `apps[${i}]: app '${a.id}' does not exist for user '${ctx.userId}'.`);
            out.push(next);
          }
          return out;
        });
        for (const a of done) resolver.evict(a.userId, a.id);
        if (queued > 0) d.onReindexQueued?.();
        return { apps: done.map(appToApi) };
      },
    },
    GetApp: {
      access: 'app-read',
      async handle(ctx) {
        return { app: appToApi(ctx.app!) };
      },
    },
    ListApps: {
      access: 'user',
      async handle(ctx, req) {
        const page = pageOf(req, Code.CONN_BAD_REQUEST_FORMAT);
        const filter = appListFilter(req);
        const { none, ...order } = appListOrder(req, filter);
        if (none) return { apps: [] };
        const apps = await store.apps.list(ctx.userId, page, filter, order);
        return { apps: apps.map(appToApi) };
      },
    },
    DeleteApp: {
      access: 'app-write',
      async handle(ctx) {
        const app = ctx.app!;
        await store.apps.delete(app.userId, app.id);
        resolver.evict(app.userId, app.id);
        // Its app keys went with it (FK cascade); cached lookups must not outlive them.
        auth.evictApp(app.userId, app.id);
        return {};
      },
    },
  });
}
