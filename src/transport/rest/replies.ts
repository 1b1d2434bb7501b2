import type { FastifyReply } from 'fastify';
import type protobuf from 'protobufjs';
import { newId } from '../../domain/ids.js';
import { withFloat32 } from '../../proto/float32-fields.js';
import type { DispatchResult } from '../../service/core/dispatcher.js';
import { sealedMemo } from '../../service/reuse/sealed.js';
import { frameworkAnswer, frameworkBody } from './framework-errors.js';
import { httpStatusFor } from './http-status.js';
import { bodyWithSharedParts } from './shared-json.js';

/** Above this, a body goes out as a Buffer: Node copies a large string into one buffer with the headers. */
const LARGE_BODY_CHARS = 16_384;

function sendText(reply: FastifyReply, code: number, json: string): FastifyReply {
  return reply
    .code(httpStatusFor(code))
    .header('content-type', 'application/json; charset=utf-8')
    .send(json.length > LARGE_BODY_CHARS ? Buffer.from(json) : json);
}

/** A whole JSON answer whose HTTP status follows its Clarifai code. */
export function send(reply: FastifyReply, code: number, body: unknown): FastifyReply {
  return sendText(reply, code, JSON.stringify(body));
}

/** A request refused by the router before any route ran (bad URL encoding, a path segment too long). */
export function sendFrameworkError(reply: FastifyReply, err: { code?: string }, path: string): FastifyReply {
  const a = frameworkAnswer(err, path)!;
  return reply
    .code(a.http)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify(frameworkBody(a, newId())));
}

/** JSON of a body without its status; kept for sealed (shared, cached) bodies; shared parts of its items printed once. */
const bodyJson = sealedMemo((body) => bodyWithSharedParts(body));

/**
 * `head`, then `body` with its opening brace turned into the comma after `head`, written into one
 * Buffer: concatenating the strings first would make Buffer.from flatten a 100 KB+ copy of them.
 */
function joinedBytes(head: string, body: string): Buffer {
  const at = Buffer.byteLength(head);
  const bytes = Buffer.allocUnsafe(at + Buffer.byteLength(body));
  bytes.write(head, 0, 'utf8');
  bytes.write(body, at, 'utf8');
  bytes[at] = 0x2c; // ','
  return bytes;
}

/**
 * Writes a dispatch result: the call's own status first, then the (possibly cached) body's fields.
 * `type`, the response message: its `float` fields are printed in float32's shortest form, as the
 * proto3 JSON mapping and Clarifai do (ADR 0047); without it (error answers) the body is printed as is.
 */
export function sendResult(reply: FastifyReply, r: DispatchResult, type?: protobuf.Type): FastifyReply {
  if (r.retryAfterSeconds !== undefined) reply.header('retry-after', String(r.retryAfterSeconds));
  // The req_id as Clarifai's API sends it, and under the name proxies and tracing tools look for.
  const reqId = r.status.req_id;
  reply.header('x-clarifai-request-id', reqId).header('x-request-id', reqId);
  const body = bodyJson(type ? withFloat32(type, r.body) : r.body);
  const status = JSON.stringify(r.status);
  if (body.length <= 2) return sendText(reply, r.code, `{"status":${status}}`);
  if (body.length <= LARGE_BODY_CHARS) return sendText(reply, r.code, `{"status":${status},${body.slice(1)}`);
  return reply
    .code(httpStatusFor(r.code))
    .header('content-type', 'application/json; charset=utf-8')
    .send(joinedBytes(`{"status":${status}`, body));
}
