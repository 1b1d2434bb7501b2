import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoadPressure, pressureReason } from './load-pressure.js';

describe('pressureReason', () => {
  const cases: [string, { loopDelayMs: number; rssMb: number }, { maxLoopDelayMs: number; maxRssMb: number }, RegExp | undefined][] = [
    ['both limits off', { loopDelayMs: 9000, rssMb: 9000 }, { maxLoopDelayMs: 0, maxRssMb: 0 }, undefined],
    ['under both', { loopDelayMs: 40, rssMb: 300 }, { maxLoopDelayMs: 1000, maxRssMb: 2048 }, undefined],
    ['at the delay limit is not over it', { loopDelayMs: 1000, rssMb: 0 }, { maxLoopDelayMs: 1000, maxRssMb: 0 }, undefined],
    [
      'loop held up',
      { loopDelayMs: 1500.4, rssMb: 100 },
      { maxLoopDelayMs: 1000, maxRssMb: 2048 },
      /event loop was held up 1500 ms \(MODELKEEP_SHED_LOOP_DELAY_MS is 1000\)/,
    ],
    ['memory', { loopDelayMs: 10, rssMb: 3000 }, { maxLoopDelayMs: 1000, maxRssMb: 2048 }, /holds 3000 MiB of memory \(MODELKEEP_SHED_RSS_MB is 2048\)/],
    ['the loop is named first', { loopDelayMs: 2000, rssMb: 3000 }, { maxLoopDelayMs: 1000, maxRssMb: 2048 }, /event loop/],
  ];
  for (const [name, sample, limits, want] of cases) {
    it(name, () => {
      const got = pressureReason(sample, limits);
      if (want) assert.match(got ?? '', want);
      else assert.equal(got, undefined);
    });
  }
});

describe('LoadPressure', () => {
  it('sees a stalled event loop in the window that saw it, and clears after a quiet window', async () => {
    const p = new LoadPressure({ maxLoopDelayMs: 100, maxRssMb: 0 }, 60_000);
    try {
      await new Promise((r) => setTimeout(r, 30));
      const until = Date.now() + 300;
      while (Date.now() < until); // hold the loop
      await new Promise((r) => setTimeout(r, 30));
      p.refresh();
      assert.match(p.reason() ?? '', /event loop was held up \d+ ms/);
      await new Promise((r) => setTimeout(r, 50));
      p.refresh();
      assert.equal(p.reason(), undefined);
    } finally {
      p.stop();
    }
  });
});
