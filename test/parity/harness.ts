import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiClient, type ApiObject, grpcClient, restClient } from '../helpers/clients.js';
import { removeDir, type ServerProcess, startServer, tempDir } from '../helpers/modelkeep-process.js';
import { TEST_PAT, TEST_USER } from '../helpers/server.js';

/**
 * The parity suite: cases written from Clarifai's documented requests and responses and from what
 * its official clients' tests expect, run against one real `modelkeep serve` process per file, every
 * case over REST and over gRPC. Each case names what it follows (`source`), so a failure says which
 * piece of Clarifai's behaviour modelkeep no longer matches.
 */
export interface Parity {
  server: ServerProcess;
  clients: Record<'rest' | 'grpc', ApiClient>;
}

export interface ParityApi {
  transport: 'rest' | 'grpc';
  /** Calls an RPC; returns the body (errors are in-band, so a failing status is returned too). */
  call(rpc: string, req?: ApiObject, token?: string | null): Promise<ApiObject & { http: number }>;
  /** Calls and asserts status 10000. */
  ok(rpc: string, req?: ApiObject): Promise<ApiObject>;
  /** Polls `rpc` until `done(body)`, at most `ms`. */
  until(rpc: string, req: ApiObject, done: (b: ApiObject) => boolean, ms?: number): Promise<ApiObject>;
  /** A unique id for this case and transport. */
  id(prefix: string): string;
}

let counter = 0;

/** Starts one server for the file (bootstrap user and PAT as the helpers expect; loopback fetches allowed). */
export function paritySuite(
  name: string,
  body: (cases: (title: string, source: string, fn: (api: ParityApi) => Promise<void>) => void, p: Parity) => void,
): void {
  describe(`parity: ${name}`, () => {
    const p = {} as Parity;
    let dataDir: string | undefined;
    before(async () => {
      dataDir = tempDir('modelkeep-parity-');
      p.server = await startServer({
        env: { MODELKEEP_DATA_DIR: dataDir, MODELKEEP_BOOTSTRAP_USER: TEST_USER, MODELKEEP_BOOTSTRAP_PAT: TEST_PAT, MODELKEEP_FETCH_ALLOW: '127.0.0.0/8' },
      });
      p.clients = { rest: restClient(p.server.httpPort), grpc: grpcClient(p.server.grpcPort) };
    });
    after(async () => {
      p.clients?.rest.close();
      p.clients?.grpc.close();
      await p.server?.stop();
      removeDir(dataDir);
    });
    const cases = (title: string, source: string, fn: (api: ParityApi) => Promise<void>): void => {
      for (const transport of ['rest', 'grpc'] as const) {
        it(`${title} [${transport}] — ${source}`, () => fn(apiFor(p, transport)));
      }
    };
    body(cases, p);
  });
}

function apiFor(p: Parity, transport: 'rest' | 'grpc'): ParityApi {
  const client = () => p.clients[transport];
  const call = async (rpc: string, req: ApiObject = {}, token?: string | null) => {
    const r = await client().call(rpc, req, token);
    return Object.assign(r.body, { http: r.http });
  };
  return {
    transport,
    call,
    async ok(rpc, req = {}) {
      const b = await call(rpc, req);
      assert.equal(b.status?.code, 10000, `${rpc}: ${JSON.stringify(b.status)}`);
      return b;
    },
    async until(rpc, req, done, ms = 120_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const b = await call(rpc, req);
        if (done(b)) return b;
        assert.ok(Date.now() < deadline, `${rpc} still ${JSON.stringify(b.status)} after ${ms} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    id: (prefix) => `${prefix}-${transport}-${process.pid}-${++counter}`,
  };
}
