// #4 — PostModelVersions on a non-trainable type (concept-thresholder), 16 concurrent clients,
// SQLite, against GetModel requests/s in the same run (same 16 connections). Target: ≥ 0.25 of
// GetModel's rate (on this machine that should be well over 1,000 versions/s); afterwards every
// acknowledged version is readable and none is lost.
import path from 'node:path';
import { GET_APP, type GetModelSubject, getModelLoad, startGetModelSubject } from './01-rest-get.js';
import { allVersions, api, appPath, CLASSIFIER_VERSION, type Json, THRESHOLDER_VERSION } from './lib/fixtures.js';
import { autocannon, type LoadResult, loadNotes, showLoad } from './lib/load.js';
import { profileSubject, profileText } from './lib/profile.js';
import { alternate, type Bench, type BenchContext, fmtInt, type Row, verdict } from './lib/runner.js';
import { AUTH, type RunningServer, startModelkeep } from './lib/servers.js';

export const VERSION_CLIENTS = 16;
export const THRESHOLDER_MODEL = 'ct';
export const CLASSIFIER_MODEL = 'ec';

export const versionsPath = (modelId: string): string => `${appPath(GET_APP)}/models/${modelId}/versions`;

/** The #1 subject plus two more models: a concept-thresholder and an embedding-classifier. */
export async function startVersionsSubject(ctx: BenchContext, opts: { databaseUrl?: string; name?: string } = {}): Promise<GetModelSubject> {
  const s = await startGetModelSubject(ctx, { databaseUrl: opts.databaseUrl, worker: false, name: opts.name });
  await api(s.server.base, 'POST', `${appPath(GET_APP)}/models`, { model: { id: THRESHOLDER_MODEL, model_type_id: 'concept-thresholder' } });
  await api(s.server.base, 'POST', `${appPath(GET_APP)}/models`, { model: { id: CLASSIFIER_MODEL, model_type_id: 'embedding-classifier' } });
  return s;
}

export function postVersionsLoad(server: RunningServer, modelId: string, seconds: number): Promise<LoadResult> {
  return autocannon({
    url: server.base + versionsPath(modelId),
    method: 'POST',
    connections: VERSION_CLIENTS,
    seconds,
    serverPid: server.pid,
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: JSON.stringify(modelId === THRESHOLDER_MODEL ? THRESHOLDER_VERSION : CLASSIFIER_VERSION),
  });
}

export interface VersionCheck {
  /** Versions autocannon saw acknowledged (2xx). */
  acknowledged: number;
  /** Versions ListModelVersions returns afterwards. */
  listed: number;
  /** Ids returned by a checked batch, each read back with GetModelVersion. */
  checkedIds: number;
  problems: string[];
  /** Listed versions (id, status) for further checks. */
  versions: Json[];
}

/**
 * Every acknowledged version must be listed (autocannon may stop with up to 16 requests in flight
 * that the server still commits, so listed may exceed acknowledged by at most that per round), each
 * in `code`; then a batch posted by this process, whose ids are known, is read back one by one.
 */
