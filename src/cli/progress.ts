import type cliProgress from 'cli-progress';
import { onFirstUse } from '../runtime/on-first-use.js';

/** cli-progress, required by the first live bar (a terminal), not at start-up. */
const progressBars = onFirstUse<typeof cliProgress>('cli-progress');

export type Payload = Record<string, string | number>;

/**
 * A live bar on a terminal (cli-progress, redrawn in place on stderr); on a pipe or a file, plain
 * lines instead — one each time the `plain` text changes, so logs get no escape codes and no flood.
 */
export class Progress {
  private bar: cliProgress.SingleBar | undefined;
  private lastPlain = '';
  private total = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly format: string,
    private readonly plain: (value: number, total: number, payload: Payload) => string,
    private readonly enabled = true,
  ) {}

  get live(): boolean {
    return Boolean(this.stream.isTTY);
  }

  start(total: number, value: number, payload: Payload): void {
    if (!this.enabled) return;
    this.total = total;
    if (this.live) {
      const cliProgress = progressBars();
      this.bar = new cliProgress.SingleBar(
        { format: this.format, stream: this.stream as NodeJS.WritableStream, hideCursor: true, clearOnComplete: false, barsize: 30, etaBuffer: 20, fps: 10 },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, value, payload);
    } else this.print(value, total, payload);
  }

  update(value: number, payload: Payload, total?: number): void {
    if (!this.enabled) return;
    if (total !== undefined) this.total = total;
    if (this.bar) {
      if (total !== undefined) this.bar.setTotal(total);
      this.bar.update(value, payload);
    } else this.print(value, this.total, payload);
  }

  /** Ends the bar (left on screen as it last was) so the next line prints below it. */
  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  private print(value: number, total: number, payload: Payload): void {
    const text = this.plain(value, total, payload);
    if (text && text !== this.lastPlain) this.stream.write(`${text}\n`);
    this.lastPlain = text;
  }
}
