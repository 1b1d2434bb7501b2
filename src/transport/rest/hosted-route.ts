import type { FastifyInstance } from 'fastify';
import { newId } from '../../domain/ids.js';
import { Code } from '../../domain/status-codes.js';
import { statusOf } from '../../service/core/status.js';
import type { HostedReader } from '../../service/rpc/hosted-images.js';
import { send, sendResult } from './replies.js';

/**
 * Hosted image bytes, guarded like GetInput. The key comes as `Authorization: Key …` or, as Clarifai's
 * hosted URLs also accept from browsers, the `x-clarifai-api-key` cookie. No credentials at all is 404
 * (not 401), as clarifai-python-grpc's secure-hosting test expects of a hosted URL.
 */
export function registerHostedImages(app: FastifyInstance, read: HostedReader): void {
  app.get('/hosted/:size/users/:user/apps/:app/inputs/:input', async (req, reply) => {
    const p = req.params as { size: string; user: string; app: string; input: string };
    const cookie = /(?:^|;\s*)x-clarifai-api-key=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const authorization = req.headers.authorization ?? (cookie ? `Key ${decodeURIComponent(cookie)}` : undefined);
    if (!authorization) {
      return send(reply.code(404), Code.CONN_DOES_NOT_EXIST, {
        status: statusOf(Code.CONN_DOES_NOT_EXIST, 'Hosted bytes need the key of their app: send Authorization: Key <token>.', newId()),
      });
    }
    const r = await read({ size: p.size, userId: p.user, appId: p.app, inputId: p.input }, authorization);
    if (!r.ok) return sendResult(reply, r.result);
    return reply.code(200).header('content-type', r.value.contentType).header('cache-control', 'private, max-age=3600').send(Buffer.from(r.value.bytes));
  });
}
