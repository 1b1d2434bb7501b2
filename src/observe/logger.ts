import { destination, pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  level: string;
  /** Default: pretty when stdout is a terminal, JSON otherwise (files, pipes, log collectors). */
  format: LogFormat | undefined;
  isTty: boolean;
}

/**
 * The process logger, on stdout. JSON goes through an asynchronous destination: lines written while a
 * write is in flight are joined into the next one, so one log line per request costs no system call
 * of its own under load; pino flushes it synchronously when the process exits.
 */
export function buildLogger(opts: LoggerOptions): Logger {
  const format = opts.format ?? (opts.isTty ? 'pretty' : 'json');
  if (format === 'pretty') return pino({ level: opts.level }, pretty({ colorize: opts.isTty, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true, destination: 1, sync: true }));
  return pino({ level: opts.level }, destination({ dest: 1, sync: false }));
}
