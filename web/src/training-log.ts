/** One line of a version's training log (ListLogEntries, log_type training): `<RFC 3339 time> <message>`. */
export interface LogLine {
  time: string;
  text: string;
}

export function splitLogLine(message: string): LogLine {
  const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\s(.*)$/s.exec(message);
  return m ? { time: m[1]!, text: m[2]! } : { time: '', text: message };
}

/** The loss curve in a training log: its `epoch i/N loss x` lines (see docs/decisions/0006), by epoch. */
export function lossCurve(lines: readonly string[]): { epochs: number[]; losses: number[] } {
  const points = new Map<number, number>();
  for (const line of lines) {
    const m = /epoch (\d+)\/\d+ loss (-?[\d.]+(?:e[-+]?\d+)?)/.exec(line);
    if (m) points.set(Number(m[1]), Number(m[2]));
  }
  const epochs = [...points.keys()].sort((a, b) => a - b);
  return { epochs, losses: epochs.map((e) => points.get(e)!) };
}
