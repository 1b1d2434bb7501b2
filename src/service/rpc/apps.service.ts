import { type App, Visibility } from '../../domain/entities.js';
import { ApiError, DuplicateKeyError } from '../../domain/errors.js';
import { assertValidId, isValidId, newId } from '../../domain/ids.js';
import { isJsonObject } from '../../domain/json.js';
import { checkCount, checkLength, MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS } from '../../domain/limits.js';
import { Code } from '../../domain/status-codes.js';
import type * as api from '../../gen/api.js';
import type { Store } from '../../ports/store.js';
import type { AppResolver } from '../access/app-resolver.js';
import type { Authenticator } from '../access/auth.service.js';
import { typedRpcs } from '../core/context.js';
import { pageOf } from '../core/paging.js';
import { appToApi } from '../mappers/app.mapper.js';

const badApp = (details: string): ApiError => new ApiError(Code.CONN_BAD_REQUEST_FORMAT, details);

function appFromRequest(raw: api.App, userId: string, now: number): App {
  // Without an id the server makes one, as Clarifai does: its python-grpc CI
  // (scripts/app_and_key_for_tests.py) creates apps by name alone and reads the id back.
  const id = raw.id || newId();
  assertValidId(id, 'app id');
  const defaultWorkflowId = raw.default_workflow_id ?? '';
  if (defaultWorkflowId && !isValidId(defaultWorkflowId))
    throw badApp(`apps[].default_workflow_id '${defaultWorkflowId.slice(0, 140)}' is not a valid id (1-128 letters, digits, '_' or '-').`);
  const metadata = raw.metadata ?? {};
  if (!isJsonObject(metadata)) throw badApp('app metadata must be a JSON object.');
  const visibility: number = raw.visibility?.gettable || Visibility.PRIVATE;
  // REST's codec only lets enum values through; gRPC carries any number (e.g. 20), which must not be stored.
  if (!(Object.values(Visibility) as number[]).includes(visibility))
    throw badApp(`apps[].visibility.gettable ${visibility} is not a visibility: use 10 (PRIVATE), 30 (ORG) or 50 (PUBLIC).`);
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

/** Apps are owned by users; every model lives in one. */
export function appRpcs(store: Store, resolver: AppResolver, auth: Authenticator) {
  return typedRpcs({
    PostApps: {
      access: 'user',
      async handle(ctx, req) {
        const raw = req.apps ?? [];
        if (raw.length === 0) throw badApp('PostApps needs at least one app in "apps".');
        checkCount(raw.length, 'PostApps', 'apps', Code.CONN_BAD_REQUEST_FORMAT);
        const apps = raw.map((a) => appFromRequest(a, ctx.userId, ctx.now));
        await store.transaction(async (tx) => {
          for (const a of apps) {
            await tx.apps.create(a).catch((e: unknown) => {
              throw e instanceof DuplicateKeyError ? new ApiError(Code.DATABASE_DUPLICATE_KEY, `App id '${a.id}' already exists for user '${ctx.userId}'.`) : e;
            });
            resolver.evict(a.userId, a.id);
          }
        });
        return { apps: apps.map(appToApi) };
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
        const apps = await store.apps.list(ctx.userId, pageOf(req, Code.CONN_BAD_REQUEST_FORMAT));
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
