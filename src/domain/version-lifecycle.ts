import { Code, type StatusCode } from './status-codes.js';

/**
 * The life of a model version, as tables: where it starts, what each event of its training job (and
 * of an evaluation job, on its metrics) makes of its status, and what each status allows. Every
 * place that decides a version status asks here (PostModelVersions, the training and evaluation
 * jobs, predict's version pick, evaluation's precondition).
 */

/** A version of a trainable type waits for a worker; an operator's is usable at once (reference §5). */
export const INITIAL_STATUS = {
  trainable: Code.MODEL_QUEUED_FOR_TRAINING,
  operator: Code.MODEL_TRAINED,
} as const satisfies Record<string, StatusCode>;

export function initialStatus(type: { trainable: boolean }): { code: StatusCode; completed: boolean } {
  const code = type.trainable ? INITIAL_STATUS.trainable : INITIAL_STATUS.operator;
  return { code, completed: code === Code.MODEL_TRAINED };
}

/** What can happen to a job, as the worker and its handlers see it. */
export type JobEvent = 'started' | 'progress' | 'succeeded' | 'failed' | 'cancelled' | 'handed back' | 'lost';

/**
 * The status an event writes: a code, `outcome` (the failure's own code, e.g. 21117), or `keep`
 * (nothing is written: a cancelled job's version is gone; a job handed back or lost keeps what its
 * last attempt wrote until the next attempt writes `started` again, and after too many attempts
 * the worker ends it as `failed` with the job kind's generic failure).
 */
export type StatusAfter = StatusCode | 'outcome' | 'keep';

export const TRAINING_EVENTS = {
  started: Code.MODEL_TRAINING,
  progress: Code.MODEL_TRAINING,
  succeeded: Code.MODEL_TRAINED,
  failed: 'outcome',
  cancelled: 'keep',
  'handed back': 'keep',
  lost: 'keep',
} as const satisfies Record<JobEvent, StatusAfter>;

/** Evaluation writes on the version's `metrics.status`; the version's own status stays 21100. */
export const EVALUATION_EVENTS = {
  started: Code.MODEL_EVALUATING,
  progress: Code.MODEL_EVALUATING,
  succeeded: Code.MODEL_EVALUATED,
  failed: 'outcome',
  cancelled: 'keep',
  'handed back': 'keep',
  lost: 'keep',
} as const satisfies Record<JobEvent, StatusAfter>;

/** An evaluation is queued with this metrics status, in the transaction that queues its job. */
export const EVALUATION_QUEUED = Code.MODEL_QUEUED_FOR_EVALUATION;

/** Evaluation failures keep their 2131x code; any other code (the worker's generic failures) becomes 21317. */
export function evaluationFailureCode(code: number): number {
  return code >= 21310 && code <= 21319 ? code : Code.MODEL_EVALUATION_FAILED;
}

const IN_FLIGHT: ReadonlySet<number> = new Set([Code.MODEL_QUEUED_FOR_TRAINING, Code.MODEL_TRAINING]);
const PREDICTABLE: ReadonlySet<number> = new Set([Code.MODEL_TRAINED]);
const EVALUABLE: ReadonlySet<number> = new Set([Code.MODEL_TRAINED]);

/** Queued or training: a worker will still change it. */
export const isInFlight = (code: number): boolean => IN_FLIGHT.has(code);
/** PostModelOutputs runs only such a version (API-DECISIONS rows 3 and 11). */
export const isPredictable = (code: number): boolean => PREDICTABLE.has(code);
/** PostModelVersionMetrics evaluates only such a version. */
export const isEvaluable = (code: number): boolean => EVALUABLE.has(code);
