import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { invalidArgument } from '../../domain/errors.js';
import { LEGACY_MODEL_VERSION_FIELDS } from '../../domain/model-rules.js';
import { Code } from '../../domain/status-codes.js';
import { decodeJsonBody, decodeQuery, JsonCodecError, setPath } from '../../proto/json-codec.js';
import type { RpcInfo } from '../../proto/load.js';
import { ApiError } from '../../domain/errors.js';
import type { DispatchResult, Dispatcher } from '../../service/dispatcher.js';
import { sealedMemo } from '../../service/sealed.js';
import { statusOf } from '../../service/status.js';
import { newId } from '../../domain/ids.js';
import { httpStatusFor } from './http-status.js';
import { routePath } from './route-paths.js';
import { OnDemandRoutes, splitRoutes, type RouteSpec } from './on-demand-routes.js';
import { clientErrorHandler, frameworkAnswer, frameworkBody } from './framework-errors.js';
import type { ReadinessCheck } from '../../ports/readiness.js';
import { registerProbes } from './probes.js';
import type { CorsOrigins } from '../../config/cors-origins.js';
import { registerCors } from './cors.js';
import { registerApiDocs, type ApiDocument } from './api-docs.js';

export interface RestOptions {
  bodyLimitBytes: number;
  log: FastifyBaseLogger;
  /** Answers /healthz with 200 only once this returns true. */
  ready: () => boolean;
  /**
   * Whether modelkeep implements an RPC: only those get a Fastify route at start, the other bindings are
   * matched when a request misses (same answers). Without it every binding is registered at start.
   */
  implemented?: (rpcName: string) => boolean;
  /** PEM certificate and key (file contents): serve HTTPS instead of HTTP. */
  tls?: { cert: Buffer; key: Buffer };
  /** Answers /readyz (and /livez beside it); without it neither route exists. */
  readiness?: ReadinessCheck;
  /** Origins allowed to call from a browser (CORS); undefined = CORS off. */
  corsOrigins?: CorsOrigins;
  /** The OpenAPI document of the implemented RPCs, for /openapi.json and Swagger UI at /docs. */
  apiDocument?: ApiDocument;
}

const MODEL_RPCS_WITH_LEGACY_FIELDS = new Set(['PostModels', 'PatchModels']);

/** API-DECISIONS row 7 over REST: a version field on a Model is a 21202 naming the right endpoint, not an unknown-field 11100. */
function translateCodecError(rpc: RpcInfo, e: JsonCodecError): ApiError {
  const field = e.path.split('.').pop()?.replace(/\[\d+\]$/, '') ?? '';
  if (MODEL_RPCS_WITH_LEGACY_FIELDS.has(rpc.name) && /^models?(\[\d+\])?\.[a-zA-Z_]+$/.test(e.path) && LEGACY_MODEL_VERSION_FIELDS.has(field)) {
    const target = rpc.name === 'PostModels' ? 'PostModelVersions (in model_versions[0])' : 'PatchModelVersions';
    return invalidArgument(`${e.path} is model-version configuration and is not accepted by ${rpc.name} since the 2023-01-20 API change; send it to ${target}.`);
  }
  return new ApiError(Code.CONN_BAD_REQUEST_FORMAT, `${e.message}. Field names follow the protos in snake_case; see the request message ${rpc.requestType.name}.`);
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

const noSchemas = (): never => {
  throw new Error('modelkeep routes declare no JSON schemas');
};

/** Above this, a body goes out as a Buffer: Node copies a large string into one buffer with the headers. */
const LARGE_BODY_CHARS = 16_384;

function sendText(reply: FastifyReply, code: number, json: string): FastifyReply {
  return reply.code(httpStatusFor(code)).header('content-type', 'application/json; charset=utf-8').send(json.length > LARGE_BODY_CHARS ? Buffer.from(json) : json);
}

function send(reply: FastifyReply, code: number, body: unknown): FastifyReply {
  return sendText(reply, code, JSON.stringify(body));
}

/** A request refused by the router before any route ran (bad URL encoding, a path segment too long). */
function sendFrameworkError(reply: FastifyReply, err: { code?: string }, path: string): FastifyReply {
  const a = frameworkAnswer(err, path)!;
  return reply.code(a.http).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(frameworkBody(a, newId())));
}

