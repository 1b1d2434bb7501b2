/**
 * A version's training log: lines of "<RFC 3339 time> <message>", kept in the version row's
 * `train_log` column and served by ListLogEntries (log_type "training"). Attempts append to the
 * same log, so a retaken job shows why. Capped so a version row stays small: the oldest lines go
 * first, replaced by one marker line.
 */
export const MAX_TRAIN_LOG_CHARS = 64 * 1024;
const DROPPED = '… earlier lines dropped';
const TIME_CHARS = 24; // "2024-01-02T03:04:05.678Z"

export class TrainLog {
  private lines: string[];

  constructor(
    previous: string,
    private readonly now: () => number,
  ) {
    this.lines = logLines(previous);
  }

  add(message: string): void {
    const at = new Date(this.now()).toISOString();
    for (const part of message.split('\n')) this.lines.push(`${at} ${part}`);
    this.trim();
  }

  text(): string {
    return this.lines.join('\n');
  }

  private trim(): void {
    let size = this.lines.reduce((n, l) => n + l.length + 1, 0);
    if (size <= MAX_TRAIN_LOG_CHARS) return;
    const body = this.lines[0]?.endsWith(DROPPED) ? this.lines.slice(1) : this.lines;
    while (size > MAX_TRAIN_LOG_CHARS - 100 && body.length > 1) size -= body.shift()!.length + 1;
    this.lines = [`${body[0]!.slice(0, TIME_CHARS)} ${DROPPED}`, ...body];
  }
}

/** The lines of a stored log (an empty log has none). */
export const logLines = (text: string): string[] => (text ? text.split('\n') : []);
