/**
 * A start that cannot go on for a reason the operator fixes in the configuration: the CLI prints
 * `message` (one sentence, no stack) and exits with `exitCode` (2, as for invalid settings).
 */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

const isAddressInUse = (e: unknown): boolean => {
  const err = e as { code?: unknown; message?: unknown } | undefined;
  return err?.code === 'EADDRINUSE' || /EADDRINUSE|address already in use/i.test(String(err?.message ?? ''));
};

/**
 * A listen error as the operator should read it: a port taken by another process names the setting
 * that moves it; anything else is passed on unchanged.
 */
export function listenError(e: unknown, what: 'REST' | 'gRPC' | 'metrics', host: string, port: number): unknown {
  if (!isAddressInUse(e)) return e;
  const setting =
    what === 'REST' ? 'MODELKEEP_HTTP_PORT (--http-port)' : what === 'gRPC' ? 'MODELKEEP_GRPC_PORT (--grpc-port)' : 'MODELKEEP_METRICS_PORT (--metrics-port)';
  return new StartupError(`The ${what} port ${port} on ${host} is already in use by another process: stop it, or choose another port with ${setting}.`);
}
