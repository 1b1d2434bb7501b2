import type { ModelVersion, Status } from '../client/messages.js';

/** Where a version's training stands, from its status code (Clarifai's 211xx codes). */
export type Phase = 'queued' | 'training' | 'building' | 'trained' | 'untrained' | 'failed';

export function trainingPhase(s: Status): Phase {
  switch (s.code) {
    case 21103:
      return 'queued';
    case 21101:
      return 'training';
    case 21107:
      // An uploaded package being checked (decision 0036).
      return 'building';
    case 21100:
      return 'trained';
    case 21102:
      return 'untrained';
    default:
      return 'failed';
  }
}

export const isTerminal = (p: Phase): boolean => p === 'trained' || p === 'failed' || p === 'untrained';

/** "epoch 12/50 loss 0.234567" from the newest such line of a training log, if any. */
export function latestEpoch(lines: readonly string[]): { epoch: number; of: number; loss: number } | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /epoch (\d+)\/(\d+) loss (\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(lines[i]!);
    if (m) return { epoch: Number(m[1]), of: Number(m[2]), loss: Number(m[3]) };
  }
  return undefined;
}

/** A version's state for tables: "trained", "training 40%", "queued", "untrained", "failed 21117". */
export function stateText(s: Status | undefined): string {
  if (!s) return '';
  const p = trainingPhase(s);
  if (p === 'training') return `training ${s.percent_completed ?? 0}%`;
  return p === 'failed' ? `failed ${s.code}` : p;
}

/** The loss in a training status ("Training: 40% done, loss 0.1234."), if it says one. */
export function statusLoss(details: string): number | undefined {
  const m = /loss (\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(details);
  return m ? Number(m[1]) : undefined;
}

/** Seconds from creation to completion, when both are known. */
export function trainingSeconds(v: ModelVersion): number | undefined {
  if (!v.created_at || !v.completed_at) return undefined;
  const ms = Date.parse(v.completed_at) - Date.parse(v.created_at);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : undefined;
}

/** The one-line summary of a finished training ("trained in 3.2 s on 40 inputs"). */
export function trainedSummary(modelId: string, v: ModelVersion): string {
  const secs = trainingSeconds(v);
  const parts = [`version ${v.id} of ${modelId} is trained`];
  if (secs !== undefined) parts.push(`in ${secs < 10 ? secs.toFixed(1) : Math.round(secs)} s`);
  if (v.total_input_count) parts.push(`on ${v.total_input_count} input${v.total_input_count === 1 ? '' : 's'}`);
  return parts.join(' ');
}
