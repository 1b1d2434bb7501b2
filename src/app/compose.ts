import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import type { Config } from '../config/config.js';
import { defaultModelTypes, ModelTypeRegistry } from '../domain/model-types/catalog.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { loadClarifaiProtos } from '../proto/load.js';
import { AppResolver } from '../service/app-resolver.js';
import { Authenticator } from '../service/auth.service.js';
import { Dispatcher } from '../service/dispatcher.js';
import { rpcTable } from '../service/rpc-table.js';
import { openStore } from '../storage/open-store.js';
import { bindGrpc, buildGrpcServer, grpcCredentials } from '../transport/grpc/server.js';
import { buildRestServer } from '../transport/rest/server.js';
import { bootstrapUsers, type BootstrapResult } from './bootstrap.js';

export interface Running {
  httpPort: number;
  grpcPort: number;
  store: Store;
  bootstrap: BootstrapResult;
  log: Logger;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  log?: Logger;
}

/** Composition root: the only place that builds adapters and wires them together. */
export async function startModelkeep(cfg: Config, opts: StartOptions = {}): Promise<Running> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? pino({ level: cfg.logLevel });
  let ready = false;
  const protos = loadClarifaiProtos();
  if (cfg.databaseUrl.startsWith('sqlite:')) mkdirSync(cfg.dataDir, { recursive: true });
  const store = await openStore(cfg.databaseUrl);
  try {
    const bootstrap = await bootstrapUsers(store, { user: cfg.bootstrapUser, pat: cfg.bootstrapPat }, clock.now());
    const types = new ModelTypeRegistry(defaultModelTypes());
    const auth = new Authenticator(store.keys);
    const apps = new AppResolver(store.apps);
    const validScopes = new Set(Object.keys(protos.root.lookupEnum('clarifai.auth.scope.S').values));
    const impls = rpcTable({ store, types, auth, apps, validScopes });
    const dispatcher = new Dispatcher({ protos, impls, auth, apps, clock, log });

    const rest = buildRestServer(dispatcher, protos.rpcs.values(), { bodyLimitBytes: cfg.bodyLimitBytes, log, ready: () => ready });
    await rest.listen({ host: cfg.host, port: cfg.httpPort });
    const grpcOpts = { maxMessageBytes: cfg.bodyLimitBytes, tlsCertFile: cfg.grpcTlsCert, tlsKeyFile: cfg.grpcTlsKey };
    const grpcServer = buildGrpcServer(dispatcher, protos, grpcOpts);
    let grpcPort: number;
    try {
      grpcPort = await bindGrpc(grpcServer, cfg.host, cfg.grpcPort, grpcCredentials(grpcOpts));
    } catch (e) {
      await rest.close();
      throw e;
    }
    ready = true;
    const httpPort = (rest.server.address() as AddressInfo).port;
    let stopped = false;
    return {
      httpPort,
      grpcPort,
      store,
      bootstrap,
      log,
      async stop() {
        if (stopped) return;
        stopped = true;
        ready = false;
        await new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve()));
        await rest.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
