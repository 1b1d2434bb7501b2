import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRateLimit, TokenBuckets } from './token-bucket.js';

describe('parseRateLimit', () => {
  const ok: Array<[string, { perSecond: number; burst: number }]> = [
    ['20', { perSecond: 20, burst: 20 }],
    ['20/50', { perSecond: 20, burst: 50 }],
    [' 0.5 / 3 ', { perSecond: 0.5, burst: 3 }],
    ['0.5', { perSecond: 0.5, burst: 1 }],
  ];
  for (const [raw, want] of ok) it(`"${raw}"`, () => assert.deepEqual(parseRateLimit(raw), want));
  for (const raw of ['', '0', '-1', 'fast', '10/0', '10/', '1e3'])
    it(`refuses "${raw}"`, () => assert.throws(() => parseRateLimit(raw), /e\.g\. "20" or "20\/50"/));
});

describe('TokenBuckets', () => {
  it('allows the burst at once, then one request per 1/rate seconds; Retry-After rounds up', () => {
    const t = new TokenBuckets({ perSecond: 2, burst: 3 });
    assert.deepEqual(
      [0, 0, 0, 0].map(() => t.take('k', 1000)),
      [0, 0, 0, 1],
    );
    assert.equal(t.take('k', 1400), 1, '0.8 tokens after 0.4 s');
    assert.equal(t.take('k', 1500), 0, 'one token after 0.5 s');
    assert.equal(t.take('k', 1500), 1);
  });

  it('keys are independent; a long pause refills to the burst, not beyond', () => {
    const t = new TokenBuckets({ perSecond: 1, burst: 2 });
    assert.equal(t.take('a', 0), 0);
    assert.equal(t.take('a', 0), 0);
    assert.equal(t.take('a', 0), 1);
    assert.equal(t.take('b', 0), 0);
    assert.deepEqual(
      [0, 0, 0].map(() => t.take('a', 3_600_000)),
      [0, 0, 1],
    );
  });

  it('a slow rate answers how many seconds to wait', () => {
    const t = new TokenBuckets({ perSecond: 0.1, burst: 1 });
    assert.equal(t.take('k', 0), 0);
    assert.equal(t.take('k', 0), 10);
    assert.equal(t.take('k', 5000), 5);
  });

  it('remembers at most maxKeys keys (least recently seen forgotten first)', () => {
    const t = new TokenBuckets({ perSecond: 1, burst: 1 }, 2);
    t.take('a', 0);
    t.take('b', 0);
    t.take('a', 0); // a seen again: b is now the oldest
    t.take('c', 0); // evicts b
    assert.equal(t.take('a', 0), 1, 'a was remembered (still empty)');
    assert.equal(t.take('b', 0), 0, 'b was forgotten: it starts full again');
  });
});
