import type { FastifyRequest } from 'fastify';
import type { CallMeta } from '../../service/core/call-observer.js';

const firstHeader = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** The transport and the request-id hints of a REST request (x-request-id, Clarifai's x-clarifai-request-id-prefix). */
export function metaOf(req: FastifyRequest): CallMeta {
  const h = req.headers;
  return { transport: 'rest', requestId: firstHeader(h['x-request-id']), prefix: firstHeader(h['x-clarifai-request-id-prefix']) };
}
