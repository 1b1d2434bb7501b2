// The seeded vectors of bench 19 and their brute-force neighbours: input i's vector is regenerated
// from i alone, so the bench can check the server's hits without keeping 512 MB of vectors.

export const DIM = 1280;
const CLUSTERS = 16;

/** A small, fixed PRNG (mulberry32), so every vector can be regenerated from its index. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CENTERS = Array.from({ length: CLUSTERS }, (_, k) => {
  const r = rng(1000 + k);
  return Float32Array.from({ length: DIM }, () => r() * 2 - 1);
});

/** Input i's unit vector: its cluster's centre plus noise, normalised (dot = cosine, as search assumes). */
export function vectorOf(i: number, out = new Float32Array(DIM)): Float32Array {
  const r = rng(i * 2654435761 + 17);
  const c = CENTERS[i % CLUSTERS]!;
  let norm = 0;
  for (let j = 0; j < DIM; j++) {
    const x = c[j]! + (r() * 2 - 1) * 1.5;
    out[j] = x;
    norm += x * x;
  }
  const s = 1 / Math.sqrt(norm);
  for (let j = 0; j < DIM; j++) out[j]! *= s;
  return out;
}

/**
 * For each query input, the indexes of the `k` inputs among 0..n-1 with the highest cosine to it
 * (ties by index, as the server breaks them by input id of the same zero-padded index), in one pass
 * that regenerates each vector once.
 */
export function bruteForceTops(n: number, queries: number[], k: number): number[][] {
  const qv = queries.map((q) => vectorOf(q));
  const buf = new Float32Array(DIM);
  const tops = queries.map(() => [] as { i: number; s: number }[]);
  for (let i = 0; i < n; i++) {
    const v = vectorOf(i, buf);
    for (let qi = 0; qi < queries.length; qi++) {
      const q = qv[qi]!;
      let s = 0;
      for (let j = 0; j < DIM; j++) s += v[j]! * q[j]!;
      const top = tops[qi]!;
      if (top.length < k || s > top[top.length - 1]!.s) {
        top.push({ i, s });
        top.sort((a, b) => b.s - a.s || a.i - b.i);
        if (top.length > k) top.pop();
      }
    }
  }
  return tops.map((t) => t.map((x) => x.i));
}