export async function verifyVersions(server: RunningServer, modelId: string, runs: LoadResult[], code: number): Promise<VersionCheck> {
  const problems: string[] = [];
  const acknowledged = runs.reduce((s, r) => s + r.total - r.bad, 0);
  const failed = runs.reduce((s, r) => s + r.bad, 0);
  if (failed > 0) problems.push(`${failed} PostModelVersions calls failed during the load`);
  const body = modelId === THRESHOLDER_MODEL ? THRESHOLDER_VERSION : CLASSIFIER_VERSION;
  const ids: string[] = [];
  const batch = 16 * 20;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = 0; i < batch / 16; i++) {
        const r = await api(server.base, 'POST', versionsPath(modelId), body);
        ids.push(r.model.model_version.id as string);
      }
    }),
  );
  for (const id of ids) {
    const r = await api(server.base, 'GET', `${versionsPath(modelId)}/${id}`);
    if (r.model_version?.id !== id || r.model_version?.status?.code !== code)
      problems.push(`version ${id} reads back as ${JSON.stringify(r.model_version?.status)}`);
  }
  const versions = await allVersions(server.base, GET_APP, modelId);
  const listed = versions.length;
  const unique = new Set(versions.map((v) => v.id as string)).size;
  if (unique !== listed) problems.push(`ListModelVersions returned ${listed - unique} duplicate ids`);
  const wrong = versions.filter((v) => v.status?.code !== code).length;
  if (wrong > 0) problems.push(`${wrong} versions are not in status ${code}`);
  const expectedMin = acknowledged + ids.length;
  const slack = VERSION_CLIENTS * runs.length;
  if (listed < expectedMin) problems.push(`LOST: ${expectedMin} versions acknowledged, ${listed} listed`);
  if (listed > expectedMin + slack) problems.push(`${listed} versions listed, more than the ${expectedMin} acknowledged plus ${slack} in flight`);
  return { acknowledged: acknowledged + ids.length, listed, checkedIds: ids.length, problems, versions };
}

export const postVersionsBench: Bench = {
  id: 'versions',
  rows: '#4',
  title: 'PostModelVersions (concept-thresholder) vs GetModel',
  async run(ctx) {
    const s = await startVersionsSubject(ctx);
    try {
      ctx.progress(`${VERSION_CLIENTS} connections, ${ctx.roundSeconds} s rounds: GetModel (baseline) vs PostModelVersions on a concept-thresholder (subject)`);
      const r = await alternate(ctx, 'versions', {
        baseline: () => getModelLoad(s.server, ctx.roundSeconds, VERSION_CLIENTS),
        subject: () => postVersionsLoad(s.server, THRESHOLDER_MODEL, ctx.roundSeconds),
        value: (m) => m.rps,
        show: (m) => showLoad(m),
      });
      ctx.progress('verifying: every acknowledged version listed, a known batch read back one by one');
      const check = await verifyVersions(s.server, THRESHOLDER_MODEL, r.subject, 21100);
      ctx.shared.set('versions.rate', r.subjectMedian);
      const row: Row = {
        id: '4',
        what: `PostModelVersions (non-trainable) vs GetModel, ${VERSION_CLIENTS} clients, SQLite`,
        baseline: `${fmtInt(r.baselineMedian)} GetModel/s`,
        subject: `${fmtInt(r.subjectMedian)} versions/s`,
        ratio: r.median,
        spread: r.spread,
        target: '≥ 0.25 (and > 1,000/s)',
        verdict: check.problems.length > 0 ? 'error' : verdict(r.median, '>=', 0.25),
        notes: [
          ...loadNotes('GetModel', r.baseline),
          ...loadNotes('PostModelVersions', r.subject),
          `${fmtInt(check.acknowledged)} versions acknowledged, ${fmtInt(check.listed)} listed afterwards (all 21100), ${check.checkedIds} read back by id${check.problems.length ? `; PROBLEMS: ${check.problems.join('; ')}` : '; none lost'}`,
        ],
        data: { baseline: r.baseline, subject: r.subject, ratios: r.ratios, check: { ...check, versions: undefined } },
      };
      if (!ctx.smoke && r.subjectMedian < 1000)
        row.notes.push(`MISS: ${fmtInt(r.subjectMedian)} versions/s is under the 1,000/s the issue expects on this machine`);
      if (ctx.profile) {
        const frames = await profileSubject(
          path.join(ctx.tmp, 'prof-versions'),
          (nodeArgs) => startModelkeep({ dataDir: s.dataDir, worker: false, nodeArgs, name: 'modelkeep --cpu-prof' }),
          (srv) => postVersionsLoad(srv, THRESHOLDER_MODEL, ctx.roundSeconds * 3),
        );
        row.notes.push('cpu profile of modelkeep under PostModelVersions load (self time):', ...profileText(frames));
      }
      return [row];
    } finally {
      await s.server.stop();
    }
  },
};
