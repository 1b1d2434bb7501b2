// #5 — PostModelVersions on a trainable type (embedding-classifier: the version and its training
// job are written in one transaction), against #4 (the non-trainable type) in the same run.
// `serve --no-worker`, so the queued jobs stay queued and can be counted. Target: ≥ 0.7 of #4.
import path from 'node:path';
import { openStore } from '../src/storage/open-store.js';
import { GET_APP } from './01-rest-get.js';
import { CLASSIFIER_MODEL, postVersionsLoad, startVersionsSubject, THRESHOLDER_MODEL, VERSION_CLIENTS, verifyVersions } from './04-post-versions.js';
import { loadNotes, showLoad } from './lib/load.js';
import { alternate, type Bench, fmtInt, type Row, verdict } from './lib/runner.js';
import { BENCH_USER } from './lib/servers.js';

export const postTrainableBench: Bench = {
  id: 'trainable',
  rows: '#5',
  title: 'PostModelVersions trainable (version + job) vs non-trainable',
  async run(ctx) {
    const s = await startVersionsSubject(ctx);
    let stopped = false;
    try {
      ctx.progress(
        `${VERSION_CLIENTS} connections, ${ctx.roundSeconds} s rounds: concept-thresholder (baseline) vs embedding-classifier (subject), --no-worker`,
      );
      const r = await alternate(ctx, 'trainable', {
        baseline: () => postVersionsLoad(s.server, THRESHOLDER_MODEL, ctx.roundSeconds),
        subject: () => postVersionsLoad(s.server, CLASSIFIER_MODEL, ctx.roundSeconds),
        value: (m) => m.rps,
        show: (m) => showLoad(m),
      });
      ctx.progress('verifying: every acknowledged version listed in 21103, each with exactly one queued job');
      const check = await verifyVersions(s.server, CLASSIFIER_MODEL, r.subject, 21103);
      await s.server.stop();
      stopped = true;
      // Jobs are not visible through the API: read them through the store, with the server stopped.
      const store = await openStore(`sqlite:${path.join(s.dataDir, 'modelkeep.db')}`);
      let withoutJob = 0;
      try {
        const model = await store.models.get(BENCH_USER, GET_APP, CLASSIFIER_MODEL);
        if (!model) throw new Error('model ec vanished');
        for (const v of check.versions) {
          const version = await store.versions.get(model.pk, v.id as string);
          const jobs = version ? await store.jobs.getForVersion(version.pk) : [];
          if (jobs.length !== 1 || jobs[0]!.state !== 'queued') withoutJob++;
        }
      } finally {
        await store.close();
      }
      if (withoutJob > 0) check.problems.push(`${withoutJob} versions do not have exactly one queued job`);
      const row: Row = {
        id: '5',
        what: `PostModelVersions trainable (version + job) vs non-trainable, ${VERSION_CLIENTS} clients`,
        baseline: `${fmtInt(r.baselineMedian)} versions/s`,
        subject: `${fmtInt(r.subjectMedian)} versions/s`,
        ratio: r.median,
        spread: r.spread,
        target: '≥ 0.7',
        verdict: check.problems.length > 0 ? 'error' : verdict(r.median, '>=', 0.7),
        notes: [
          ...loadNotes('concept-thresholder', r.baseline),
          ...loadNotes('embedding-classifier', r.subject),
          `${fmtInt(check.acknowledged)} versions acknowledged, ${fmtInt(check.listed)} listed (all 21103), each with one queued job${check.problems.length ? `; PROBLEMS: ${check.problems.join('; ')}` : '; none lost'}`,
        ],
        data: { baseline: r.baseline, subject: r.subject, ratios: r.ratios, check: { ...check, versions: undefined } },
      };
      return [row];
    } finally {
      if (!stopped) await s.server.stop();
    }
  },
};
