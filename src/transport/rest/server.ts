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

export interface RestOptions {
  bodyLimitBytes: number;
  log: FastifyBaseLogger;
  /** Answers /healthz with 200 only once this returns true. */
  ready: () => boolean;
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

function sendText(reply: FastifyReply, code: number, json: string): FastifyReply {
  return reply.code(httpStatusFor(code)).header('content-type', 'application/json; charset=utf-8').send(json);
}

function send(reply: FastifyReply, code: number, body: unknown): FastifyReply {
  return sendText(reply, code, JSON.stringify(body));
}

/** JSON of a body without its status; kept for sealed (shared, cached) bodies. */
const bodyJson = sealedMemo((body) => JSON.stringify(body));

/** Writes a dispatch result: the call's own status first, then the (possibly cached) body's fields. */
function sendResult(reply: FastifyReply, r: DispatchResult): FastifyReply {
  const body = bodyJson(r.body);
  const status = JSON.stringify(r.status);
  return sendText(reply, r.code, body.length <= 2 ? `{"status":${status}}` : `{"status":${status},${body.slice(1)}`);
}

/** REST adapter: routes generated from the protos' HTTP bindings, each a thin decode -> dispatch -> encode. */
export function buildRestServer(dispatcher: Dispatcher, rpcs: Iterable<RpcInfo>, opts: RestOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: opts.bodyLimitBytes,
    loggerInstance: opts.log,
    // Per-request log lines cost more than the request itself on the hot paths.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 1000 },
  });
  app.removeAllContentTypeParsers();
  // Clarifai's clients do not always send a content type (curl -d, DELETE bodies): every body is JSON.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(new JsonCodecError('', `the body is not valid JSON (${(e as Error).message})`), undefined);
    }
  });

  app.get('/healthz', async (_req, reply) => (opts.ready() ? reply.send({ status: 'ok' }) : reply.code(503).send({ status: 'starting' })));

  for (const rpc of rpcs) {
    for (const binding of rpc.http) {
      const route = routePath(binding);
      if (!route) continue;
      const handler = async (req: FastifyRequest, reply: FastifyReply) => {
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
        const r = await dispatcher.call(rpc.name, request, req.headers.authorization);
        return sendResult(reply, r);
      };
      try {
        app.route({ method: binding.method, url: route.url, handler, config: { rpc } });
      } catch {
        // Two RPCs bound to the same method+path: the first (proto order) keeps it, as a proxy would.
      }
    }
  }

  app.setNotFoundHandler((req, reply) =>
    send(reply, Code.CONN_DOES_NOT_EXIST, { status: statusOf(Code.CONN_DOES_NOT_EXIST, `No API method answers ${req.method} ${req.url.split('?')[0]}. Check the path against Clarifai's v2 API.`, newId()) }),
  );
  app.setErrorHandler((err, req, reply) => {
    const reqId = newId();
    const e = err as { code?: string; statusCode?: number; message: string };
    let details: string | undefined;
    if (err instanceof JsonCodecError) details = `${err.message}.`;
    else if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') details = `The request body is over the ${opts.bodyLimitBytes}-byte limit; send fewer inputs per call (MODELKEEP_BODY_LIMIT_BYTES sets the limit).`;
    else if (e.statusCode && e.statusCode < 500) details = e.message;
    if (details !== undefined) {
      // On an API route the error body is that RPC's response, with its always-present lists ("models": []).
      const rpc = (req.routeOptions.config as { rpc?: RpcInfo } | undefined)?.rpc;
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
