/** A request (REST body, query string or gRPC message) that does not fit its message type; `path` says where. */
export class JsonCodecError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path || '(body)'}: ${reason}`);
  }
}
