import type * as grpc from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { ReadinessCheck } from '../../ports/readiness.js';

/** The whole server ("") and the API service: what `grpc_health_probe` and load balancers ask about. */
export const HEALTH_SERVICES = ['', 'clarifai.api.V2'] as const;

export interface GrpcHealth {
  /** Probes readiness now and tells Watch streams if the answer changed. */
  refresh(): Promise<void>;
  /** Ends polling, reports NOT_SERVING to every watcher and ends their streams (the server is going away). */
  stop(): void;
}

// biome-ignore lint/suspicious/noExplicitAny: the wrapper forwards whatever grpc-js passes; its handler union (UntypedHandleCall) cannot be called generically.
type Handler = (...args: any[]) => unknown;

/**
 * grpc.health.v1.Health (grpc-health-check) answering the same readiness as /readyz. The library
 * answers Check from a status map, so Check first probes and updates the map; Watch streams hear a
 * change from a poll every `pollMs` (and from every Check in between).
 */
export function addHealthService(server: Pick<grpc.Server, 'addService'>, readiness: ReadinessCheck, pollMs = 5000): GrpcHealth {
  const health = new HealthImplementation(Object.fromEntries(HEALTH_SERVICES.map((s) => [s, 'NOT_SERVING'])));
  let last: ServingStatus = 'NOT_SERVING';
  let stopped = false;
  const watchers = new Set<grpc.ServerWritableStream<unknown, unknown>>();
  const set = (status: ServingStatus): void => {
    if (status === last) return; // setStatus writes to every watcher, also when nothing changed
    last = status;
    for (const s of HEALTH_SERVICES) health.setStatus(s, status);
  };
  const refresh = async (): Promise<void> => {
    const r = await readiness().catch(() => ({ ready: false }));
    if (!stopped) set(r.ready ? 'SERVING' : 'NOT_SERVING');
  };
  health.addToServer({
    addService(definition: grpc.ServiceDefinition, impl: Record<string, Handler>) {
      const check = impl.check!;
      const watch = impl.watch!;
      server.addService(definition, {
        ...impl,
        check: (call: unknown, cb: unknown) => void refresh().finally(() => check(call, cb)),
        // Kept so that stop() can end them: an open Watch would otherwise hold a graceful shutdown until its grace ran out.
        watch: (call: grpc.ServerWritableStream<unknown, unknown>) => {
          watchers.add(call);
          call.on('cancelled', () => watchers.delete(call));
          call.on('close', () => watchers.delete(call));
          watch(call);
        },
      });
    },
  } as Parameters<HealthImplementation['addToServer']>[0]);
  const timer = setInterval(() => void refresh(), pollMs);
  timer.unref();
  return {
    refresh,
    stop() {
      stopped = true;
      clearInterval(timer);
      set('NOT_SERVING');
      for (const call of watchers) call.end();
      watchers.clear();
    },
  };
}
