import { destination, type Logger, pino } from 'pino';
import { onFirstUse } from '../runtime/on-first-use.js';

/** pino-pretty, required only for a pretty logger (a terminal): JSON logs never load it. */
const pinoPretty = onFirstUse<typeof import('pino-pretty')>('pino-pretty');

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  level: string;
  /** Default: pretty when stdout is a terminal, JSON otherwise (files, pipes, log collectors). */
  format: LogFormat | undefined;
  isTty: boolean;
}

/** The format asked for, else pretty for a person at a terminal and JSON for everything else. */
export const logFormatFor = (asked: LogFormat | undefined, isTty: boolean): LogFormat => asked ?? (isTty ? 'pretty' : 'json');

/**
 * The process logger, on stdout. JSON goes through an asynchronous destination that writes in blocks
 * of 4 KB, and at least every 200 ms: one write per line (a thread-pool round trip each) cost a
 * GetModel under load about a third of its speed (bench #12, docs/decisions/0026). pino flushes what
 * is left synchronously when the process exits; stop() flushes too.
 */
export function buildLogger(opts: LoggerOptions): Logger {
  const format = logFormatFor(opts.format, opts.isTty);
  if (format === 'pretty')
    return pino(
      { level: opts.level },
      pinoPretty()({ colorize: opts.isTty, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true, destination: 1, sync: true }),
    );
  return pino({ level: opts.level }, destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 200 }));
}
