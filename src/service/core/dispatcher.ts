import { ApiError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { Code } from '../../domain/status-codes.js';
import { REST_UPLOAD_PATH } from '../../domain/upload-rules.js';
import type { ChangeClock } from '../../ports/changes.js';
import type { Clock } from '../../ports/clock.js';
import type { ClarifaiProtos, RpcInfo } from '../../proto/load.js';
import { responseSkeleton } from '../../proto/skeleton.js';
import type { Admission } from '../access/admission.js';
import type { AppResolver } from '../access/app-resolver.js';
import type { Authenticator } from '../access/auth.service.js';
import type { CallMeta, CallObserver, CallOutcome } from './call-observer.js';
import type { ApiObject, CallContext, Caller, MaybePromise, RpcImpl, StreamImpl, StreamSession } from './context.js';
import { DispatchStream } from './dispatch-stream.js';
import { requestIdOf } from './request-id.js';
import { type ApiStatus, mapError, okStatus, statusOf } from './status.js';

/**
 * A response as its two parts: the status (fresh per call: it carries the req_id) and the rest of
 * the message, which may be a sealed body shared between calls (see sealed.ts). Transports write
 * the status first, as Clarifai prints it, then the body's fields.
 */
export interface DispatchResult {
  status: ApiStatus;
  /** Every field of the response message but `status`. */
  body: ApiObject;
  /** status.code, for transports that map it (REST). */
  code: number;
  retryable: boolean;
  /** Seconds to wait before repeating the call (rate limit, shedding): REST sends Retry-After. */
  retryAfterSeconds?: number;
}

/** The whole response message as one object (for transports without split encoding, and tests). */
export function responseOf(r: DispatchResult): ApiObject {
  return { status: r.status, ...r.body };
}

export interface Logger {
  error(obj: object, msg: string): void;
}

export interface DispatcherDeps {
  protos: ClarifaiProtos;
  impls: ReadonlyMap<string, RpcImpl>;
  /** Client-streaming RPCs (default: none; the transports refuse every streaming RPC without one). */
  streams?: ReadonlyMap<string, StreamImpl>;
  auth: Authenticator;
  apps: AppResolver;
  clock: Clock;
  log: Logger;
  /** Writes are acknowledged only once other processes can see them (see ChangeClock.published). */
  changes?: ChangeClock;
  /** Rate limit and load shedding (default: none). */
  admission?: Admission;
  /** Sees every answered call once: request log lines and metrics (default: none). */
  observer?: CallObserver;
}

/** Who the call turned out to be for, filled in as the dispatcher learns it (for the observer). */
export interface Seen {
  userId: string | undefined;
  appId: string | undefined;
}

/** The RPC label of requests to a path that no method answers (logs and metrics). */
export const UNKNOWN_PATH_RPC = '(unknown path)';

/**
 * The one entry point both transports call: authenticates, resolves and checks the target user and
 * app, runs the handler, and turns every outcome into a Clarifai response with an in-band status.
 */
export class Dispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  rpc(name: string): RpcInfo | undefined {
    return this.deps.protos.rpcs.get(name);
  }

  /**
   * Runs one call. Synchronous when every step is served from a cache (the hot reads: key, app and
   * answer), so such a call costs no promise at all; a promise as soon as one step has to wait.
   * `meta` names the transport and carries the request-id hints (x-request-id, Clarifai's prefix).
   */
  call(rpcName: string, req: ApiObject, authorization: string | undefined, meta?: CallMeta): MaybePromise<DispatchResult> {
    const observer = this.deps.observer;
    if (!observer || !meta) return this.run(rpcName, req, authorization, requestIdOf(meta), undefined);
    const started = performance.now();
    const seen: Seen = { userId: undefined, appId: undefined };
    const r = this.run(rpcName, req, authorization, requestIdOf(meta), seen);
    if (!(r instanceof Promise)) {
      observer.observe(outcome(rpcName, meta, r, seen, performance.now() - started));
      return r;
    }
    return r.then((done) => {
      observer.observe(outcome(rpcName, meta, done, seen, performance.now() - started));
      return done;
    });
  }

  /** True when a streaming RPC has an implementation (the gRPC transport then serves it as a stream). */
  hasStream(rpcName: string): boolean {
    return this.deps.streams?.has(rpcName) ?? false;
  }

  /**
   * One call of a client-streaming RPC: `send` each message in order, then `end` (or `abort` when the
   * call breaks off). Every answer carries the call's one req_id; the call is logged and counted once,
   * when it is over. After an answer whose `closed` is set the stream is over: send nothing more.
   */
  openStream(rpcName: string, authorization: string | undefined, meta: CallMeta): DispatchStream {
    const rpc = this.deps.protos.rpcs.get(rpcName);
    const impl = this.deps.streams?.get(rpcName);
    if (!rpc || !impl) throw new Error(`openStream: ${rpcName} has no stream implementation`);
    return new DispatchStream(this, rpc, impl, authorization, meta, requestIdOf(meta));
  }

  /** @internal DispatchStream's first message: the checks of a unary call, then the session. */
  async openSession(rpc: RpcInfo, impl: StreamImpl, first: ApiObject, authorization: string | undefined, reqId: string, seen: Seen): Promise<StreamSession> {
    const admission = this.deps.admission;
    admission?.checkLoad();
    const now = this.deps.clock.now();
    const caller = await this.deps.auth.authenticate(authorization, now);
    seen.userId = caller.userId;
    admission?.checkRate(caller, now);
    const scoped = impl.scopeOf ? impl.scopeOf(first) : first;
    const ctx = await this.context(rpc, { access: impl.access, handle: () => ({}) }, caller, scoped, reqId, now);
    seen.userId = ctx.userId;
    seen.appId = ctx.app?.id;
    return impl.open(ctx, first);
  }

  /** @internal An answer of a stream, once the writes behind it are visible to every process. */
  async streamAnswer(answer: ApiObject, reqId: string): Promise<DispatchResult> {
    await this.deps.changes?.published();
    return success(answer, reqId);
  }

  /** @internal Observes a finished stream once. */
  observeStream(rpc: string, meta: CallMeta, r: DispatchResult, seen: Seen, durationMs: number): void {
    this.deps.observer?.observe(outcome(rpc, meta, r, seen, durationMs));
  }

  /**
   * The answer to a request a transport refused before dispatching it (a body that does not decode):
   * observed like any other call.
   */
  refuse(rpc: RpcInfo, err: unknown, meta: CallMeta): DispatchResult {
    const r = this.failure(rpc, err, requestIdOf(meta));
    this.deps.observer?.observe(outcome(rpc.name, meta, r, { userId: undefined, appId: undefined }, 0));
    return r;
  }

  /**
   * The answer to a REST path no method answers: logged and counted like any call, under one fixed
   * RPC label (`UNKNOWN_PATH_RPC`) so that scanning random paths cannot grow the metrics' label set.
   */
  unknownPath(details: string, meta: CallMeta): DispatchResult {
    const r: DispatchResult = {
      status: statusOf(Code.CONN_DOES_NOT_EXIST, details, requestIdOf(meta)),
      body: {},
      code: Code.CONN_DOES_NOT_EXIST,
      retryable: false,
    };
    this.deps.observer?.observe(outcome(UNKNOWN_PATH_RPC, meta, r, { userId: undefined, appId: undefined }, 0));
    return r;
  }

  private run(rpcName: string, req: ApiObject, authorization: string | undefined, reqId: string, seen: Seen | undefined): MaybePromise<DispatchResult> {
    const rpc = this.deps.protos.rpcs.get(rpcName);
    if (!rpc)
      return { status: statusOf(Code.CONN_DOES_NOT_EXIST, `Unknown method ${rpcName}.`, reqId), body: {}, code: Code.CONN_DOES_NOT_EXIST, retryable: false };
    const admission = this.deps.admission;
    try {
      admission?.checkLoad();
      const now = this.deps.clock.now();
      const caller = rpc.authType === 'NoAuth' ? undefined : this.deps.auth.authenticate(authorization, now);
      const result = then(caller, (c) => {
        if (seen && c) seen.userId = c.userId;
        admission?.checkRate(c, now);
        const impl = this.deps.impls.get(rpcName);
        if (!impl || !c) {
          if (this.deps.streams?.has(rpcName))
            throw new ApiError(Code.NOT_IMPLEMENTED, `${rpcName} is a gRPC stream; over REST, POST the package to ${REST_UPLOAD_PATH}.`);
          throw new ApiError(Code.NOT_IMPLEMENTED, `${rpcName} is not implemented by modelkeep. See docs/api-coverage.md for the supported methods.`);
        }
        return then(this.context(rpc, impl, c, req, reqId, now), (ctx) => {
          if (seen) {
            seen.userId = ctx.userId;
            seen.appId = ctx.app?.id;
          }
          return then(impl.handle(ctx, req), (answer) => {
            const published = this.deps.changes?.published();
            return published ? published.then(() => success(answer, reqId)) : success(answer, reqId);
          });
        });
      });
      if (!(result instanceof Promise)) return result;
      const answered = result.catch((err: unknown) => this.failure(rpc, err, reqId));
      return admission ? admission.track(answered) : answered;
    } catch (err) {
      return this.failure(rpc, err, reqId);
    }
  }

  /**
   * Runs `handle` behind exactly the checks of the RPC `asRpc` (authentication, its scopes, app access)
   * for routes that are not RPCs — the hosted bytes of an uploaded image are guarded as GetInput.
   * Failures come back as that RPC's error response.
   */
  async runAs<T>(
    asRpc: string,
    access: RpcImpl['access'],
    req: ApiObject,
    authorization: string | undefined,
    handle: (ctx: CallContext) => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; result: DispatchResult }> {
    const rpc = this.deps.protos.rpcs.get(asRpc);
    if (!rpc) throw new Error(`runAs: unknown RPC ${asRpc}`);
    const reqId = newId();
    try {
      this.deps.admission?.checkLoad();
      const now = this.deps.clock.now();
      const caller = await this.deps.auth.authenticate(authorization, now);
      this.deps.admission?.checkRate(caller, now);
      const ctx = await this.context(rpc, { access, handle: () => ({}) }, caller, req, reqId, now);
      return { ok: true, value: await handle(ctx) };
    } catch (err) {
      return { ok: false, result: this.failure(rpc, err, reqId) };
    }
  }

  /** Builds the error response for a request that failed before or inside its handler. */
  failure(rpc: RpcInfo, err: unknown, reqId = newId()): DispatchResult {
    const mapped = mapError(err, reqId);
    if (mapped.internal) this.deps.log.error({ err, reqId, rpc: rpc.name }, 'internal error');
    const r: DispatchResult = { status: mapped.status, body: responseSkeleton(rpc.responseType), code: mapped.status.code, retryable: mapped.retryable };
    if (mapped.retryAfterSeconds !== undefined) r.retryAfterSeconds = mapped.retryAfterSeconds;
    return r;
  }

  private context(rpc: RpcInfo, impl: RpcImpl, caller: Caller, req: ApiObject, reqId: string, now: number): MaybePromise<CallContext> {
    if (rpc.authType === 'PATAuth' && caller.keyKind !== 'pat') {
      throw new ApiError(Code.CONN_INSUFFICIENT_SCOPES, `${rpc.name} needs a personal access token; app-specific API keys cannot call it.`);
    }
    if (caller.keyKind === 'app' && !caller.scopes.includes('All')) {
      const missing = rpc.scopes.filter((s) => !caller.scopes.includes(s));
      if (missing.length > 0)
        throw new ApiError(
          Code.CONN_INSUFFICIENT_SCOPES,
          `This API key lacks the scopes ${rpc.name} needs: ${missing.join(', ')}. Create a key with them (or with scope All).`,
        );
    }
    const uai = (req.user_app_id ?? {}) as { user_id?: string; app_id?: string };
    const userId = uai.user_id && uai.user_id !== 'me' ? uai.user_id : caller.userId;
    let appId = uai.app_id ?? '';
    // An app key always acts inside its app: without an app id (also with user_id "me" or its own user,
    // e.g. /v2/users/me/models) it means its app, never "every app of the user".
    if (caller.keyKind === 'app' && !appId && userId === caller.userId) {
      appId = caller.appIds[0] ?? '';
    }
    const ctx: CallContext = { reqId, now, caller, userId, app: undefined };
    if (impl.access === 'user') {
      // 11101 as Clarifai answers a PAT used on another user's account (clarifai-python model_builder.py,
      // utils/config.py); no lookup is made, so it tells nothing about whether that user exists.
      if (userId !== caller.userId)
        throw new ApiError(
          Code.CONN_DOES_NOT_EXIST,
          `User '${userId}' does not exist or is not yours: you are '${caller.userId}'. Use user_id "me" or your own user id.`,
        );
      return ctx;
    }
    if (!appId) {
      if (impl.access === 'user-or-app-read' && userId === caller.userId) return ctx;
      throw new ApiError(
        Code.CONN_INVALID_REQUEST,
        'This request needs an app: a personal access token must be used with user_app_id (user_id and app_id) or the /v2/users/{user_id}/apps/{app_id}/… path.',
      );
    }
    const app = this.deps.apps.resolve(caller, userId, appId, impl.access, now);
    if (app instanceof Promise) {
      return app.then((resolved) => {
        ctx.app = resolved;
        return ctx;
      });
    }
    ctx.app = app;
    return ctx;
  }
}

/** `f(x)` now when x is a value, after it when x is a promise. */
function then<T, U>(x: MaybePromise<T>, f: (v: T) => MaybePromise<U>): MaybePromise<U> {
  return x instanceof Promise ? x.then(f) : f(x);
}

function outcome(rpc: string, meta: CallMeta, r: DispatchResult, seen: Seen, durationMs: number): CallOutcome {
  return { rpc, transport: meta.transport, code: r.code, retryable: r.retryable, reqId: r.status.req_id, userId: seen.userId, appId: seen.appId, durationMs };
}

function success(answer: ApiObject, reqId: string): DispatchResult {
  if (answer.status === undefined) return { status: okStatus(reqId), body: answer, code: Code.SUCCESS, retryable: false };
  // A handler that sets its own status (e.g. mixed success) returns it inside a fresh body.
  const { status, ...body } = answer;
  return { status: status as ApiStatus, body, code: (status as ApiStatus).code, retryable: false };
}
