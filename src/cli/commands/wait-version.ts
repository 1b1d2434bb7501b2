import type { Api } from '../client/api.js';
import type { LogEntry, ModelVersion } from '../client/messages.js';
import { CliError, EXIT } from '../errors.js';
import type { Printer } from '../output.js';
import { Progress } from '../progress.js';
import { isTerminal, latestEpoch, statusLoss, trainedSummary, trainingPhase } from './version-phase.js';

export const versionPath = (api: Api, model: string, version: string): string =>
  api.appPath(`/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}`);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls a version until its training ends, with a live bar (queued → training n% with epoch and
 * loss → trained). Ctrl-C stops the waiting only: the server goes on training, and the note says how
 * to watch again or cancel. Resolves with the finished version; a failed training throws (exit 1)
 * after printing its code and details (and, with --json, the version itself).
 */
export async function waitForVersion(api: Api, out: Printer, model: string, versionId: string, intervalMs: number): Promise<ModelVersion> {
  const bar = new Progress(
    out.streams.err,
    '{phase} [{bar}] {percentage}% | {detail} | {duration_formatted}',
    (_v, _t, p) => `${p.phase}${p.phase === 'training' ? ` ${Math.floor(Number(p.pct) / 10) * 10}%` : ''}${p.epochs ? ` (${p.epochs})` : ''}`,
    !out.quiet,
  );
  let interrupted = false;
  let lastPhase = 'queued';
  const onSigint = () => {
    interrupted = true;
  };
  process.once('SIGINT', onSigint);
  try {
    let started = false;
    for (;;) {
      const { model_version: v } = await api.get<{ model_version: ModelVersion }>(versionPath(api, model, versionId));
      const phase = trainingPhase(v.status);
      lastPhase = phase;
      const pct = phase === 'trained' ? 100 : (v.status.percent_completed ?? 0);
      let detail = v.status.details ?? v.status.description ?? '';
      let epochs = '';
      const loss = statusLoss(detail);
      if (phase === 'training' && loss !== undefined) detail = `loss ${loss.toFixed(4)}`;
      if (phase === 'training') {
        const logs = await api
          .get<{ log_entries: LogEntry[] }>(`${versionPath(api, model, versionId)}/training/logs`, { per_page: 5 })
          .catch(() => ({ log_entries: [] }));
        const e = latestEpoch(logs.log_entries.map((l) => l.message));
        if (e) {
          epochs = `epoch ${e.epoch}/${e.of}`;
          detail = `${epochs} loss ${e.loss.toFixed(4)}`;
        }
      }
      const payload = { phase, detail: detail.slice(0, 60), pct, epochs };
      if (!started) {
        bar.start(100, pct, payload);
        started = true;
      } else bar.update(pct, payload);
      if (isTerminal(phase)) {
        bar.stop();
        return finish(out, model, v);
      }
      if (interrupted) break;
      await sleep(intervalMs);
      if (interrupted) break;
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    bar.stop();
  }
  throw new CliError(
    `stopped waiting: version ${versionId} of ${model} is still ${lastPhase} on the server, which goes on with it.\n  watch again: modelkeep versions wait ${model} ${versionId}\n  cancel it:   modelkeep versions delete ${model} ${versionId} --yes`,
    EXIT.interrupted,
  );
}

function finish(out: Printer, model: string, v: ModelVersion): ModelVersion {
  const phase = trainingPhase(v.status);
  if (phase === 'trained') {
    out.result(
      { model_version: v },
      () => out.line(trainedSummary(model, v)),
      () => [v.id],
    );
    return v;
  }
  if (out.json) out.line(JSON.stringify({ model_version: v }, null, 2));
  throw new CliError(
    `training of version ${v.id} of ${model} ended in ${v.status.code} ${v.status.description ?? ''}${v.status.details ? `\n  ${v.status.details}` : ''}\n  the training log: modelkeep versions logs ${model} ${v.id}`,
    EXIT.api,
  );
}

/** Prints a version's training log; with `follow`, keeps printing new lines until training ends. */
export async function printLogs(api: Api, out: Printer, model: string, versionId: string, follow: boolean, intervalMs: number): Promise<void> {
  let printed: string[] = [];
  for (;;) {
    const r = await api.get<{ log_entries: LogEntry[] }>(`${versionPath(api, model, versionId)}/training/logs`, { per_page: 1000 });
    const lines = r.log_entries.map((l) => l.message);
    if (out.json && !follow) {
      out.line(JSON.stringify(r, null, 2));
      return;
    }
    for (const l of newLines(printed, lines)) out.line(out.json ? JSON.stringify({ message: l }) : l);
    printed = lines;
    if (!follow) return;
    const { model_version: v } = await api.get<{ model_version: ModelVersion }>(versionPath(api, model, versionId));
    if (isTerminal(trainingPhase(v.status))) {
      const last = await api.get<{ log_entries: LogEntry[] }>(`${versionPath(api, model, versionId)}/training/logs`, { per_page: 1000 });
      for (const l of newLines(
        printed,
        last.log_entries.map((e) => e.message),
      ))
        out.line(l);
      return;
    }
    await sleep(intervalMs);
  }
}

/** The lines of `now` after those already printed (the log only grows, though its head may be trimmed). */
export function newLines(printed: readonly string[], now: readonly string[]): string[] {
  if (printed.length === 0) return [...now];
  const last = printed[printed.length - 1]!;
  const at = now.lastIndexOf(last);
  return at < 0 ? [...now] : now.slice(at + 1);
}
