import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../domain/errors.js';
import { LEGACY_MODEL_VERSION_FIELDS, refusesVersionFields, versionFieldOnModel } from '../../domain/model-rules.js';
import { Code } from '../../domain/status-codes.js';
import { decodeJsonBody, decodeQuery, JsonCodecError, setPath } from '../../proto/json-codec.js';
import type { RpcInfo } from '../../proto/load.js';
import type { Dispatcher } from '../../service/core/dispatcher.js';
import { OnDemandRoutes, type RouterConfig, type RouteSpec, splitRoutes } from './on-demand-routes.js';
import { sendResult } from './replies.js';
import { metaOf } from './request-meta.js';
import { routePath } from './route-paths.js';

export type RouteHandler = (req: FastifyRequest, reply: FastifyReply) => FastifyReply | Promise<FastifyReply>;

/** One HTTP binding of an RPC: what the router stores for it. */
export interface RpcRoute {
  rpc: RpcInfo;
  handler: RouteHandler;
}

/** What a request that Fastify's router did not match turns out to be. */
export type RouteLookup =
  | { route: RpcRoute; params: Record<string, string> }
  /** A path segment over maxParamLength where a route has a param: answered as the router answers it. */
  | { paramTooLong: string }
  | undefined;

/** API-DECISIONS row 7 over REST: a version field on a Model is a 21202 naming the right endpoint, not an unknown-field 11100. */
function translateCodecError(rpc: RpcInfo, e: JsonCodecError): ApiError {
  const field =
    e.path
      .split('.')
      .pop()
      ?.replace(/\[\d+\]$/, '') ?? '';
  if (refusesVersionFields(rpc.name) && /^models?(\[\d+\])?\.[a-zA-Z_]+$/.test(e.path) && LEGACY_MODEL_VERSION_FIELDS.has(field)) {
    return versionFieldOnModel(rpc.name, e.path);
  }
  return new ApiError(
    Code.CONN_BAD_REQUEST_FORMAT,
    `${e.message}. Field names follow the protos in snake_case; see the request message ${rpc.requestType.name}.`,
  );
}

/** Every binding's route, in proto order: each a thin decode -> dispatch -> encode. */
function rpcRoutes(dispatcher: Dispatcher, rpcs: Iterable<RpcInfo>): RouteSpec<RpcRoute>[] {
  const routes: RouteSpec<RpcRoute>[] = [];
  for (const rpc of rpcs) {
    for (const binding of rpc.http) {
      const route = routePath(binding);
      if (!route) continue;
      // Not async: a call answered from the caches is sent in the same tick, with no promise.
      const handler: RouteHandler = (req, reply) => {
        let request: Record<string, unknown>;
        try {
          request = binding.body ? decodeJsonBody(rpc.requestType, req.body) : decodeQuery(rpc.requestType, req.query as Record<string, unknown>);
          const params = req.params as Record<string, string>;
          route.fields.forEach((f, i) => setPath(request, f.split('.'), params[`p${i}`]));
        } catch (e) {
          if (!(e instanceof JsonCodecError)) throw e;
          return sendResult(reply, dispatcher.refuse(rpc, translateCodecError(rpc, e), metaOf(req)));
        }
        const r = dispatcher.call(rpc.name, request, req.headers.authorization, metaOf(req));
        return r instanceof Promise ? r.then((done) => sendResult(reply, done, rpc.responseType)) : sendResult(reply, r, rpc.responseType);
      };
      routes.push({ method: binding.method, url: route.url, value: { rpc, handler } });
    }
  }
  return routes;
}

/**
 * The REST routes of the RPCs, and the one seam for the start-up tricks: which routes Fastify
 * registers at start (`eager`) and, for a request its router missed, `routeFor` — a binding left
 * for on-demand matching, or the HEAD of a GET. The server's not-found and error handlers only ask
 * "which route is this?", never how the routes were split.
 *
 * Why split: Fastify routes are costly to register (~490 bindings made a sixth of start-up), and most
 * bindings belong to RPCs that only answer 10040. So with `implemented`, only the implemented RPCs'
 * routes — and every route that could take a request from one of them — are registered at start; the
 * others are matched on a miss, by the same router code with the same options, and answered by the
 * same handler (see splitRoutes). HEAD too: instead of Fastify's automatic HEAD route per GET route
 * (each as costly as the GET's), a HEAD request misses and is matched on demand against every GET route.
 */
export class RouteTable {
  readonly eager: readonly RouteSpec<RpcRoute>[];
  /** Whether Fastify adds its own HEAD route per registered GET (only when nothing is deferred). */
  readonly fastifyHeadRoutes: boolean;
  readonly #onDemand: OnDemandRoutes<RpcRoute>;

  /** `router`: the server router's own options, which on-demand matching uses too. */
  constructor(
    dispatcher: Dispatcher,
    rpcs: Iterable<RpcInfo>,
    implemented: ((rpcName: string) => boolean) | undefined,
    router: { config: RouterConfig; exposeHeadRoutes: boolean },
  ) {
    const routes = rpcRoutes(dispatcher, rpcs);
    const { eager, deferred } = implemented ? splitRoutes(routes, (r) => implemented(r.value.rpc.name)) : { eager: routes, deferred: [] };
    this.eager = eager;
    this.fastifyHeadRoutes = !implemented;
    const heads = implemented && router.exposeHeadRoutes ? routes.filter((r) => r.method === 'GET') : [];
    this.#onDemand = new OnDemandRoutes(deferred, router.config, heads);
  }

  /** The route of a request Fastify's router missed, if any binding takes it. */
  routeFor(req: { method: string; url: string }): RouteLookup {
    if (this.#onDemand.size === 0) return undefined;
    const hit = this.#onDemand.find(req.method, req.url);
    if (!hit) return undefined;
    return 'value' in hit ? { route: hit.value, params: hit.params } : hit;
  }

  /** The RPC a request was routed to (at start or on demand): its error bodies are that RPC's response. */
  rpcOf(req: FastifyRequest): RpcInfo | undefined {
    const registered = (req.routeOptions.config as { rpc?: RpcInfo } | undefined)?.rpc;
    if (registered) return registered;
    const hit = this.routeFor(req);
    return hit && 'route' in hit ? hit.route.rpc : undefined;
  }
}
