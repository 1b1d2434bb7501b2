import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BudgetHold, ByteBudget, type Reserved } from './byte-budget.js';

/** Steps on one budget of 100 bytes with holds a, b, c; each step's expected outcome or state. */
type Step =
  | { reserve: [hold: string, bytes: number, own?: number]; tag?: string; now?: Reserved | 'waits' }
  | { release: [hold: string, bytes?: number] }
  | { abort: string }
  | { settled: Record<string, Reserved | 'waits'> }
  | { used: number; peak?: number; waiting?: number };

const CASES: { name: string; steps: Step[] }[] = [
  {
    name: 'reservations that fit are granted at once; peak records the most held',
    steps: [{ reserve: ['a', 60], now: 'ok' }, { reserve: ['b', 40], now: 'ok' }, { used: 100, peak: 100 }, { release: ['a'] }, { used: 40, peak: 100 }],
  },
  {
    name: 'more than the whole budget is too-big at once, even when it is free',
    steps: [{ reserve: ['a', 101], now: 'too-big' }, { reserve: ['a', 50], now: 'ok' }, { reserve: ['a', 51, 50], now: 'too-big' }, { used: 50 }],
  },
  {
    name: 'an empty hold waits until bytes are given back',
    steps: [
      { reserve: ['a', 80], now: 'ok' },
      { reserve: ['b', 30], tag: 'b1', now: 'waits' },
      { used: 80, waiting: 1 },
      { release: ['a', 40] },
      { settled: { b1: 'ok' } },
      { used: 70, waiting: 0 },
    ],
  },
  {
    name: 'a hold that has bytes is told busy instead of waiting (no hold-and-wait deadlock)',
    steps: [
      { reserve: ['a', 50], now: 'ok' },
      { reserve: ['b', 40], now: 'ok' },
      { reserve: ['a', 20], now: 'busy' },
      { reserve: ['b', 20], now: 'busy' },
      { used: 90, waiting: 0 },
    ],
  },
  {
    name: "a download's own bytes do not stop it from waiting (chunk by chunk, no Content-Length)",
    steps: [
      { reserve: ['a', 70], now: 'ok' },
      { reserve: ['b', 20], now: 'ok' },
      { reserve: ['b', 20, 20], tag: 'b2', now: 'waits' },
      { release: ['a'] },
      { settled: { b2: 'ok' } },
      { used: 40 },
    ],
  },
  {
    name: "once a hold gets bytes, its other waiters are told busy (they would wait holding the first one's)",
    steps: [
      { reserve: ['a', 95], now: 'ok' },
      { reserve: ['b', 10], tag: 'b1', now: 'waits' },
      { reserve: ['b', 10], tag: 'b2', now: 'waits' },
      { release: ['a', 10] },
      { settled: { b1: 'ok', b2: 'busy' } },
      { used: 95, waiting: 0 },
    ],
  },
  {
    name: 'waiters of one hold that all fit once bytes are given back are all granted',
    steps: [
      { reserve: ['a', 90], now: 'ok' },
      { reserve: ['b', 20], tag: 'b1', now: 'waits' },
      { reserve: ['b', 20], tag: 'b2', now: 'waits' },
      { release: ['a', 50] },
      { settled: { b1: 'ok', b2: 'ok' } },
      { used: 80, waiting: 0 },
    ],
  },
  {
    name: 'arrival order: a small request does not overtake a large one waiting ahead of it',
    steps: [
      { reserve: ['a', 60], now: 'ok' },
      { reserve: ['b', 50], tag: 'big', now: 'waits' },
      { reserve: ['c', 10], tag: 'small', now: 'waits' },
      { used: 60, waiting: 2 },
      { release: ['a'] },
      { settled: { big: 'ok', small: 'ok' } },
      { used: 60 },
    ],
  },
  {
    name: 'an aborted waiter leaves the queue, and the ones behind it that fit go ahead',
    steps: [
      { reserve: ['a', 60], now: 'ok' },
      { reserve: ['b', 50], tag: 'big', now: 'waits' },
      { reserve: ['c', 30], tag: 'small', now: 'waits' },
      { abort: 'big' },
      { settled: { big: 'aborted', small: 'ok' } },
      { used: 90, waiting: 0 },
    ],
  },
  {
    name: 'release gives back at most what the hold has',
    steps: [{ reserve: ['a', 30], now: 'ok' }, { release: ['a', 500] }, { used: 0 }, { release: ['a'] }, { used: 0 }],
  },
];

describe('ByteBudget (capacity 100)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const budget = new ByteBudget(100);
      const holds = new Map<string, BudgetHold>();
      const holdOf = (k: string): BudgetHold => holds.get(k) ?? holds.set(k, budget.hold()).get(k)!;
      const results = new Map<string, Reserved | 'waits'>();
      const aborts = new Map<string, AbortController>();
      for (const step of c.steps) {
        if ('reserve' in step) {
          const [h, bytes, own] = step.reserve;
          const tag = step.tag ?? `${h}${bytes}`;
          const ac = new AbortController();
          aborts.set(tag, ac);
          const r = holdOf(h).reserve(bytes, own ?? 0, ac.signal);
          if (typeof r === 'string') results.set(tag, r);
          else {
            results.set(tag, 'waits');
            void r.then((v) => results.set(tag, v));
          }
          if (step.now) assert.equal(results.get(tag), step.now, `${tag} right away`);
        } else if ('release' in step) holdOf(step.release[0]).release(step.release[1]);
        else if ('abort' in step) aborts.get(step.abort)!.abort();
        else if ('settled' in step) {
          await Promise.resolve();
          await Promise.resolve();
          for (const [tag, want] of Object.entries(step.settled)) assert.equal(results.get(tag), want, tag);
        } else {
          assert.equal(budget.used, step.used, 'used');
          if (step.peak !== undefined) assert.equal(budget.peak, step.peak, 'peak');
          if (step.waiting !== undefined) assert.equal(budget.waiting, step.waiting, 'waiting');
          assert.ok(budget.peak <= 100, 'never more than the capacity');
        }
      }
    });
  }

  it('a capacity of 0 or less is refused', () => {
    assert.throws(() => new ByteBudget(0), /must be > 0/);
  });
});
