import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { shown } from '../../domain/limits.js';
import { Code, type StatusCode } from '../../domain/status-codes.js';
import { type ApiStatus, statusOf } from '../../service/core/status.js';
import { httpStatusFor } from './http-status.js';

/**
 * What to answer for a request that failed before any modelkeep handler could see it: refused by
 * Node's HTTP parser (clientError) or by Fastify's router (frameworkErrors, a path segment too long).
 * The one table for these, so every answer carries a Clarifai status whatever failed (issue 18 item 5).
 */
export interface FrameworkAnswer {
  /** HTTP status: the one HTTP itself defines for the failure where there is one (414, 431, 408). */
  http: number;
  code: StatusCode;
  details: string;
}

const badRequest = (details: string, http = httpStatusFor(Code.CONN_BAD_REQUEST_FORMAT)): FrameworkAnswer => ({
  http,
  code: Code.CONN_BAD_REQUEST_FORMAT,
  details,
});

/**
 * The answer for a Fastify framework error or a Node HTTP parser error (llhttp `HPE_*` codes), or
 * undefined when there is nobody to answer (the peer reset the connection).
 */
export function frameworkAnswer(err: { code?: string; message?: string; reason?: string }, path?: string): FrameworkAnswer | undefined {
  const why = err.reason ?? err.message ?? 'malformed request';
  switch (err.code) {
    case 'ECONNRESET':
    case 'HPE_CLOSED_CONNECTION':
      return undefined;
    case 'FST_ERR_BAD_URL':
      return badRequest(
        `The path ${JSON.stringify(shown(path ?? ''))} is not valid URL encoding (a '%' must start a %XX escape); percent-encode path segments.`,
      );
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // HTTP's own status for a URI the server will not take; path parameters are ids (at most 128 characters).
      return badRequest(`A path segment of ${JSON.stringify(shown(path ?? ''))} is too long: ids in paths are at most 128 characters.`, 414);
    case 'HPE_HEADER_OVERFLOW':
      return badRequest('The request headers are too large (Node.js --max-http-header-size, 16 KiB by default).', 431);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return badRequest('The request was not received in full in time; check that Content-Length matches the body.', 408);
    case 'HPE_INVALID_METHOD':
      // Not named: the parser's buffer may hold earlier pipelined requests, so its first token need not be this one's.
      return {
        http: httpStatusFor(Code.CONN_DOES_NOT_EXIST),
        code: Code.CONN_DOES_NOT_EXIST,
        details: "No API method answers the request's HTTP method; Clarifai's v2 API uses GET, POST, PATCH, PUT and DELETE.",
      };
    case 'HPE_INVALID_EOF_STATE':
      return badRequest('The connection ended before the request was complete (its Content-Length or chunks announce more bytes than were sent).');
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return badRequest(`The chunked request body is malformed (${why}).`);
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return badRequest(`The request's Content-Length is invalid (${why}); send one decimal Content-Length or Transfer-Encoding: chunked, not both.`);
    default:
      return badRequest(`The request is not valid HTTP/1.1 (${why}${err.code ? `, ${err.code}` : ''}).`);
  }
}

/** The response body of a framework answer: a Clarifai status and nothing else (no RPC is known). */
export function frameworkBody(a: FrameworkAnswer, reqId: string): { status: ApiStatus } {
  return { status: statusOf(a.code, a.details, reqId) };
}

/**
 * Node's `clientError` handler: writes the answer on the socket and closes it (the parser cannot go on
 * after an error). Like Node's own handler, writes nothing when a response is already on its way
 * (a pipelined request failing behind it): bytes there would corrupt that response.
 */
export function clientErrorHandler(newReqId: () => string): (err: Error & { code?: string }, socket: Socket) => void {
  return (err, socket) => {
    const a = frameworkAnswer(err);
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (a && socket.writable && !socket.destroyed && !inFlight?.headersSent) {
      const body = JSON.stringify(frameworkBody(a, newReqId()));
      const head = `HTTP/1.1 ${a.http} ${STATUS_CODES[a.http] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
      // Closed once the answer is flushed: the parser cannot go on after an error.
      socket.end(head + body, () => socket.destroy());
      return;
    }
    socket.destroy();
  };
}
