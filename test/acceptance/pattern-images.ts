// The image acceptance set (test/acceptance/visual-classifier-accuracy.test.ts), also used by the
// calibration bench (bench/calibration.ts): stripes, checkerboards and polka dots drawn with sharp.
import sharp from 'sharp';
import type { Rng } from '../../src/ml/classifier/rng.js';

export const KINDS = ['stripes', 'checkerboard', 'dots'] as const;
export type Kind = (typeof KINDS)[number];
const SIZE = 160;
export const TRAIN_PER_CLASS = 24;
export const HELD_OUT_PER_CLASS = 8;

type Rgb = [number, number, number];

/** One PNG of the class: a dark/light colour pair (random, either way round), the pattern, Gaussian pixel noise. */
export async function drawImage(kind: Kind, rng: Rng): Promise<Buffer> {
  const dark = (): Rgb => [rng.int(110), rng.int(110), rng.int(110)];
  const light = (): Rgb => [145 + rng.int(111), 145 + rng.int(111), 145 + rng.int(111)];
  let fg = dark(),
    bg = light();
  if (rng.next() < 0.5) [fg, bg] = [bg, fg];
  const noise = 8 + rng.next() * 16;
  let inside: (x: number, y: number) => boolean;
  if (kind === 'stripes') {
    const period = SIZE / 10 + (rng.next() * SIZE) / 8;
    const angle = rng.next() * Math.PI;
    const phase = rng.next() * period;
    const c = Math.cos(angle),
      s = Math.sin(angle);
    inside = (x, y) => (((x * c + y * s + phase) % period) + period) % period < period / 2;
  } else if (kind === 'checkerboard') {
    const cell = SIZE / 14 + (rng.next() * SIZE) / 12;
    const ox = rng.next() * cell,
      oy = rng.next() * cell;
    inside = (x, y) => (Math.floor((x + ox) / cell) + Math.floor((y + oy) / cell)) % 2 === 0;
  } else {
    const dots = Array.from({ length: 6 + rng.int(10) }, () => ({ x: rng.next() * SIZE, y: rng.next() * SIZE, r: SIZE / 20 + (rng.next() * SIZE) / 14 }));
    inside = (x, y) => dots.some((d) => (x - d.x) ** 2 + (y - d.y) ** 2 <= d.r * d.r);
  }
  const px = Buffer.alloc(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const col = inside(x, y) ? fg : bg;
      const o = (y * SIZE + x) * 3;
      for (let ch = 0; ch < 3; ch++) px[o + ch] = Math.max(0, Math.min(255, Math.round(col[ch]! + noise * rng.normal())));
    }
  }
  return sharp(px, { raw: { width: SIZE, height: SIZE, channels: 3 } })
    .png()
    .toBuffer();
}

export async function drawSet(perClass: number, rng: Rng): Promise<{ png: Buffer; kind: Kind }[]> {
  const out: { png: Buffer; kind: Kind }[] = [];
  for (let i = 0; i < perClass; i++) for (const kind of KINDS) out.push({ png: await drawImage(kind, rng), kind });
  return out;
}
