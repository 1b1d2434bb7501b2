/** What a Poller needs from its surroundings: injected so the rules are tested without a browser. */
export interface PollerEnv {
  visible(): boolean;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** The least period: an open console must not load the API (issue 15). */
export const MIN_PERIOD_MS = 1000;

/**
 * Ticks every `periodMs` (never faster than once a second) while started and the page is visible;
 * hiding the page stops the timer, showing it again ticks at once and restarts it.
 */
export class Poller {
  private handle: unknown;
  private running = false;
  readonly periodMs: number;

  constructor(
    private readonly tick: () => void,
    periodMs: number,
    private readonly env: PollerEnv,
  ) {
    this.periodMs = Math.max(MIN_PERIOD_MS, periodMs);
  }

  start(): void {
    this.running = true;
    this.arm();
  }

  stop(): void {
    this.running = false;
    this.disarm();
  }

  /** Call on visibilitychange. */
  visibilityChanged(): void {
    if (!this.running) return;
    if (this.env.visible()) {
      const wasArmed = this.handle !== undefined;
      this.arm();
      if (!wasArmed) this.tick();
    } else this.disarm();
  }

  get armed(): boolean {
    return this.handle !== undefined;
  }

  private arm(): void {
    if (this.handle === undefined && this.env.visible()) this.handle = this.env.setInterval(this.tick, this.periodMs);
  }

  private disarm(): void {
    if (this.handle !== undefined) this.env.clearInterval(this.handle);
    this.handle = undefined;
  }
}
