import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { CorsOrigins } from '../../config/cors-origins.js';
import { ApiError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { Code } from '../../domain/status-codes.js';
import type { ReadinessCheck } from '../../ports/readiness.js';
import { JsonCodecError } from '../../proto/json-codec.js';
import type { RpcInfo } from '../../proto/load.js';
import type { Dispatcher } from '../../service/core/dispatcher.js';
import { statusOf } from '../../service/core/status.js';
import type { ExportReader } from '../../service/rpc/export-download.js';
import type { HostedReader } from '../../service/rpc/hosted-images.js';
import { type ApiDocument, registerApiDocs } from './api-docs.js';
import { registerConsole } from './console-static.js';
import { registerCors } from './cors.js';
import { type DatasetExportReader, registerDatasetExportDownloads } from './dataset-export-route.js';
import { clientErrorHandler } from './framework-errors.js';
import { registerHostedImages } from './hosted-route.js';
import { parseEveryBodyAsJson } from './json-body.js';
import { registerModelExportDownloads } from './model-export-route.js';
import { registerProbes } from './probes.js';
import { send, sendFrameworkError, sendResult } from './replies.js';
import { metaOf } from './request-meta.js';
import { RouteTable } from './rpc-routes.js';
import { registerModelUpload } from './upload-route.js';

export interface RestOptions {
  bodyLimitBytes: number;
  /** Node's requestTimeout: a request not received in full by then answers 408 (framework-errors.ts). */
  requestTimeoutMs?: number;
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
  /** Serves `GET /hosted/{size}/users/{user}/apps/{app}/inputs/{input}` (an image's hosted bytes). */
  hostedImages?: HostedReader;
  /** Serves `GET /exports/users/{user}/apps/{app}/models/{model}/versions/{version}/model.zip` (an exported package). */
  exports?: ExportReader;
  /** Serves `GET /exports/users/{user}/apps/{app}/datasets/{dataset}/versions/{version}/{file}` (a dataset version export, by signed URL). */
  datasetExports?: DatasetExportReader;
  /** Answers GET /metrics (Prometheus text) when given. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Answers /readyz (and /livez beside it); without it neither route exists. */
  readiness?: ReadinessCheck;
  /** Origins allowed to call from a browser (CORS); undefined = CORS off. */
  corsOrigins?: CorsOrigins;
  /** The OpenAPI document of the implemented RPCs, for /openapi.json and Swagger UI at /docs. */
  apiDocument?: ApiDocument;
  /** modelkeep's version, shown by /healthz (`modelkeep whoami` prints it). */
  version?: string;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
const timeouts = (timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS) => ({
  connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(timeoutMs / 4))),
  headersTimeout: Math.min(60_000, timeoutMs),
});

const noSchemas = (): never => {
  throw new Error('modelkeep routes declare no JSON schemas');
};

/**
 * REST adapter: routes generated from the protos' HTTP bindings (rpc-routes.ts), each a thin
 * decode -> dispatch -> encode; this file wires them into Fastify with the answers for everything else.
 */
export function buildRestServer(dispatcher: Dispatcher, rpcs: Iterable<RpcInfo>, opts: RestOptions): FastifyInstance {
  const app = Fastify({
    // Typed as the HTTP instance either way: nothing here depends on the server's kind.
    // Node checks request timeouts every connectionsCheckingInterval (30 s by default): check often enough
    // that a client announcing more body than it sends is answered near the limit, not up to 30 s later.
    // Node only enforces a requestTimeout shorter than headersTimeout (60 s) if headersTimeout is lowered too.
    ...(opts.tls ? ({ https: { ...opts.tls, ...timeouts(opts.requestTimeoutMs) } } as object) : { http: timeouts(opts.requestTimeoutMs) }),
    requestTimeout: opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
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
  parseEveryBodyAsJson(app);
  registerConsole(app);
  const metrics = opts.metrics;
  if (metrics) {
    app.get('/metrics', async (_req, reply) => {
      const m = await metrics();
      return reply.header('content-type', m.contentType).send(m.body);
    });
  }
  app.get('/healthz', async (_req, reply) =>
    opts.ready() ? reply.send({ status: 'ok', ...(opts.version ? { version: opts.version } : {}) }) : reply.code(503).send({ status: 'starting' }),
  );
  if (opts.hostedImages) registerHostedImages(app, opts.hostedImages);
  if (opts.exports) registerModelExportDownloads(app, opts.exports);
  if (opts.datasetExports) registerDatasetExportDownloads(app, opts.datasetExports);
  registerModelUpload(app, dispatcher);
  if (opts.readiness) registerProbes(app, opts.readiness);
  if (opts.corsOrigins) registerCors(app, opts.corsOrigins);
  if (opts.apiDocument) registerApiDocs(app, opts.apiDocument);

  const { routerOptions, caseSensitive, exposeHeadRoutes } = app.initialConfig as typeof app.initialConfig & { exposeHeadRoutes?: boolean };
  const table = new RouteTable(dispatcher, rpcs, opts.implemented, {
    config: { caseSensitive, ...routerOptions },
    exposeHeadRoutes: exposeHeadRoutes !== false,
  });
  for (const { method, url, value } of table.eager) {
    try {
      app.route({ method, url, handler: value.handler, config: { rpc: value.rpc }, exposeHeadRoute: table.fastifyHeadRoutes });
    } catch {
      // Two RPCs bound to the same method+path: the first (proto order) keeps it, as a proxy would.
    }
  }

  app.setNotFoundHandler((req, reply) => {
    const hit = table.routeFor(req);
    if (hit && 'route' in hit) {
      req.params = hit.params;
      return hit.route.handler(req, reply);
    }
    if (hit) return sendFrameworkError(reply, { code: 'FST_ERR_MAX_PARAM_LENGTH' }, hit.paramTooLong);
    const details = `No API method answers ${req.method} ${req.url.split('?')[0]}. Check the path against Clarifai's v2 API.`;
    return sendResult(reply, dispatcher.unknownPath(details, metaOf(req)));
  });
  app.setErrorHandler((err, req, reply) => {
    const reqId = newId();
    const e = err as { code?: string; statusCode?: number; message: string };
    let details: string | undefined;
    if (err instanceof JsonCodecError) details = `${err.message}.`;
    else if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      details = `The request body is over the ${opts.bodyLimitBytes}-byte limit; send fewer inputs per call (MODELKEEP_BODY_LIMIT_BYTES sets the limit).`;
    else if (e.statusCode && e.statusCode < 500) details = e.message;
    if (details !== undefined) {
      // On an API route the error body is that RPC's response, with its always-present lists ("models": []),
      // also for a body refused before any handler ran (not JSON, over the limit).
      const rpc = table.rpcOf(req);
      if (rpc) return sendResult(reply, dispatcher.refuse(rpc, new ApiError(Code.CONN_BAD_REQUEST_FORMAT, details), metaOf(req)));
      return send(reply, Code.CONN_BAD_REQUEST_FORMAT, { status: statusOf(Code.CONN_BAD_REQUEST_FORMAT, details, reqId) });
    }
    app.log.error({ err, reqId }, 'unhandled REST error');
    return send(reply, Code.INTERNAL_SERVER_ISSUE, {
      status: statusOf(Code.INTERNAL_SERVER_ISSUE, `Internal error; the server log has the cause under req_id ${reqId}.`, reqId),
    });
  });
  return app;
}
