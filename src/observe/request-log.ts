import type { Logger } from 'pino';
import type { CallObserver, CallOutcome, Transport } from '../service/core/call-observer.js';

/** The HTTP status (REST) or gRPC status code (gRPC) an outcome travelled with: the transports' own tables. */
export type TransportStatus = (transport: Transport, outcome: CallOutcome) => number;

/**
 * One `info` line per answered call, REST and gRPC alike:
 * `{"rpc":"GetModel","transport":"rest","code":10000,"http_status":200,"ms":0.21,"req_id":"…","user":"…","app":"…","msg":"request"}`.
 * Never a token nor a body: only what the outcome carries.
 */
export function requestLog(log: Logger, statusOf: TransportStatus): CallObserver {
  return {
    observe(o) {
      if (!log.isLevelEnabled('info')) return;
      const line: Record<string, unknown> = { rpc: o.rpc, transport: o.transport, code: o.code };
      line[o.transport === 'rest' ? 'http_status' : 'grpc_status'] = statusOf(o.transport, o);
      line.ms = Math.round(o.durationMs * 1000) / 1000;
      line.req_id = o.reqId;
      if (o.userId !== undefined) line.user = o.userId;
      if (o.appId !== undefined) line.app = o.appId;
      log.info(line, 'request');
    },
  };
}

/** Several observers as one (request log, metrics), in order. */
export function allOf(observers: (CallObserver | undefined)[]): CallObserver | undefined {
  const list = observers.filter((o): o is CallObserver => o !== undefined);
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  return {
    observe(o) {
      for (const x of list) x.observe(o);
    },
  };
}
