import type { Logger } from 'pino';

/** Waits for `work` at most `graceMs`: true if it settled in time (its rejection counts as settled). */
export async function withinGrace(work: Promise<unknown>, graceMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const SIGNAL_NUMBERS: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 2, SIGTERM: 15 };

export interface Stoppable {
  log: Logger;
  stop(): Promise<void>;
}

/**
 * SIGTERM / SIGINT: stop gracefully (see Running.stop) and exit 0, or 1 if stopping failed. A second
 * signal while stopping exits at once with 128 + its number, as shells report a killed process: the
 * operator asked twice.
 */
export function stopOnSignals(running: Stoppable, message: string, exit: (code: number) => void = (c) => process.exit(c)): void {
  let stopping = false;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (stopping) {
      running.log.warn({ signal }, 'second signal: exiting now without waiting for requests or jobs');
      exit(128 + SIGNAL_NUMBERS[signal]);
      return;
    }
    stopping = true;
    running.log.info({ signal }, message);
    running.stop().then(
      () => {
        running.log.info('stopped');
        exit(0);
      },
      (e: unknown) => {
        running.log.error({ err: e }, 'error while stopping');
        exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
