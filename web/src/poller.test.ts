import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Poller, type PollerEnv } from './poller.js';

/** A fake clock and page: advance() runs the intervals that are due. */
function fakeEnv() {
  let now = 0;
  let visible = true;
  const timers = new Map<number, { fn: () => void; ms: number; next: number }>();
  let seq = 0;
  const env: PollerEnv = {
    visible: () => visible,
    setInterval: (fn, ms) => {
      timers.set(++seq, { fn, ms, next: now + ms });
      return seq;
    },
    clearInterval: (h) => void timers.delete(h as number),
  };
  return {
    env,
    setVisible: (v: boolean) => (visible = v),
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.values()].filter((t) => t.next <= end).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        now = due.next;
        due.next += due.ms;
        due.fn();
      }
      now = end;
    },
  };
}

it('ticks at its period, never faster than once a second', () => {
  const f = fakeEnv();
  let ticks = 0;
  const p = new Poller(() => ticks++, 200, f.env);
  assert.equal(p.periodMs, 1000);
  p.start();
  f.advance(10_000);
  assert.equal(ticks, 10);
  p.stop();
  f.advance(10_000);
  assert.equal(ticks, 10);
});

it('pauses while the tab is hidden and ticks at once when it is shown again', () => {
  const f = fakeEnv();
  let ticks = 0;
  const p = new Poller(() => ticks++, 2000, f.env);
  p.start();
  f.advance(4000);
  assert.equal(ticks, 2);
  f.setVisible(false);
  p.visibilityChanged();
  assert.equal(p.armed, false);
  f.advance(60_000);
  assert.equal(ticks, 2, 'no request from a background tab');
  f.setVisible(true);
  p.visibilityChanged();
  assert.equal(ticks, 3, 'fresh data as soon as the tab is back');
  f.advance(2000);
  assert.equal(ticks, 4);
});

it('does not start in a hidden tab, and a stopped poller ignores visibility', () => {
  const f = fakeEnv();
  let ticks = 0;
  f.setVisible(false);
  const p = new Poller(() => ticks++, 1000, f.env);
  p.start();
  f.advance(5000);
  assert.equal(ticks, 0);
  p.stop();
  f.setVisible(true);
  p.visibilityChanged();
  f.advance(5000);
  assert.equal(ticks, 0);
});
