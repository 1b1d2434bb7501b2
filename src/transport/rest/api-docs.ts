import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';

export type ApiDocument = () => Record<string, unknown>;

const SWAGGER = '@fastify/swagger';
const SWAGGER_UI = '@fastify/swagger-ui';

/** Response headers of the docs app not to copy: the outer server frames its own response. */
const HOP_HEADERS = new Set(['connection', 'content-length', 'keep-alive', 'transfer-encoding', 'date']);

/**
 * Swagger UI from @fastify/swagger-ui (its assets ship in the package: nothing is fetched from the
 * network) over the given document. Registering it costs more than half a second, so it lives in a
 * Fastify instance of its own, built on the first /docs request, which the REST server forwards to.
 */
async function docsApp(document: Record<string, unknown>): Promise<FastifyInstance> {
  // Imported by a computed name: their type declarations augment Fastify's route config for every
  // route of the program (refusing the REST routes' own `config`), and only this instance uses them.
  const load = (name: string): Promise<{ default: FastifyPluginAsync<Record<string, unknown>> }> => import(name);
  const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([load(SWAGGER), load(SWAGGER_UI)]);
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
  await app.register(swagger, { mode: 'static', specification: { document } });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { persistAuthorization: true, displayOperationId: true } });
  await app.ready();
  return app;
}

/**
 * GET /openapi.json (generated on the first request, then kept) and Swagger UI at /docs, where
 * "Authorize" takes `Key <token>` and "Try it out" calls this server.
 */
export function registerApiDocs(app: FastifyInstance, document: ApiDocument): void {
  let doc: Record<string, unknown> | undefined;
  let text: string | undefined;
  const get = (): Record<string, unknown> => (doc ??= document());
  app.get('/openapi.json', (_req, reply) => reply.header('content-type', 'application/json; charset=utf-8').send((text ??= JSON.stringify(get()))));

  let ui: Promise<FastifyInstance> | undefined;
  const forward = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const inner = await (ui ??= docsApp(get()));
    const headers: Record<string, string> = {};
    for (const h of ['accept', 'if-none-match', 'if-modified-since']) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h];
    const res = await inner.inject({ method: 'GET', url: req.url, headers });
    for (const [k, v] of Object.entries(res.headers)) if (!HOP_HEADERS.has(k) && v !== undefined) reply.header(k, v);
    return reply.code(res.statusCode).send(res.rawPayload);
  };
  app.get('/docs', forward);
  app.get('/docs/*', forward);
  app.addHook('onClose', async () => {
    if (ui) await (await ui).close();
  });
}
