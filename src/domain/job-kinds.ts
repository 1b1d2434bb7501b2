/** The kinds of durable job: written by the services with a version, run by the worker's handlers. */
export const TRAIN_JOB = 'train-model-version';
export const EVAL_JOB = 'evaluate-model-version';
