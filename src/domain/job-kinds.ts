/** The kinds of durable job: written by the services with a version, run by the worker's handlers. */
export const TRAIN_JOB = 'train-model-version';
export const EVAL_JOB = 'evaluate-model-version';
/** Checks an uploaded package (decision 0036): 21107 MODEL_BUILDING → 21100, or 21108 naming what does not match. */
export const BUILD_JOB = 'build-model-version';

/**
 * How a claimed job's lastError starts when it was taken from a worker whose lease expired (the
 * worker died or hung): the claim writes it, followed by that worker's id, so the new worker can say so.
 */
export const LEASE_EXPIRED = 'lease expired: ';
