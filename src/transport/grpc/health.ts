import type * as grpc from '@grpc/grpc-js';
import type { HealthImplementation, ServingStatus } from 'grpc-health-check';
import type { ReadinessCheck } from '../../ports/readiness.js';
import { onFirstUse } from '../../runtime/on-first-use.js';
import { deferredDefinition, type MethodShape } from './deferred-service.js';

/** The whole server ("") and the API service: what `grpc_health_probe` and load balancers ask about. */
export const HEALTH_SERVICES = ['', 'clarifai.api.V2'] as const;

export interface GrpcHealth {
  /** Probes readiness now and tells Watch streams if the answer changed. */
  refresh(): Promise<void>;
  /** Ends polling, reports NOT_SERVING to every watcher and ends their streams (the server is going away). */
  stop(): void;
}

/** grpc.health.v1.Health as grpc-health-check defines it (checked by deferred-service.test.ts). */
export const HEALTH_METHODS: readonly MethodShape[] = [
  { key: 'Check', path: '/grpc.health.v1.Health/Check', originalName: 'check', requestStream: false, responseStream: false },
  { key: 'Watch', path: '/grpc.health.v1.Health/Watch', originalName: 'watch', requestStream: false, responseStream: true },
  { key: 'List', path: '/grpc.health.v1.Health/List', originalName: 'list', requestStream: false, responseStream: false },
];

/** The library (its health.proto loaded through proto-loader), required by the first health call, not at start-up. */
const healthLibrary = onFirstUse<typeof import('grpc-health-check')>('grpc-health-check');

// biome-ignore lint/suspicious/noExplicitAny: the wrapper forwards whatever grpc-js passes; its handler union (UntypedHandleCall) cannot be called generically.
type Handler = (...args: any[]) => unknown;

/**
 * grpc.health.v1.Health (grpc-health-check) answering the same readiness as /readyz. The library
 * answers Check from a status map, so Check first probes and updates the map; Watch streams hear a
 * change from a poll every `pollMs` (and from every Check in between).
 */
export function addHealthService(server: Pick<grpc.Server, 'addService'>, readiness: ReadinessCheck, pollMs = 5000): GrpcHealth {
  let last: ServingStatus = 'NOT_SERVING';
  let stopped = false;
  const watchers = new Set<grpc.ServerWritableStream<unknown, unknown>>();
  let health: HealthImplementation | undefined;
  let real: { definition: grpc.ServiceDefinition; impl: Record<string, Handler> } | undefined;
  /** The library's service, made on the first call with the status known by then. */
  const loaded = (): { definition: grpc.ServiceDefinition; impl: Record<string, Handler> } => {
    if (!real) {
      const h = new (healthLibrary().HealthImplementation)(Object.fromEntries(HEALTH_SERVICES.map((s) => [s, last])));
      h.addToServer({
        addService(definition: grpc.ServiceDefinition, impl: Record<string, Handler>) {
          real = { definition, impl };
        },
      } as Parameters<HealthImplementation['addToServer']>[0]);
      health = h;
    }
    return real!;
  };
  const set = (status: ServingStatus): void => {
    if (status === last) return; // setStatus writes to every watcher, also when nothing changed
    last = status;
    if (health) for (const s of HEALTH_SERVICES) health.setStatus(s, status);
  };
  const refresh = async (): Promise<void> => {
    const r = await readiness().catch(() => ({ ready: false }));
    if (!stopped) set(r.ready ? 'SERVING' : 'NOT_SERVING');
  };
  server.addService(
    deferredDefinition(HEALTH_METHODS, () => loaded().definition),
    {
      check: (call: unknown, cb: unknown) => void refresh().finally(() => loaded().impl.check!(call, cb)),
      // Kept so that stop() can end them: an open Watch would otherwise hold a graceful shutdown until its grace ran out.
      watch: (call: grpc.ServerWritableStream<unknown, unknown>) => {
        watchers.add(call);
        call.on('cancelled', () => watchers.delete(call));
        call.on('close', () => watchers.delete(call));
        loaded().impl.watch!(call);
      },
      list: (call: unknown, cb: unknown) => loaded().impl.list!(call, cb),
    },
  );
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
