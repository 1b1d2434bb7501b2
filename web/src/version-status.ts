import type { Status } from './api-types.js';

export type Tone = 'neutral' | 'busy' | 'good' | 'bad';
export interface Chip {
  label: string;
  tone: Tone;
  /** Shown under the chip: what went wrong and what to do (a failure's details). */
  note?: string;
}

// Training and evaluation codes (Clarifai's status_code.proto, MODEL_* 211xx and 213xx).
const TRAINED = 21100;
const TRAINING = 21101;
const UNTRAINED = 21102;
const QUEUED = 21103;
const EVALUATED = 21300;
const EVALUATING = 21301;
const QUEUED_FOR_EVALUATION = 21303;

/** True while the version (or its evaluation) can still change by itself: the console keeps polling. */
export function isInFlight(s: Status | undefined): boolean {
  return s !== undefined && [TRAINING, QUEUED, EVALUATING, QUEUED_FOR_EVALUATION].includes(Number(s.code));
}

/** A training / evaluation failure: 21104–21199 and 21310–21399 (timeouts, missing data, bad params). */
export function isFailure(s: Status | undefined): boolean {
  const code = Number(s?.code ?? 0);
  return (code > 21103 && code < 21200) || (code >= 21310 && code < 21400);
}

/**
 * The chip for a version: queued / training n% / trained / failed (with details) / evaluated.
 * `evaluation` is the version's metrics status, which upgrades "trained" to "evaluated".
 */
export function versionChip(s: Status | undefined, evaluation?: Status): Chip {
  if (!s) return { label: 'unknown', tone: 'neutral' };
  if (s.code === TRAINED) {
    if (evaluation?.code === EVALUATED) return { label: 'evaluated', tone: 'good' };
    if (evaluation && isInFlight(evaluation)) return { label: 'evaluating', tone: 'busy' };
    return { label: 'trained', tone: 'good' };
  }
  if (s.code === TRAINING) return { label: `training ${Math.round(s.percent_completed ?? 0)}%`, tone: 'busy' };
  if (s.code === QUEUED) return { label: 'queued', tone: 'neutral' };
  if (s.code === UNTRAINED) return { label: 'untrained', tone: 'neutral' };
  if (isFailure(s)) return { label: 'failed', tone: 'bad', note: `${s.code} ${s.description ?? ''}${s.details ? ` — ${s.details}` : ''}` };
  return { label: s.description || String(s.code), tone: 'neutral' };
}

/** An input's processing status: 30000 processed, 30001/30003 pending, 30002 failed (details say why). */
export function inputChip(s: Status | undefined): Chip {
  if (!s) return { label: 'unknown', tone: 'neutral' };
  if (s.code === 30000) return { label: 'processed', tone: 'good' };
  if (s.code === 30001 || s.code === 30003) return { label: 'processing', tone: 'busy' };
  if (s.code === 30002) return { label: 'failed', tone: 'bad', note: s.details || s.description || '' };
  return { label: s.description || String(s.code), tone: 'neutral' };
}
