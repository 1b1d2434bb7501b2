import type { FastifyInstance } from 'fastify';
import type { ReadinessCheck } from '../../ports/readiness.js';

/**
 * Kubernetes-style probes beside /healthz (which keeps its meaning: both servers up once): /livez
 * answers while the process can answer at all, /readyz says whether to send it traffic now.
 */
export function registerProbes(app: FastifyInstance, readiness: ReadinessCheck): void {
  app.get('/livez', (_req, reply) => reply.send({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const r = await readiness();
    return r.ready ? reply.send({ status: 'ready' }) : reply.code(503).send({ status: 'not ready', reason: r.reason });
  });
}
