import type { App } from '../../domain/entities.js';
import { Visibility } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import type { AppRepo } from '../../ports/store.js';
import { BoundedMap } from '../../runtime/bounded-map.js';
import type { Access, Caller, MaybePromise } from '../core/context.js';

/** Clarifai's reserved owner of the shared read-only models (filled by the built-in models). */
export { SYSTEM_USER_ID } from '../../domain/system-app.js';

/**
 * Finds the app an RPC targets and checks the caller may use it. Apps change rarely, so they are
 * cached briefly; deletions in this process evict at once.
 */
export class AppResolver {
  private readonly cache = new BoundedMap<string, { app: App | null; until: number }>(10_000);

  constructor(
    private readonly apps: AppRepo,
    private readonly ttlMs = 5000,
  ) {}

  /** The app, access-checked; synchronous when its lookup is cached. */
  resolve(caller: Caller, userId: string, appId: string, access: Access, now: number): MaybePromise<App> {
    const cacheKey = `${userId}\u0000${appId}`;
    const hit = this.cache.get(cacheKey);
    if (hit && hit.until >= now) return check(hit.app, caller, userId, appId, access);
    return this.apps.get(userId, appId).then((app) => {
      const fresh = { app: app ?? null, until: now + this.ttlMs };
      this.cache.set(cacheKey, fresh);
      return check(fresh.app, caller, userId, appId, access);
    });
  }

  evict(userId: string, appId: string): void {
    this.cache.delete(`${userId}\u0000${appId}`);
  }
}

/**
 * One answer for "no such app" and "another user's app you may not see": 11101 with the same
 * details, so app ids of other users cannot be probed (decision 0011). Clarifai's clients read
 * CONN_DOES_NOT_EXIST as "this account is not yours" too (clarifai-python model_builder.py).
 */
const appNotFound = (userId: string, appId: string): ApiError =>
  new ApiError(Code.CONN_DOES_NOT_EXIST, `App '${appId}' of user '${userId}' does not exist. Create it with PostApps or check user_app_id.`);

/** Whether the caller may use the app for `access`; throws the Clarifai status when not. */
function check(app: App | null, caller: Caller, userId: string, appId: string, access: Access): App {
  if (!app) throw appNotFound(userId, appId);
  const ownApp = app.userId === caller.userId && (caller.keyKind === 'pat' || caller.appIds.includes(appId));
  if (ownApp) return app;
  if (app.userId === caller.userId) {
    throw new ApiError(
      Code.CONN_KEY_INVALID,
      `This API key belongs to app '${caller.appIds.join(',')}', not '${appId}'. Use a key of that app or a personal access token.`,
    );
  }
  // Another user's app that is not public: indistinguishable from one that does not exist.
  if (app.visibility !== Visibility.PUBLIC) throw appNotFound(userId, appId);
  // Public apps (e.g. clarifai/main) are readable with any valid key, as on Clarifai; their existence
  // is no secret, so a write says plainly that only the owner may.
  if (access !== 'app-write') return app;
  throw new ApiError(Code.CONN_INSUFFICIENT_SCOPES, `App '${userId}/${appId}' belongs to another user; only its owner can change it.`);
}
