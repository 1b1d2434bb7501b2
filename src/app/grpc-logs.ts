import { format } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';

/**
 * grpc-js writes its own errors to stderr ("E No address added out of total 1 resolved …" before a
 * bind failure that modelkeep reports itself, in one sentence). They go to our log at debug instead.
 * grpc-js keeps one logger per process: the latest server's wins, which is fine for one server.
 */
export function routeGrpcLogs(log: Logger): void {
  const write = (...args: unknown[]): void => log.debug({ grpc: format(...args) }, 'grpc-js');
  grpc.setLogger({ error: write, warn: write, info: write, debug: write });
}
