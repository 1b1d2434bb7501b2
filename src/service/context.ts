import type { App, KeyKind } from '../domain/entities.js';

/** Who is calling, as established by authentication. */
export interface Caller {
  userId: string;
  keyId: string;
  keyKind: KeyKind;
  scopes: string[];
  /** App ids an app key is bound to (empty for PATs). */
  appIds: string[];
}

/** Everything a handler needs about the call besides its request message. */
export interface CallContext {
  reqId: string;
  now: number;
  caller: Caller;
  /** Target user (user_app_id.user_id with "me" resolved). */
  userId: string;
  /** Target app, resolved and access-checked, for app-scoped RPCs. */
  app: App | undefined;
}

/** How an RPC is scoped: decides which checks run before its handler. */
export type Access =
  /** reads inside one app; other users' apps are readable when public */
  | 'app-read'
  /** writes inside one app of the caller */
  | 'app-write'
  /** user-level (apps, keys): caller's own user only */
  | 'user'
  /** reads that may span all of the caller's apps when no app is named (ListModels by user) */
  | 'user-or-app-read';

export type ApiObject = Record<string, unknown>;

/** A value now, or later: the hot read paths answer from caches without a promise per step. */
export type MaybePromise<T> = T | Promise<T>;

export interface RpcImpl {
  access: Access;
  handle(ctx: CallContext, req: ApiObject): MaybePromise<ApiObject>;
}
