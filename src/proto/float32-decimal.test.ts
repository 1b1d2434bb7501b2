import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float32Shortest } from './float32-decimal.js';

const bits = new Float32Array(1);
const word = new Uint32Array(bits.buffer);
const fromBits = (w: number): number => {
  word[0] = w;
  return bits[0]!;
};

const even = (s: string): boolean => Number(s.split('e')[0]!.slice(-1)) % 2 === 0;

/**
 * The definition, slowly: for p = 1..9, every p-digit decimal near f (the nearest and its two
 * neighbours); the first length with one that parses back to f, and of those the nearest to f.
 */
function reference(f: number): string {
  for (let p = 1; p <= 9; p++) {
    const [mant, exp] = f.toExponential(p - 1).split('e') as [string, string];
    const digits = BigInt(mant.replace('.', '').replace('-', ''));
    const sign = f < 0 ? '-' : '';
    const e = Number(exp) - (p - 1);
    const hits = [digits - 1n, digits, digits + 1n]
      .filter((d) => d > 0n)
      .map((d) => `${sign}${d}e${e}`)
      .filter((s) => Math.fround(Number(s)) === f)
      .sort((a, b) => {
        // Exactly halfway shows as distances equal up to float64 rounding: then the even digit (Go's choice).
        const d = Math.abs(Number(a) - f) - Math.abs(Number(b) - f);
        return Math.abs(d) > 1e-15 * Math.abs(f) ? d : even(a) ? -1 : 1;
      });
    if (hits.length > 0) return String(Number(hits[0]));
  }
  throw new Error(`no 9-digit decimal for ${f}`);
}

describe('float32Shortest', () => {
  const cases: [string, number, string][] = [
    ['0.1', 0.1, '0.1'],
    ['1/3', 1 / 3, '0.33333334'],
    ['a float64 that is not a float32 becomes its float32', 0.9955123662948608, '0.99551237'],
    ['Clarifai doc value 0.9989112 (its float32 printed as float64)', 0.9989112019538879, '0.9989112'],
    ['Clarifai doc value 0.98789215', 0.9878921508789062, '0.98789215'],
    ['16777217 is not a float32: 16777216', 16777217, '16777216'],
    ['an integer', 3, '3'],
    ['a tie (exactly halfway at 8 digits) goes to the even digit, as Go prints it', 1703448.25, '1703448.2'],
    ['one half', 0.5, '0.5'],
    ['negative', -0.75, '-0.75'],
    ['tiny', 1e-7, '1e-7'],
    ['smallest normal 2^-126', 2 ** -126, '1.1754944e-38'],
    ['smallest subnormal 2^-149', 2 ** -149, '1e-45'],
    ['a subnormal', 3 * 2 ** -149, '4e-45'],
    ['largest float32', 3.4028234663852886e38, '3.4028235e+38'],
    ['large', 1e21, '1e+21'],
    ['zero', 0, '0'],
  ];
  for (const [name, v, want] of cases) {
    it(`${name} → ${want}`, () => {
      const got = float32Shortest(v);
      assert.equal(String(got), want);
      assert.equal(Math.fround(got), Math.fround(v), 'the same float32');
    });
  }

  it('keeps -0 (JSON.stringify prints it as 0, as before), NaN, ±Infinity and beyond-float32 values as they are', () => {
    assert.ok(Object.is(float32Shortest(-0), -0));
    assert.ok(Number.isNaN(float32Shortest(Number.NaN)));
    assert.equal(float32Shortest(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
    assert.equal(float32Shortest(Number.NEGATIVE_INFINITY), Number.NEGATIVE_INFINITY);
    assert.equal(float32Shortest(1e300), 1e300);
    assert.equal(JSON.stringify([float32Shortest(-0)]), '[0]');
  });

  it('is the shortest round-tripping decimal at every power of two', () => {
    for (let e = 1; e < 255; e++) {
      for (const sign of [0, 0x80000000]) {
        const f = fromBits((sign | (e << 23)) >>> 0);
        assert.equal(String(float32Shortest(f)), reference(f), `2^${e - 127}`);
      }
    }
  });

  it('matches the reference on 100,000 random float32 bit patterns and on scores in [0, 1]', () => {
    let s = 12345;
    const next = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
    for (let i = 0; i < 50_000; i++) {
      const f = fromBits(next());
      if (!Number.isFinite(f)) continue;
      assert.equal(String(float32Shortest(f)), reference(f), `bits ${word[0]}`);
    }
    for (let i = 0; i < 50_000; i++) {
      const f = Math.fround(next() / 2 ** 32);
      assert.equal(String(float32Shortest(f)), reference(f), `score ${f}`);
    }
  });
});