/** JSON of a body without its status; kept for sealed (shared, cached) bodies. */
const bodyJson = sealedMemo((body) => JSON.stringify(body));

/** Writes a dispatch result: the call's own status first, then the (possibly cached) body's fields. */
function sendResult(reply: FastifyReply, r: DispatchResult): FastifyReply {
  if (r.retryAfterSeconds !== undefined) reply.header('retry-after', String(r.retryAfterSeconds));
  const body = bodyJson(r.body);
  const status = JSON.stringify(r.status);
  return sendText(reply, r.code, body.length <= 2 ? `{"status":${status}}` : `{"status":${status},${body.slice(1)}`);
}

/** REST adapter: routes generated from the protos' HTTP bindings, each a thin decode -> dispatch -> encode. */
export function buildRestServer(dispatcher: Dispatcher, rpcs: Iterable<RpcInfo>, opts: RestOptions): FastifyInstance {
  const app = Fastify({
    // Typed as the HTTP instance either way: nothing here depends on the server's kind.
    ...(opts.tls ? ({ https: opts.tls } as object) : {}),
    bodyLimit: opts.bodyLimitBytes,
    loggerInstance: opts.log,
    // Per-request log lines cost more than the request itself on the hot paths.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 1000 },
    // No route declares a JSON schema (bodies go through the proto codecs), so Fastify never needs Ajv
    // or fast-json-stringify; by default it loads both when constructed (20–50 ms of start-up).
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
    // Requests refused before any route runs answer a Clarifai status too (see framework-errors.ts):
    // by Node's HTTP parser (unknown method, malformed chunks, headers too large) and by the router.
    clientErrorHandler: clientErrorHandler(newId),
    frameworkErrors: (err, req, reply) => sendFrameworkError(reply, err, req.url.split('?')[0]!),
  });
  app.removeAllContentTypeParsers();
  // Clarifai's clients do not always send a content type (curl -d, DELETE bodies): every body is JSON.
  // Read as bytes and decoded strictly: bytes that are not UTF-8 would otherwise become U+FFFD unseen.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => {
    let text: string;
    try {
      text = STRICT_UTF8.decode(body as Buffer).trim();
    } catch {
      return done(new JsonCodecError('', 'the body is not valid UTF-8; send JSON text encoded as UTF-8'), undefined);
    }
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(new JsonCodecError('', `the body is not valid JSON (${(e as Error).message})`), undefined);
    }
  });

  app.get('/healthz', async (_req, reply) => (opts.ready() ? reply.send({ status: 'ok' }) : reply.code(503).send({ status: 'starting' })));
  if (opts.readiness) registerProbes(app, opts.readiness);
  if (opts.corsOrigins) registerCors(app, opts.corsOrigins);
  if (opts.apiDocument) registerApiDocs(app, opts.apiDocument);

  // Every binding's route, in proto order; which of them go into Fastify's router at start is decided below.
  const routes: RouteSpec<{ rpc: RpcInfo; handler: (req: FastifyRequest, reply: FastifyReply) => unknown }>[] = [];
  for (const rpc of rpcs) {
    for (const binding of rpc.http) {
      const route = routePath(binding);
      if (!route) continue;
      // Not async: a call answered from the caches is sent in the same tick, with no promise.
      const handler = (req: FastifyRequest, reply: FastifyReply): FastifyReply | Promise<FastifyReply> => {
        let request: Record<string, unknown>;
        try {
          request = binding.body ? decodeJsonBody(rpc.requestType, req.body) : decodeQuery(rpc.requestType, req.query as Record<string, unknown>);
          const params = req.params as Record<string, string>;
          route.fields.forEach((f, i) => setPath(request, f.split('.'), params[`p${i}`]));
        } catch (e) {
          if (!(e instanceof JsonCodecError)) throw e;
          const r = dispatcher.failure(rpc, translateCodecError(rpc, e));
          return sendResult(reply, r);
        }
        const r = dispatcher.call(rpc.name, request, req.headers.authorization);
        return r instanceof Promise ? r.then((done) => sendResult(reply, done)) : sendResult(reply, r);
      };
      routes.push({ method: binding.method, url: route.url, value: { rpc, handler } });
    }
  }
  // Fastify routes are costly to register (~490 bindings made a sixth of start-up), and most bindings
  // belong to RPCs that only answer 10040. So only the implemented RPCs' routes — and every route that
  // could take a request from one of them — are registered at start; the others are matched on a miss,
  // by the same router code with the same options, and answered by the same handler (see splitRoutes).
  // HEAD too: instead of Fastify's automatic HEAD route per GET route (each as costly as the GET's),
  // a HEAD request misses and is matched on demand against every GET route.
  const implemented = opts.implemented;
  const { eager, deferred } = implemented ? splitRoutes(routes, (r) => implemented(r.value.rpc.name)) : { eager: routes, deferred: [] };
  for (const { method, url, value } of eager) {
    try {
      app.route({ method, url, handler: value.handler, config: { rpc: value.rpc }, exposeHeadRoute: !implemented });
    } catch {
      // Two RPCs bound to the same method+path: the first (proto order) keeps it, as a proxy would.
    }
  }
  const { routerOptions, caseSensitive, exposeHeadRoutes } = app.initialConfig as typeof app.initialConfig & { exposeHeadRoutes?: boolean };
  const headFor = implemented && exposeHeadRoutes !== false ? routes.filter((r) => r.method === 'GET') : [];
  const onDemand = new OnDemandRoutes(deferred, { caseSensitive, ...routerOptions }, headFor);
  const onDemandRoute = (req: FastifyRequest) => (onDemand.size === 0 ? undefined : onDemand.find(req.method, req.url));

  app.setNotFoundHandler((req, reply) => {
    const hit = onDemandRoute(req);
    if (hit && 'value' in hit) {
      req.params = hit.params;
      return hit.value.handler(req, reply);
    }
    if (hit) return sendFrameworkError(reply, { code: 'FST_ERR_MAX_PARAM_LENGTH' }, hit.paramTooLong);
    return send(reply, Code.CONN_DOES_NOT_EXIST, { status: statusOf(Code.CONN_DOES_NOT_EXIST, `No API method answers ${req.method} ${req.url.split('?')[0]}. Check the path against Clarifai's v2 API.`, newId()) });
  });
  app.setErrorHandler((err, req, reply) => {
    const reqId = newId();
    const e = err as { code?: string; statusCode?: number; message: string };
    let details: string | undefined;
    if (err instanceof JsonCodecError) details = `${err.message}.`;
    else if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') details = `The request body is over the ${opts.bodyLimitBytes}-byte limit; send fewer inputs per call (MODELKEEP_BODY_LIMIT_BYTES sets the limit).`;
    else if (e.statusCode && e.statusCode < 500) details = e.message;
    if (details !== undefined) {
      // On an API route the error body is that RPC's response, with its always-present lists ("models": []).
      // A body refused before any handler ran (not JSON, over the limit) on a path matched on demand too.
      const onDemandHit = onDemandRoute(req);
      const rpc = (req.routeOptions.config as { rpc?: RpcInfo } | undefined)?.rpc ?? (onDemandHit && 'value' in onDemandHit ? onDemandHit.value.rpc : undefined);
      if (rpc) {
        const r = dispatcher.failure(rpc, new ApiError(Code.CONN_BAD_REQUEST_FORMAT, details), reqId);
        return sendResult(reply, r);
      }
      return send(reply, Code.CONN_BAD_REQUEST_FORMAT, { status: statusOf(Code.CONN_BAD_REQUEST_FORMAT, details, reqId) });
    }
    app.log.error({ err, reqId }, 'unhandled REST error');
    return send(reply, Code.INTERNAL_SERVER_ISSUE, { status: statusOf(Code.INTERNAL_SERVER_ISSUE, `Internal error; the server log has the cause under req_id ${reqId}.`, reqId) });
  });
  return app;
}
