import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

export interface PressureLimits {
  /** Shed when the event loop's worst delay of the last window exceeds this (ms); 0 = never. */
  maxLoopDelayMs: number;
  /** Shed when the process's resident memory exceeds this (MiB); 0 = never. */
  maxRssMb: number;
}

export interface PressureSample {
  loopDelayMs: number;
  rssMb: number;
}

/**
 * Why this process should shed new calls now, or undefined: the event loop was stalled longer than
 * the limit during the last window, or the process holds more memory than allowed. Pure: the
 * numbers come in, the words come out (the setting to change is named).
 */
export function pressureReason(s: PressureSample, limits: PressureLimits): string | undefined {
  if (limits.maxLoopDelayMs > 0 && s.loopDelayMs > limits.maxLoopDelayMs) {
    return `its event loop was held up ${Math.round(s.loopDelayMs)} ms (MODELKEEP_SHED_LOOP_DELAY_MS is ${limits.maxLoopDelayMs})`;
  }
  if (limits.maxRssMb > 0 && s.rssMb > limits.maxRssMb) {
    return `it holds ${Math.round(s.rssMb)} MiB of memory (MODELKEEP_SHED_RSS_MB is ${limits.maxRssMb})`;
  }
  return undefined;
}

/**
 * Samples the event-loop delay (a libuv timer histogram, reset every window) and RSS; `reason()` is
 * one comparison on the hot path. The timer is unref'd: it never keeps the process alive.
 */
export class LoadPressure {
  private current: string | undefined;
  private readonly histogram: IntervalHistogram | undefined;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: PressureLimits,
    windowMs = 500,
  ) {
    if (limits.maxLoopDelayMs <= 0 && limits.maxRssMb <= 0) return;
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.timer = setInterval(() => this.refresh(), windowMs).unref();
  }

  /** Reads the window that just ended; called by the timer, and by tests that need it now. */
  refresh(): void {
    const h = this.histogram;
    const loopDelayMs = h && h.count > 0 ? h.max / 1e6 : 0;
    h?.reset();
    this.current = pressureReason({ loopDelayMs, rssMb: process.memoryUsage.rss() / 1048576 }, this.limits);
  }

  reason(): string | undefined {
    return this.current;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.histogram?.disable();
  }
}
