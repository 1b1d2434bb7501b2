import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

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
  const assets = path.join(dir, 'assets');
  void app.register(fastifyStatic, {
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
}
