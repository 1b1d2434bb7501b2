import type { App, KeyKind } from '../../domain/entities.js';
import type { JsonObject } from '../../domain/json.js';
import type { V2MethodName, V2Methods } from '../../gen/api.js';

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

/** Name of an RPC of clarifai.api.V2. */
export type RpcName = V2MethodName;
/** The request message of an RPC, in the API-object shape both transports decode into (0001, 0016). */
export type RequestOf<N extends RpcName> = V2Methods[N]['request'];
/**
 * What a handler returns: the response message, whose `status` the dispatcher fills in (ok) unless
 * the handler sets its own (mixed success).
 */
export type ResponseOf<N extends RpcName> = V2Methods[N]['response'];

/**
 * One RPC's implementation. `RpcImpl<'GetModel'>` receives a GetModelRequest and returns a
 * SingleModelResponse. A bare `RpcImpl` is the untyped form the dispatcher holds (and the escape
 * hatch for a service file not yet typed): it sees any request as an ApiObject.
 */
export interface RpcImpl<N extends RpcName | undefined = undefined> {
  access: Access;
  handle(ctx: CallContext, req: N extends RpcName ? RequestOf<N> : ApiObject): MaybePromise<N extends RpcName ? ResponseOf<N> : ApiObject>;
}

/** A service file's RPCs, each typed by its name. */
export type TypedRpcs<K extends RpcName> = { [N in K]: RpcImpl<N> };

/**
 * Checks each implementation against its RPC's messages, then hands the table on untyped. The one
 * cast is sound because the dispatcher passes every handler a request decoded with that RPC's own
 * request type (RpcInfo.requestType) and encodes what it returns with the response type.
 */
export function typedRpcs<K extends RpcName>(impls: TypedRpcs<K>): Record<K, RpcImpl> {
  return impls as unknown as Record<K, RpcImpl>;
}

/**
 * A typed API message (or part of one) as the free-form JSON the domain stores (output_info,
 * train_info …). Sound: both codecs produce plain JSON data only (0001), which the interfaces describe.
 */
export function asJson(v: object | undefined): JsonObject {
  return (v ?? {}) as JsonObject;
}

/**
 * A client-streaming RPC (PostModelVersionsUpload): the first message opens a session behind exactly
 * the checks of a unary call of that RPC; the session answers each later message and the end of
 * the stream. Answers are response messages, like a unary handler's.
 */
export interface StreamImpl {
  access: Access;
  /**
   * The request the call is scoped by (its user_app_id), when the first message does not carry it at
   * its top (upload_config.user_app_id). Throws an ApiError for a first message that cannot open the
   * stream, so the caller hears that before anything else.
   */
  scopeOf?(first: ApiObject): ApiObject;
  open(ctx: CallContext, first: ApiObject): Promise<StreamSession>;
}

export interface StreamSession {
  /** The answer to the first message. */
  readonly first: ApiObject;
  /** The answer to a later message; throwing ends the stream with that error's answer. */
  next(req: ApiObject): Promise<ApiObject>;
  /** The client is done sending: the last answer, if any. */
  end(): Promise<ApiObject | undefined>;
  /** The call broke off (cancelled, failed, refused): let go of everything the session holds. Never throws. */
  abort(): Promise<void>;
}
