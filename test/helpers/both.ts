import { after, before, describe } from 'node:test';
import { type ApiClient, grpcClient, restClient } from './clients.js';
import { startTestServer, type TestServer } from './server.js';

export interface Harness {
  server: TestServer;
  api: ApiClient;
  /** REST client with raw access (paths, headers, bodies) for REST-only checks. */
  rest: ReturnType<typeof restClient>;
}

/**
 * Runs the same suite once over REST and once over gRPC against one fresh server each,
 * so every behaviour is asserted identically on both transports. `overrides` are MODELKEEP_* settings
 * for the server (e.g. NO_WORKER to keep queued versions queued while a suite inspects them).
 */
export function describeBoth(name: string, suite: (h: Harness) => void, overrides: Record<string, string> = {}): void {
  for (const transport of ['rest', 'grpc'] as const) {
    describe(`${name} [${transport}]`, () => {
      const h = {} as Harness;
      before(async () => {
        h.server = await startTestServer(overrides);
        h.rest = restClient(h.server.httpPort);
        h.api = transport === 'rest' ? h.rest : grpcClient(h.server.grpcPort);
      });
      after(async () => {
        h.api?.close();
        await h.server?.close();
      });
      suite(h);
    });
  }
}

let counter = 0;
/** A unique id per call, for apps and models inside one suite. */
export const uid = (prefix: string): string => `${prefix}-${process.pid}-${++counter}`;

/** Server settings for suites that assert on queued (21103) versions: no worker picks their jobs up. */
export const NO_WORKER = { MODELKEEP_WORKER: 'false' };
