// The proto3 JSON mapping prints a `float` field in float32's shortest form (protobuf-go's protojson:
// strconv.AppendFloat(v, 'f'/'e', -1, 32); Clarifai's REST answers: `"value": 0.9989112`), where
// JSON.stringify would print the float64 digits of the same float32 (0.9989112019538879). ADR 0047.

const bits = new Float32Array(1);
const word = new Uint32Array(bits.buffer);

/** The float32 bits of f (written once per value: the checks below read them). */
function bitsOf(f: number): number {
  bits[0] = f;
  return word[0]!;
}

/** A float32 of 2^k (mantissa 0, normal): the only values whose round-trip interval is lopsided. */
const isPowerOfTwo = (w: number): boolean => (w & 0x7fffff) === 0 && (w & 0x7f800000) !== 0;

const roundTrips = (s: string, f: number): boolean => Math.fround(Number(s)) === f;

/** `-d.ddde±x` as its sign, its digits as one integer, and the power of ten of the last digit. */
function parts(e: string): { sign: string; digits: bigint; exp: number } {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(e)!;
  const frac = m[3] ?? '';
  return { sign: m[1]!, digits: BigInt(m[2]! + frac), exp: Number(m[4]) - frac.length };
}

/**
 * toPrecision rounds a tie (f exactly halfway between two p-digit decimals, both round-tripping) away
 * from zero; Go's shortest formatting (protojson) takes the even one: 1703448.25 → 1703448.2. A tie
 * needs f to have at most p + 1 ≤ 10 significant digits, so only small multiples of 2^-14 are checked.
 */
function evenOnTie(s: string, p: number, f: number): string {
  const x = Math.abs(f);
  if (p < 2 || x >= 1e10 || !Number.isInteger(x * 16384)) return s;
  const t = f.toExponential(p);
  if (!/5e/.test(t) || Number(t) !== f) return s;
  const { sign, digits, exp } = parts(f.toExponential(p - 1));
  if (digits % 2n === 0n) return s;
  const down = `${sign}${digits - 1n}e${exp}`;
  return roundTrips(down, f) ? down : s;
}

/**
 * At a power of two the gap below is half the gap above, so the nearest p-digit decimal can fall
 * outside while the next one up (or down) is inside: look at both neighbours of each length.
 */
function shortestAtPowerOfTwo(f: number): string {
  for (let p = 1; p <= 9; p++) {
    const e = f.toExponential(p - 1); // the nearest p-digit decimal
    if (roundTrips(e, f)) return evenOnTie(e, p, f);
    const { sign, digits, exp } = parts(e);
    const hits = [digits + 1n, digits - 1n]
      .filter((d) => d > 0n)
      .map((d) => `${sign}${d}e${exp}`)
      .filter((s) => roundTrips(s, f));
    // At most one hits: the interval is one range, so both inside would put the nearest inside too.
    if (hits.length > 0) return hits[0]!;
  }
  return f.toPrecision(9);
}

/** Powers of ten that are exact float64s (10^0 … 10^22). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * The nearest p-digit decimal to x > 0, as the float64 nearest to it (what Number() of its string
 * gives), or NaN where the arithmetic would not be exact. x·10^q is rounded once, so a product that
 * lands on .5 by rounding (x within ~1e-16 of halfway) may pick the other neighbour: the caller only
 * keeps a candidate that round-trips, so the answer is still the same float32.
 */
function nearestDigits(x: number, e10: number, p: number): number {
  const q = p - 1 - e10;
  if (q >= 0) return q <= 22 ? Math.round(x * POW10[q]!) / POW10[q]! : Number.NaN;
  return -q <= 22 ? Math.round(x / POW10[-q]!) * POW10[-q]! : Number.NaN;
}

/** Float32's shortest decimal of x > 0 by arithmetic (no strings): NaN where it does not apply. */
function shortestByArithmetic(x: number, w: number): number {
  // The decimal exponent from the binary one (Math.log10 costs more than the rest): 2^e2 ≤ x < 2^(e2+1),
  // so floor(e2·log10 2) is the exponent or one less.
  let e10 = Math.floor((((w >>> 23) & 0xff) - 127) * Math.LOG10E * Math.LN2);
  if (e10 < -13 || e10 > 21) return Number.NaN;
  if (e10 + 1 >= 0 ? x >= POW10[e10 + 1]! : x * POW10[-(e10 + 1)]! >= 1) e10++;
  // Round-trips at p is monotone in p here (symmetric interval): most float32s need 7–9 digits.
  let r = nearestDigits(x, e10, 7);
  if (Math.fround(r) === x) {
    for (let p = 6; p >= 1; p--) {
      const t = nearestDigits(x, e10, p);
      if (Math.fround(t) !== x) break;
      r = t;
    }
    return r;
  }
  r = nearestDigits(x, e10, 8);
  if (Math.fround(r) === x) return r;
  r = nearestDigits(x, e10, 9);
  return Math.fround(r) === x ? r : Number.NaN;
}

/** The same by strings (toPrecision): for tiny and huge values, and to settle ties. */
function shortestByStrings(f: number): string {
  let s = f.toPrecision(7);
  if (roundTrips(s, f)) {
    let p7 = 7;
    for (let p = 6; p >= 1; p--) {
      const t = f.toPrecision(p);
      if (!roundTrips(t, f)) break;
      s = t;
      p7 = p;
    }
    return evenOnTie(s, p7, f);
  }
  s = f.toPrecision(8);
  return roundTrips(s, f) ? evenOnTie(s, 8, f) : evenOnTie(f.toPrecision(9), 9, f);
}

const powersOfTwo = new Map<number, number>();

/** Values that can sit exactly halfway between two short decimals (see evenOnTie). */
const mayTie = (x: number): boolean => x < 1e10 && Number.isInteger(x * 16384);

/**
 * `v` as a float32 (Math.fround), returned as the float64 whose JavaScript (and so JSON.stringify)
 * form is float32's shortest round-tripping decimal: `Math.fround(result) === Math.fround(v)`, so
 * the number a client parses is the same float32 gRPC carries. Non-finite values, and finite ones
 * beyond float32's range, come back unchanged (JSON.stringify prints them as before); so does -0.
 */
export function float32Shortest(v: number): number {
  const f = Math.fround(v);
  if (f === 0 || !Number.isFinite(f)) return Number.isFinite(f) ? f : v;
  const w = bitsOf(f);
  if (isPowerOfTwo(w)) {
    // At most 508 of them (±2^-126 … ±2^127), and common in answers (1, 0.5): each worked out once.
    let r = powersOfTwo.get(f);
    if (r === undefined) powersOfTwo.set(f, (r = Number(shortestAtPowerOfTwo(f))));
    return r;
  }
  const x = Math.abs(f);
  if (!mayTie(x)) {
    const r = shortestByArithmetic(x, w);
    if (r === r) return f < 0 ? -r : r;
  }
  return Number(shortestByStrings(f));
}
