// #2 — gRPC GetModel with `authorization` metadata, against a bare grpc-js server (same protos)
// returning the same message from memory (pre-serialised bytes, passthrough serializer).
// Load: h2load, 1 connection × 64 streams (a grpc-js client caps near 4-5k calls/s and would
// measure itself; see /work/shared/reference/benchmarking.md). Target: ≥ 0.60 of baseline calls/s.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadClarifaiProtos } from '../src/proto/load.js';
import { GET_APP, GET_MODEL, startGetModelSubject } from './01-rest-get.js';
import { grpcFrame, h2load, type LoadResult, loadNotes, showLoad } from './lib/load.js';
import { profileSubject, profileText } from './lib/profile.js';
import { alternate, type Bench, fmtInt, verdict } from './lib/runner.js';
import { AUTH, BENCH_USER, type RunningServer, startBare, startModelkeep } from './lib/servers.js';

export const GRPC_STREAMS = 64;

/** Calls GetModel once over grpc-js and returns the raw response bytes (checked to be an in-band 10000). */
export async function rawGetModel(port: number, request: Buffer): Promise<Buffer> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.set('authorization', AUTH);
  try {
    return await new Promise<Buffer>((resolve, reject) =>
      client.makeUnaryRequest(
        '/clarifai.api.V2/GetModel',
        (b: Buffer) => b,
        (b: Buffer) => b,
        request,
        md,
        (err, res) => (err || !res ? reject(err ?? new Error('no response')) : resolve(res)),
      ),
    );
  } finally {
    client.close();
  }
}

export function grpcGetLoad(server: RunningServer, seconds: number, requestFile: string, expectBodyBytes: number): Promise<LoadResult> {
  return h2load({
    url: `http://127.0.0.1:${server.grpcPort}/clarifai.api.V2/GetModel`,
    clients: 1,
    streams: GRPC_STREAMS,
    seconds,
    dataFile: requestFile,
    serverPid: server.pid,
    expectBodyBytes,
    headers: { 'content-type': 'application/grpc', te: 'trailers', authorization: AUTH },
  });
}

export const grpcGetBench: Bench = {
  id: 'grpc',
  rows: '#2',
  title: 'gRPC GetModel vs bare grpc-js',
  async run(ctx) {
    const subject = await startGetModelSubject(ctx);
    let bare: RunningServer | undefined;
    try {
      const protos = loadClarifaiProtos();
      const rpc = protos.rpcs.get('GetModel')!;
      const reqType = rpc.requestType;
      const request = Buffer.from(reqType.encode(reqType.fromObject({ user_app_id: { user_id: BENCH_USER, app_id: GET_APP }, model_id: GET_MODEL })).finish());
      const response = await rawGetModel(subject.server.grpcPort, request);
      const decoded = rpc.responseType.decode(response) as unknown as { status?: { code?: number }; model?: { id?: string } };
      if (decoded.status?.code !== 10000 || decoded.model?.id !== GET_MODEL)
        throw new Error(`GetModel over gRPC did not answer the model: ${JSON.stringify(decoded).slice(0, 300)}`);
      const requestFile = path.join(ctx.tmp, 'get-model.grpc');
      const responseFile = path.join(ctx.tmp, 'get-model-response.bin');
      writeFileSync(requestFile, grpcFrame(request));
      writeFileSync(responseFile, response);
      bare = await startBare({ grpcBody: responseFile });
      const expect = response.length + 5;
      ctx.progress(
        `GetModel: ${request.length}-byte request, ${response.length}-byte response; h2load 1 connection × ${GRPC_STREAMS} streams, ${ctx.roundSeconds} s rounds`,
      );
      const b = bare;
      const r = await alternate(ctx, 'grpc', {
        baseline: () => grpcGetLoad(b, ctx.roundSeconds, requestFile, expect),
        subject: () => grpcGetLoad(subject.server, ctx.roundSeconds, requestFile, expect),
        value: (m) => m.rps,
        show: (m) => showLoad(m, 'calls/s'),
      });
      const row = {
        id: '2',
        what: 'gRPC GetModel calls/s (authorization metadata)',
        baseline: `${fmtInt(r.baselineMedian)} calls/s`,
        subject: `${fmtInt(r.subjectMedian)} calls/s`,
        ratio: r.median,
        spread: r.spread,
        target: '≥ 0.60',
        verdict: verdict(r.median, '>=', 0.6),
        notes: [
          ...loadNotes('bare grpc-js', r.baseline),
          ...loadNotes('modelkeep', r.subject),
          `every answer checked by size: ${expect} body bytes (the 10000 response + 5-byte frame header)`,
        ],
        data: { baseline: r.baseline, subject: r.subject, ratios: r.ratios },
      };
      if (r.baseline.concat(r.subject).some((m) => m.bad > 0)) row.verdict = 'error';
      if (ctx.profile) {
        const frames = await profileSubject(
          path.join(ctx.tmp, 'prof-grpc'),
          (nodeArgs) => startModelkeep({ dataDir: subject.dataDir, worker: false, nodeArgs, name: 'modelkeep --cpu-prof' }),
          (s) => grpcGetLoad(s, ctx.roundSeconds * 3, requestFile, expect),
        );
        row.notes.push('cpu profile of modelkeep under the same load (self time):', ...profileText(frames));
      }
      return [row];
    } finally {
      await Promise.all([subject.server.stop(), bare?.stop()]);
    }
  },
};
