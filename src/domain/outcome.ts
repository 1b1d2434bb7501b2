import type { StatusCode } from './status-codes.js';

/**
 * How a piece of background work (a training, an evaluation) ended when it did not succeed: the
 * Clarifai status its subject gets and `details` saying what to do. Thrown from the trainer up
 * through the plugin and the job handler to the worker, unchanged: one class end to end, where there
 * were JobFailure, TrainingFailure and EvaluationFailure. `retryable` asks the worker to run the job
 * again (as for an unexpected error) instead of ending it with this status.
 */
export class Outcome extends Error {
  constructor(
    readonly code: StatusCode | number,
    readonly details: string,
    readonly retryable = false,
  ) {
    super(details);
    this.name = 'Outcome';
  }
}

/**
 * The work was stopped from outside and must write nothing: its job was cancelled (the version
 * deleted), taken over by another worker, or its worker is shutting down — or, with reason
 * `timeout`, a trainer ran out of its time budget (the plugin turns that into an Outcome).
 * One class where there were JobStopped, TrainingCancelled and TrainingStopped.
 */
export class Stopped extends Error {
  constructor(readonly reason: string = Stopped.CANCELLED) {
    super(reason);
    this.name = 'Stopped';
  }
  static readonly CANCELLED = 'cancelled';
  static readonly TIMEOUT = 'timeout';
  get timedOut(): boolean {
    return this.reason === Stopped.TIMEOUT;
  }
}
