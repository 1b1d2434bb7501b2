// #1 — REST GET …/models/{id} with a PAT, 64 connections, against bare Fastify answering the same
// response bytes from memory (load: h2load --h1, see getModelLoad). Target: ≥ 0.60 of the baseline's requests/s; p99 ≤ 2× the baseline's.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { appPath, appWithModel } from './lib/fixtures.js';
import { autocannon, h2load, type LoadResult, loadNotes, showLoad } from './lib/load.js';
import { profileSubject, profileText } from './lib/profile.js';
import { alternate, type Bench, type BenchContext, fmtInt, fmtMs, median, type Row, verdict } from './lib/runner.js';
import { AUTH, type RunningServer, startBare, startModelkeep, tempDir } from './lib/servers.js';

export const REST_CONNECTIONS = 64;
export const GET_APP = 'bench-app';
export const GET_MODEL = 'thresholder';
export const GET_PATH = `${appPath(GET_APP)}/models/${GET_MODEL}`;

export interface GetModelSubject {
  server: RunningServer;
  dataDir: string;
  /** The exact body modelkeep answers (written to a file for the baseline). */
  body: string;
  bodyFile: string;
}

/** Starts modelkeep (`serve --no-worker` unless told) and creates the app and the model through the API. */
export async function startGetModelSubject(
  ctx: BenchContext,
  opts: { databaseUrl?: string; worker?: boolean; name?: string; dataDir?: string; args?: string[]; stdoutFd?: number } = {},
): Promise<GetModelSubject> {
  const dataDir = opts.dataDir ?? tempDir('get');
  const server = await startModelkeep({
    dataDir,
    databaseUrl: opts.databaseUrl,
    worker: opts.worker ?? false,
    name: opts.name,
    args: opts.args,
    stdoutFd: opts.stdoutFd,
  });
  await appWithModel(server.base, GET_APP, GET_MODEL);
  const res = await fetch(server.base + GET_PATH, { headers: { authorization: AUTH } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${GET_PATH} answered ${res.status}: ${body}`);
  const bodyFile = path.join(ctx.tmp, `get-model-${server.pid}.json`);
  writeFileSync(bodyFile, body);
  return { server, dataDir, body, bodyFile };
}

/**
 * GetModel load. 64 connections: h2load over HTTP/1.1 (one request in flight per connection, a
 * per-request log for p50/p99) — autocannon saturates a core near the bare baseline's rate on this
 * machine and would cap the baseline. Fewer connections (#4's 16 clients): autocannon, as for the
 * other REST benchmarks.
 */
export function getModelLoad(server: RunningServer, seconds: number, connections = REST_CONNECTIONS): Promise<LoadResult> {
  if (connections === REST_CONNECTIONS) {
    return h2load({
      url: server.base + GET_PATH,
      h1: true,
      clients: connections,
      streams: 1,
      seconds,
      headers: { authorization: AUTH },
      serverPid: server.pid,
      latency: true,
    });
  }
  return autocannon({ url: server.base + GET_PATH, connections, seconds, headers: { authorization: AUTH }, serverPid: server.pid });
}

export const restGetBench: Bench = {
  id: 'rest',
  rows: '#1',
  title: 'REST GetModel vs bare Fastify',
  async run(ctx) {
    const subject = await startGetModelSubject(ctx);
    const bare = await startBare({ restBody: subject.bodyFile });
    try {
      ctx.progress(`GET ${GET_PATH}: ${subject.body.length} response bytes, ${REST_CONNECTIONS} connections, ${ctx.roundSeconds} s rounds (h2load --h1)`);
      const r = await alternate(ctx, 'rest', {
        baseline: () => getModelLoad(bare, ctx.roundSeconds),
        subject: () => getModelLoad(subject.server, ctx.roundSeconds),
        value: (m) => m.rps,
        show: (m) => showLoad(m),
      });
      const p99Ratios = r.subject.map((s, i) => s.p99Ms / r.baseline[i]!.p99Ms);
      const p99 = median(p99Ratios);
      const notes = [...loadNotes('bare Fastify', r.baseline), ...loadNotes('modelkeep', r.subject)];
      const rows: Row[] = [
        {
          id: '1',
          what: 'REST GetModel req/s (PAT, 64 conns)',
          baseline: `${fmtInt(r.baselineMedian)} req/s`,
          subject: `${fmtInt(r.subjectMedian)} req/s`,
          ratio: r.median,
          spread: r.spread,
          target: '≥ 0.60',
          verdict: verdict(r.median, '>=', 0.6),
          notes,
          data: { baseline: r.baseline, subject: r.subject, ratios: r.ratios },
        },
        {
          id: '1 p99',
          what: 'REST GetModel p99 latency',
          baseline: fmtMs(median(r.baseline.map((b) => b.p99Ms))),
          subject: fmtMs(median(r.subject.map((s) => s.p99Ms))),
          ratio: p99,
          spread: [Math.min(...p99Ratios), Math.max(...p99Ratios)],
          target: '≤ 2.0',
          verdict: verdict(p99, '<=', 2),
          notes: [],
          data: { ratios: p99Ratios },
        },
      ];
      ctx.shared.set('rest.rps', r.subjectMedian);
      if (ctx.profile) {
        const frames = await profileSubject(
          path.join(ctx.tmp, 'prof-rest'),
          (nodeArgs) => startModelkeep({ dataDir: subject.dataDir, worker: false, nodeArgs, name: 'modelkeep --cpu-prof' }),
          (s) => getModelLoad(s, ctx.roundSeconds * 3),
        );
        rows[0]!.notes.push('cpu profile of modelkeep under the same load (self time):', ...profileText(frames));
      }
      return rows;
    } finally {
      await Promise.all([subject.server.stop(), bare.stop()]);
    }
  },
};
