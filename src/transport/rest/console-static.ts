import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Where `npm run build` puts the console (web/ → dist/web). The same relative path works from
 * src/transport/rest (tsx, tests) and from dist/transport/rest (npm start): both are three levels
 * below the package root.
 */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/** Paths the single-page console answers; the route is decided in the browser (see web/src/routes.ts). */
export const CONSOLE_PAGES = ['/', '/console', '/console/*'] as const;

// index.html names hashed asset files, so it must be revalidated; the hashed files never change.
const PAGE_CACHE = 'no-cache';
const ASSET_CACHE = 'public, max-age=31536000, immutable';
// The console loads nothing from elsewhere and talks to this origin's REST API only.
const PAGE_CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";

function sendPage(reply: FastifyReply, dir: string): FastifyReply {
  return reply
    .header('cache-control', PAGE_CACHE)
    .header('content-security-policy', PAGE_CSP)
    .header('x-content-type-options', 'nosniff')
    .sendFile('index.html', dir, { cacheControl: false });
}

/** Request headers not to pass to the console's instance (the outer server's connection is not its own). */
const REQUEST_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);
/** Response headers not to copy back: the outer server frames its own response (and HEAD's length). */
const RESPONSE_HOP = new Set(['connection', 'content-length', 'keep-alive', 'transfer-encoding', 'date']);
/** Marks an answer of the console's instance that the outer server must give itself (its 404, its error body). */
const HANDED_BACK = 'x-modelkeep-console-handback';

/**
 * @fastify/static over the build, and the pages, in a Fastify instance of their own: importing the
 * plugin (with @fastify/send, glob and mime) cost ~60 ms of CPU at every start, so it is built on the
 * first console request and reached with inject(), as the API docs are (decision 0027).
 */
async function consoleApp(dir: string, routerOptions: object): Promise<FastifyInstance> {
  const [{ default: Fastify }, { default: fastifyStatic }] = await Promise.all([import('fastify'), import('@fastify/static')]);
  const app = Fastify({ routerOptions });
  const assets = path.join(dir, 'assets');
  await app.register(fastifyStatic, {
    root: assets,
    prefix: '/console/assets/',
    index: false,
    list: false,
    dotfiles: 'deny',
    cacheControl: false,
    // Also runs for index.html (sendFile): only the hashed files under assets/ are immutable.
    setHeaders: (reply, file) => {
      if (file.startsWith(assets + path.sep)) reply.header('cache-control', ASSET_CACHE);
    },
  });
  for (const url of CONSOLE_PAGES) app.get(url, (_req, reply) => sendPage(reply, dir));
  // A missing asset and a refused path are answered by the outer server, as when the plugin ran there.
  app.setNotFoundHandler((_req, reply) => reply.code(404).header(HANDED_BACK, 'not-found').send());
  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, _req, reply) =>
    reply
      .code(err.statusCode ?? 500)
      .header(HANDED_BACK, 'error')
      .send({ message: err.message, ...(err.code ? { code: err.code } : {}) }),
  );
  await app.ready();
  return app;
}

/**
 * Serves the web console at `/` and `/console/...` from the same HTTP server as the API (one origin,
 * no CORS). Without a build (a checkout where `npm run build` has not run) those pages say how to make one
 * instead of answering the API's 404.
 */
export function registerConsole(app: FastifyInstance, dir: string = CONSOLE_DIR): void {
  if (!existsSync(path.join(dir, 'index.html'))) {
    const notBuilt = `The web console is not built in ${dir}. Run \`npm run build\` (npm ci runs it) and restart modelkeep.\n`;
    for (const url of CONSOLE_PAGES) app.get(url, (_req, reply) => reply.code(503).header('content-type', 'text/plain; charset=utf-8').send(notBuilt));
    return;
  }
  let inner: Promise<FastifyInstance> | undefined;
  const forward = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    inner ??= consoleApp(dir, app.initialConfig.routerOptions ?? {}).catch((e: unknown) => {
      inner = undefined;
      throw e;
    });
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (!REQUEST_HOP.has(k) && v !== undefined) headers[k] = v;
    // Always GET: for a HEAD request the outer route strips the body and keeps its length.
    const res = await (await inner).inject({ method: 'GET', url: req.url, headers });
    const handedBack = res.headers[HANDED_BACK];
    if (handedBack === 'not-found') return reply.callNotFound() as unknown as FastifyReply;
    if (handedBack === 'error') {
      const body = res.json<{ message: string; code?: string }>();
      throw Object.assign(new Error(body.message), { statusCode: res.statusCode, ...(body.code ? { code: body.code } : {}) });
    }
    for (const [k, v] of Object.entries(res.headers)) if (!RESPONSE_HOP.has(k) && v !== undefined) reply.header(k, v);
    // A 304 has no body (and so no type or length), as the plugin sends it.
    return reply.code(res.statusCode).send(res.statusCode === 304 ? undefined : res.rawPayload);
  };
  // '/console/*' also takes /console/assets/…, which the inner instance gives to @fastify/static.
  for (const url of CONSOLE_PAGES) app.get(url, forward);
  app.addHook('onClose', async () => {
    if (inner) await (await inner.catch(() => undefined))?.close();
  });
}
