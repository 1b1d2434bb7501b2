import { ApiError, DuplicateKeyError, RetryableStoreError, RetryLater } from '../../domain/errors.js';
import { Code, describe, type StatusCode } from '../../domain/status-codes.js';

export interface ApiStatus {
  code: StatusCode;
  description: string;
  details?: string;
  req_id: string;
  /** Progress of a long call (an upload's bytes), 0–100. */
  percent_completed?: number;
}

export function okStatus(reqId: string): ApiStatus {
  return { code: Code.SUCCESS, description: 'Ok', req_id: reqId };
}

// Details often quote the request; a quoted lone surrogate would make the answer itself unsendable over gRPC.
const toWellFormed = (s: string): string => (s as unknown as { toWellFormed(): string }).toWellFormed();

export function statusOf(code: StatusCode, details: string | undefined, reqId: string): ApiStatus {
  const s: ApiStatus = { code, description: describe(code), req_id: reqId };
  if (details) s.details = toWellFormed(details);
  return s;
}

export interface MappedError {
  status: ApiStatus;
  /** True for transient infrastructure failures the client should retry. */
  retryable: boolean;
  /** True when the failure is ours (logged with its stack). */
  internal: boolean;
  /** Seconds the client should wait before repeating the call (REST: Retry-After). */
  retryAfterSeconds?: number;
}

/** The one table from thrown errors to Clarifai statuses. */
export function mapError(err: unknown, reqId: string): MappedError {
  // Shedding (10030) is transient like an unreachable database: gRPC clients retry UNAVAILABLE. A rate
  // limit (11005) is the caller's own doing: answered in-band.
  if (err instanceof RetryLater)
    return {
      status: statusOf(err.code, err.details, reqId),
      retryable: err.code === Code.TRY_AGAIN,
      internal: false,
      retryAfterSeconds: err.retryAfterSeconds,
    };
  if (err instanceof ApiError) return { status: statusOf(err.code, err.details, reqId), retryable: false, internal: false };
  if (err instanceof DuplicateKeyError) {
    return {
      status: statusOf(Code.DATABASE_DUPLICATE_KEY, `${err.entity} '${err.key}' already exists; choose another id.`, reqId),
      retryable: false,
      internal: false,
    };
  }
  if (err instanceof RetryableStoreError) {
    return {
      status: statusOf(
        Code.TRY_AGAIN,
        `The database is temporarily unavailable (${err.message}); retry the request. (Only a write cut off while being committed may have been applied; repeating a create then answers 40010.) req_id ${reqId}.`,
        reqId,
      ),
      retryable: true,
      internal: false,
    };
  }
  return {
    status: statusOf(Code.INTERNAL_SERVER_ISSUE, `Internal error; the server log has the cause under req_id ${reqId}.`, reqId),
    retryable: false,
    internal: true,
  };
}
