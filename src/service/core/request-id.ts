import { newId } from '../../domain/ids.js';

/** What a transport read from the request (REST headers, gRPC metadata) that decides its req_id. */
export interface RequestIdHints {
  /** `x-request-id`: the caller's own id (a proxy's, a tracing system's), used as it is. */
  requestId?: string | undefined;
  /** `x-clarifai-request-id-prefix`: Clarifai's clients send e.g. "sdk-python-11.7.5"; the id is `<prefix>-<32 hex>`. */
  prefix?: string | undefined;
}

// Ids end up in headers, trailers and log lines: printable, no spaces, no quotes, bounded.
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}$/;
const SAFE_PREFIX = /^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,63}$/;

/**
 * The req_id of a call: the caller's `x-request-id` when it is a safe token (≤ 128 characters of
 * letters, digits and `._:@/+=-`), else `<prefix>-<new id>` for a safe Clarifai prefix, else a new
 * id. A hint that is not safe is ignored rather than refused: it is tracing metadata, not part of the
 * request, and a call must not fail over it (docs/decisions/0025).
 */
export function requestIdOf(hints: RequestIdHints | undefined): string {
  const given = hints?.requestId;
  if (given !== undefined && SAFE_ID.test(given)) return given;
  const prefix = hints?.prefix;
  if (prefix !== undefined && SAFE_PREFIX.test(prefix)) return `${prefix}-${newId()}`;
  return newId();
}
