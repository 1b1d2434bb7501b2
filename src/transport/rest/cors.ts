import type { FastifyInstance } from 'fastify';
import type { CorsOrigins } from '../../config/cors-origins.js';

/**
 * CORS for browser apps calling REST (@fastify/cors), on only when origins are configured: a page
 * of another origin may then send `Authorization: Key …`, and preflights are answered (204) for every
 * path, API or not. Headers a client reads back (the request id, Retry-After on 429 / 503) are exposed.
 * The plugin is imported only then (Fastify registers a module's promise), not at every start-up.
 */
export function registerCors(app: FastifyInstance, origins: CorsOrigins): void {
  void app.register(import('@fastify/cors'), {
    origin: origins,
    methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'x-clarifai-request-id-prefix'],
    exposedHeaders: ['x-request-id', 'retry-after'],
    maxAge: 600,
  });
}
