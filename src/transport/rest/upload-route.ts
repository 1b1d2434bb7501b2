import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import { REST_UPLOAD_PATH } from '../../domain/upload-rules.js';
import { decodeJsonBody, JsonCodecError } from '../../proto/json-codec.js';
import type { Dispatcher, DispatchResult } from '../../service/core/dispatcher.js';
import { sendResult } from './replies.js';
import { metaOf } from './request-meta.js';

/** The REST way in for PostModelVersionsUpload (a gRPC stream): one POST with the package as its body. */
export const UPLOAD_PATH = REST_UPLOAD_PATH.replace(/\{(\w+)\}/g, ':$1');
const RPC = 'PostModelVersionsUpload';
/** Parts handed to the upload session: big enough that a 1 GiB package is ~1,000 steps. */
const PART_BYTES = 1024 * 1024;

/**
 * `POST /v2/users/{user_id}/apps/{app_id}/models/{model_id}/versions/upload` with the package's bytes
 * as the body (any content type; `Content-Length` required) and the version's fields in the query:
 * `version_id`, `description`, or `model_version` as JSON (any field of a ModelVersion). It runs the
 * very stream the gRPC method runs (the same checks, limits and answers): the answer is the stream's
 * last, 21107 MODEL_BUILDING with `model_version_id`, or the error that ended it.
 */
export function registerModelUpload(app: FastifyInstance, dispatcher: Dispatcher): void {
  const rpc = dispatcher.rpc(RPC);
  if (!rpc || !dispatcher.hasStream(RPC)) return;
  app.register(async (scope) => {
    // The body is the package: handed over as the request stream, never parsed or buffered whole.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.post(UPLOAD_PATH, async (req, reply) => {
      const stream = dispatcher.openStream(RPC, req.headers.authorization, metaOf(req));
      const last = await runUpload(stream, req, (json) => decodeJsonBody(rpc.requestType, json));
      return sendResult(reply, last, rpc.responseType);
    });
  });
}

type Stream = ReturnType<Dispatcher['openStream']>;

function firstMessage(req: FastifyRequest, decode: (json: unknown) => Record<string, unknown>): Record<string, unknown> {
  const p = req.params as { user_id: string; app_id: string; model_id: string };
  const q = req.query as Record<string, string | string[] | undefined>;
  const one = (k: string): string | undefined => (Array.isArray(q[k]) ? q[k][0] : q[k]);
  const length = Number(req.headers['content-length'] ?? Number.NaN);
  if (!Number.isSafeInteger(length))
    throw new ApiError(Code.MODEL_INVALID_REQUEST, 'Send the package with a Content-Length header (e.g. curl --data-binary @model.zip).');
  let modelVersion: unknown = {};
  const raw = one('model_version');
  if (raw !== undefined) {
    try {
      modelVersion = JSON.parse(raw);
    } catch (e) {
      throw new JsonCodecError('model_version', `not valid JSON (${(e as Error).message}); send a ModelVersion as JSON`);
    }
  }
  if (typeof modelVersion !== 'object' || modelVersion === null || Array.isArray(modelVersion)) {
    throw new JsonCodecError('model_version', 'must be a JSON object (a ModelVersion)');
  }
  const mv: Record<string, unknown> = { ...(modelVersion as Record<string, unknown>) };
  const id = one('version_id');
  const description = one('description');
  if (id !== undefined) mv.id = id;
  if (description !== undefined) mv.description = description;
  return decode({
    upload_config: { user_app_id: { user_id: p.user_id, app_id: p.app_id }, model_id: p.model_id, total_size: String(length), model_version: mv },
  });
}

async function runUpload(stream: Stream, req: FastifyRequest, decode: (json: unknown) => Record<string, unknown>): Promise<DispatchResult> {
  let first: Record<string, unknown>;
  try {
    first = firstMessage(req, decode);
  } catch (e) {
    const refusal = await stream.refuse(e instanceof JsonCodecError ? new ApiError(Code.CONN_BAD_REQUEST_FORMAT, `${e.message}.`) : e);
    for await (const _ of req.body as AsyncIterable<Buffer>);
    return refusal;
  }
  let last = await stream.send(first);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (pendingBytes === 0 || stream.closed) return;
    const data = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    // Raw bytes, where gRPC's codec gives base64: the session reads both (model-upload.service.ts).
    last = await stream.send({ content_part: { data } });
  };
  try {
    for await (const chunk of req.body as AsyncIterable<Buffer>) {
      // Once refused, the rest of the body is read and dropped: the answer goes out on a healthy connection.
      if (stream.closed) continue;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= PART_BYTES) await flush();
    }
    await flush();
  } catch (e) {
    // The client went away mid-body: nothing is kept, and nobody reads the answer.
    await stream.abort();
    throw e;
  }
  if (!stream.closed) last = (await stream.end()) ?? last;
  return last;
}
