// #12 — the cost of observability on the hot path (issue 13): REST and gRPC GetModel against
// modelkeep with request logs (info, JSON to a file) and metrics on, vs the same build with both off
// (--log-level warn --no-metrics), measured in the same run with alternating rounds. Target: on ≥ 0.95 of off.
import { closeSync, openSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadClarifaiProtos } from '../src/proto/load.js';
import { GET_APP, GET_MODEL, type GetModelSubject, getModelLoad, startGetModelSubject } from './01-rest-get.js';
import { grpcGetLoad, rawGetModel } from './02-grpc-get.js';
import { grpcFrame, loadNotes, showLoad } from './lib/load.js';
import { alternate, type Bench, type BenchContext, fmtInt, median, type Row, verdict } from './lib/runner.js';
import { BENCH_USER } from './lib/servers.js';

const OFF = ['--log-level', 'warn', '--no-metrics'];
const ON = ['--log-level', 'info', '--log-format', 'json'];

/** The gRPC GetModel request as an h2load body, and the response size every answer must have. */
async function grpcRequest(ctx: BenchContext, subject: GetModelSubject): Promise<{ file: string; expect: number }> {
  const rpc = loadClarifaiProtos().rpcs.get('GetModel')!;
  const reqType = rpc.requestType;
  const request = Buffer.from(reqType.encode(reqType.fromObject({ user_app_id: { user_id: BENCH_USER, app_id: GET_APP }, model_id: GET_MODEL })).finish());
  const response = await rawGetModel(subject.server.grpcPort, request);
  const file = path.join(ctx.tmp, 'observe-get-model.grpc');
  writeFileSync(file, grpcFrame(request));
  return { file, expect: response.length + 5 };
}

export const observeBench: Bench = {
  id: 'observe',
  rows: '#12',
  title: 'GetModel with request logs and metrics on vs off',
  async run(ctx) {
    const logFile = path.join(ctx.tmp, 'observe-requests.log');
    const fd = openSync(logFile, 'w');
    const off = await startGetModelSubject(ctx, { args: OFF, name: 'modelkeep (logs+metrics off)' });
    let on: GetModelSubject | undefined;
    try {
      on = await startGetModelSubject(ctx, { args: ON, stdoutFd: fd, name: 'modelkeep (logs+metrics on)' });
      const subject = on;
      const { file, expect } = await grpcRequest(ctx, subject);
      // Each server's own answer size (timestamps and ids differ by a byte or so between the two data sets).
      const offExpect = (await grpcRequest(ctx, off)).expect;
      ctx.progress(
        `off: ${OFF.join(' ')}; on: ${ON.join(' ')} (stdout to a file); REST h2load --h1 64 connections, gRPC h2load 1×64 streams, ${ctx.roundSeconds} s rounds`,
      );
      const rest = await alternate(ctx, 'observe rest', {
        baseline: () => getModelLoad(off.server, ctx.roundSeconds),
        subject: () => getModelLoad(subject.server, ctx.roundSeconds),
        value: (m) => m.rps,
        show: (m) => showLoad(m),
      });
      const grpc = await alternate(ctx, 'observe grpc', {
        baseline: () => grpcGetLoad(off.server, ctx.roundSeconds, file, offExpect),
        subject: () => grpcGetLoad(subject.server, ctx.roundSeconds, file, expect),
        value: (m) => m.rps,
        show: (m) => showLoad(m, 'calls/s'),
      });
      const logged = statSync(logFile).size;
      const calls = [...rest.subject, ...grpc.subject].reduce((n, m) => n + m.total, 0);
      const metrics = await (await fetch(`${subject.server.base}/metrics`)).text();
      const counted = [...metrics.matchAll(/^modelkeep_requests_total\{rpc="GetModel",transport="(rest|grpc)",code="10000"\} (\d+)/gm)].reduce(
        (n, m) => n + Number(m[2]),
        0,
      );
      const common = [
        `request log: ${(logged / 1024 / 1024).toFixed(1)} MiB written for ${fmtInt(calls)} measured calls (${calls ? Math.round(logged / calls) : 0} bytes a line); /metrics counted ${fmtInt(counted)} successful GetModel calls`,
      ];
      const row = (id: string, what: string, r: typeof rest, unit: string): Row => ({
        id,
        what,
        baseline: `${fmtInt(r.baselineMedian)} ${unit} off`,
        subject: `${fmtInt(r.subjectMedian)} ${unit} on`,
        ratio: r.median,
        spread: r.spread,
        target: '≥ 0.95',
        verdict: verdict(r.median, '>=', 0.95),
        notes: [...loadNotes('off', r.baseline), ...loadNotes('on', r.subject), ...common],
        data: { baseline: r.baseline, subject: r.subject, ratios: r.ratios },
      });
      // Server CPU per call (µs): on a machine shared with other work, throughput follows the scheduler
      // as much as the server, while the CPU a call costs the server does not.
      const cpuRow = (id: string, what: string, r: typeof rest): Row => {
        const perCall = (m: (typeof r.baseline)[number]) => (m.serverCores / m.rps) * 1e6;
        const ratios = r.subject.map((m, i) => perCall(m) / perCall(r.baseline[i]!));
        const med = median(ratios);
        return {
          id,
          what,
          baseline: `${median(r.baseline.map(perCall)).toFixed(1)} µs off`,
          subject: `${median(r.subject.map(perCall)).toFixed(1)} µs on`,
          ratio: med,
          spread: [Math.min(...ratios), Math.max(...ratios)],
          target: '≤ 1.05',
          verdict: verdict(med, '<=', 1.05),
          notes: [],
          data: { ratios },
        };
      };
      const rows = [
        row('12 rest', 'REST GetModel, logs+metrics on / off', rest, 'req/s'),
        cpuRow('12 rest cpu', 'REST GetModel server CPU per call, on / off', rest),
        row('12 grpc', 'gRPC GetModel, logs+metrics on / off', grpc, 'calls/s'),
        cpuRow('12 grpc cpu', 'gRPC GetModel server CPU per call, on / off', grpc),
      ];
      if (grpc.baseline.concat(grpc.subject).some((m) => m.bad > 0)) rows[2]!.verdict = 'error';
      if (counted < calls) rows.forEach((r) => r.notes.push(`FLAG: /metrics counted fewer calls (${counted}) than were measured (${calls})`));
      return rows;
    } finally {
      await Promise.all([off.server.stop(), on?.server.stop()]);
      closeSync(fd);
    }
  },
};
