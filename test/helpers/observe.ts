import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { type Logger, pino } from 'pino';
import { messageCodec } from '../../src/proto/message-codec.js';
import { type ApiObject, testProtos } from './clients.js';
import { TEST_PAT } from './server.js';

/** A logger whose lines land in `lines` (parsed) and `text` (raw), for asserting on log output. */
export function capturedLogger(level = 'info'): { log: Logger; lines: Record<string, any>[]; text: () => string } {
  const lines: Record<string, any>[] = [];
  let raw = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      const s = String(chunk);
      raw += s;
      for (const l of s.split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: pino({ level }, sink), lines, text: () => raw };
}

/** One gRPC call with extra metadata; resolves with the answer and the trailing metadata. */
export function grpcCallWithMetadata(
  port: number,
  rpcName: string,
  req: ApiObject,
  extra: Record<string, string>,
): Promise<{ body: ApiObject; trailers: grpc.Metadata }> {
  const rpc = testProtos().rpcs.get(rpcName)!;
  const reqCodec = messageCodec(rpc.requestType);
  const resCodec = messageCodec(rpc.responseType);
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.set('authorization', `Key ${TEST_PAT}`);
  for (const [k, v] of Object.entries(extra)) md.set(k, v);
  return new Promise((resolve, reject) => {
    let body: ApiObject | undefined;
    const call = client.makeUnaryRequest(
      `/clarifai.api.V2/${rpcName}`,
      (o: ApiObject) => reqCodec.encode(o),
      (b: Buffer) => resCodec.decode(b),
      req,
      md,
      (err, res) => {
        if (err) reject(err);
        body = res;
      },
    );
    call.on('status', (s: grpc.StatusObject) => {
      client.close();
      if (body) resolve({ body, trailers: s.metadata });
    });
  });
}

/** Prometheus text format parsed into samples: `name{a="1",b="2"}` → value. */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m) out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return out;
}
