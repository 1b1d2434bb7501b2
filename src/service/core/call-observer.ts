import type { RequestIdHints } from './request-id.js';

export type Transport = 'rest' | 'grpc';

/** What a transport tells the dispatcher about a call besides its request message. */
export interface CallMeta extends RequestIdHints {
  transport: Transport;
}

/** How one call ended, as the dispatcher saw it: the one record request logs and metrics are made from. */
export interface CallOutcome {
  rpc: string;
  transport: Transport;
  /** status.code of the answer. */
  code: number;
  /** The transport turns it into UNAVAILABLE (gRPC) / its HTTP status (REST). */
  retryable: boolean;
  reqId: string;
  /** The authenticated caller and the target app, once known (absent for calls refused before that). */
  userId: string | undefined;
  appId: string | undefined;
  /** From the dispatcher's entry to its answer (a body refused by a transport's decoder: 0). */
  durationMs: number;
}

/**
 * Sees every call the dispatcher answers, once, whichever transport carried it. Called on the hot
 * path: it must not throw nor wait.
 */
export interface CallObserver {
  observe(outcome: CallOutcome): void;
}
