import { Code, type StatusCode } from './status-codes.js';

/**
 * The one error type the service layer throws for anything a caller did or can fix.
 * It carries a Clarifai status code (an API concept, not a transport one) and `details`
 * that tell the caller what to do. Transports map the code to HTTP / gRPC in one table each.
 */
export class ApiError extends Error {
  constructor(
    readonly code: StatusCode,
    readonly details: string,
  ) {
    super(details);
    this.name = 'ApiError';
  }
}

/** A refusal the client should repeat after `retryAfterSeconds` (rate limit, load shedding): REST sends Retry-After. */
export class RetryLater extends ApiError {
  constructor(
    code: StatusCode,
    details: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, details);
    this.name = 'RetryLater';
  }
}

export const invalidArgument = (details: string): ApiError => new ApiError(Code.MODEL_INVALID_ARGUMENT, details);
export const invalidRequest = (details: string): ApiError => new ApiError(Code.MODEL_INVALID_REQUEST, details);
export const modelNotFound = (details: string): ApiError => new ApiError(Code.MODEL_DOES_NOT_EXIST, details);
export const resourceNotFound = (details: string): ApiError => new ApiError(Code.CONN_DOES_NOT_EXIST, details);
export const duplicateKey = (details: string): ApiError => new ApiError(Code.DATABASE_DUPLICATE_KEY, details);

/** Raised by stores when a unique constraint is violated; the service turns it into 40010 with context. */
export class DuplicateKeyError extends Error {
  constructor(
    readonly entity: string,
    readonly key: string,
  ) {
    super(`${entity} '${key}' already exists`);
    this.name = 'DuplicateKeyError';
  }
}

/** Raised by stores for transient failures (database busy, connection lost); callers may retry. */
export class RetryableStoreError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'RetryableStoreError';
  }
}
