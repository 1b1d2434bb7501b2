import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { dot, EmbedInputError, embedSettled } from './embedder.js';
import { IMAGE_DIM, ImageDecodeError, MAX_IMAGE_PIXELS, MobileNetImageEmbedder } from './image-mobilenet.js';
import { builtInEmbedders, IMAGE_EMBEDDER_ID } from './registry.js';

const W = 160;
const H = 120;

/** A deterministic PRNG so the "noisy" image is the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Builds an RGB image from a per-pixel function, encoded as `format`. */
function draw(pixel: (x: number, y: number) => [number, number, number], format: 'png' | 'jpeg' | 'webp' | 'gif' = 'png'): Promise<Buffer> {
  const raw = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) raw.set(pixel(x, y), (y * W + x) * 3);
  }
  return sharp(raw, { raw: { width: W, height: H, channels: 3 } })
    .toFormat(format)
    .toBuffer();
}

const clamp = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));
/** Red with ±15 per-channel noise; two seeds give two different images with the same texture. */
function noisyRed(seed: number): Promise<Buffer> {
  const r = rng(seed);
  const jitter = (c: number): number => clamp(c + (r() - 0.5) * 30);
  return draw(() => [jitter(220), jitter(20), jitter(20)]);
}
const images = {
  red: () => draw(() => [220, 20, 20]),
  redShade: () => draw(() => [228, 28, 14]),
  redNoisy: () => noisyRed(7),
  redNoisy2: () => noisyRed(8),
  blue: () => draw(() => [20, 40, 220]),
  circle: () => draw((x, y) => ((x - 80) ** 2 + (y - 60) ** 2 < 45 ** 2 ? [30, 30, 30] : [240, 240, 240])),
  circleJpeg: () => draw((x, y) => ((x - 82) ** 2 + (y - 60) ** 2 < 44 ** 2 ? [35, 35, 35] : [235, 235, 235]), 'jpeg'),
  stripes: () => draw((x) => (Math.floor(x / 10) % 2 ? [30, 30, 30] : [240, 240, 240])),
};

describe('general-image-embedding (nsfwjs MobileNetV2, tfjs wasm)', () => {
  // chunk 4 (default 1) so that batches here really span several forward passes.
  const embedder = new MobileNetImageEmbedder({ chunk: 4 });
  const v: Record<keyof typeof images, Float32Array> = {} as never;

  before(async () => {
    const names = Object.keys(images) as Array<keyof typeof images>;
    const bytes = await Promise.all(names.map((n) => images[n]()));
    const start = performance.now();
    // Two concurrent first calls: they must share a single model load.
    assert.equal(embedder.load(), embedder.load());
    const [vectors] = await Promise.all([embedder.embed(bytes.map((imageBytes) => ({ imageBytes }))), embedder.embed([{ imageBytes: bytes[0]! }])]);
    console.log(`first embed (load + warm-up + ${names.length} images): ${Math.round(performance.now() - start)} ms`);
    names.forEach((n, i) => (v[n] = vectors[i]!));
  });

  it('returns one unit vector of dim 1280 per image', () => {
    for (const vec of Object.values(v)) {
      assert.equal(vec.length, IMAGE_DIM);
      assert.ok(Math.abs(Math.sqrt(dot(vec, vec)) - 1) < 1e-4);
      assert.ok(vec.every(Number.isFinite));
    }
  });

  it('puts near-identical images closer than different ones', () => {
    // The features encode texture and shape far more than colour (solid red vs solid blue ≈ 0.94,
    // while adding noise to red drops it to ≈ 0.35), so "near-identical" means same texture too.
    assert.ok(dot(v.red, v.redShade) > dot(v.red, v.blue), 'red ~ another red shade, not blue');
    assert.ok(dot(v.redNoisy, v.redNoisy2) > dot(v.redNoisy, v.blue), 'noisy red ~ other noisy red, not blue');
    assert.ok(dot(v.redNoisy, v.redNoisy2) > dot(v.redNoisy, v.stripes));
    assert.ok(dot(v.circle, v.circleJpeg) > dot(v.circle, v.stripes), 'circle ~ shifted jpeg circle, not stripes');
    assert.ok(dot(v.circle, v.circleJpeg) > dot(v.circle, v.red));
    assert.ok(dot(v.red, v.redShade) > 0.99);
  });

  it('gives the same vectors batched (across a chunk boundary) as one by one', async () => {
    const bytes = await Promise.all([images.red(), images.blue(), images.circle(), images.stripes(), images.redNoisy(), images.redShade()]);
    const batched = await embedder.embed(bytes.map((imageBytes) => ({ imageBytes })));
    for (let i = 0; i < bytes.length; i++) {
      const [single] = await embedder.embed([{ imageBytes: bytes[i]! }]);
      assert.ok(dot(batched[i]!, single!) > 0.9999, `image ${i}`);
    }
  });

  it('decodes common formats, greyscale, alpha and 16-bit images', async () => {
    const rgba = await sharp({ create: { width: 50, height: 30, channels: 4, background: { r: 0, g: 200, b: 0, alpha: 0.5 } } })
      .png()
      .toBuffer();
    const grey = await sharp(await images.circle())
      .greyscale()
      .png()
      .toBuffer();
    const deep = await sharp(await images.circle())
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    const inputs = await Promise.all([
      images.red().then((b) => sharp(b).webp().toBuffer()),
      images.stripes().then((b) => sharp(b).gif().toBuffer()),
      rgba,
      grey,
      deep,
    ]);
    const out = await embedder.embed(inputs.map((imageBytes) => ({ imageBytes })));
    assert.equal(out.length, inputs.length);
    assert.ok(dot(out[4]!, v.circle) > 0.99, '16-bit decodes like 8-bit');
  });

  it('throws ImageDecodeError naming the input for garbage, empty or missing bytes', async () => {
    const good = await images.red();
    for (const bad of [new TextEncoder().encode('definitely not an image'), new Uint8Array(0), good.subarray(0, 40), undefined]) {
      await assert.rejects(embedder.embed([{ imageBytes: good }, { imageBytes: bad, text: 'hi' }]), (err: unknown) => {
        assert.ok(err instanceof ImageDecodeError && err instanceof EmbedInputError);
        assert.equal(err.index, 1);
        assert.match(err.message, /input 1.*(JPEG, PNG|image bytes)/);
        return true;
      });
    }
    const settled = await embedSettled(embedder, [{ imageBytes: good }, { imageBytes: new Uint8Array([1, 2, 3]) }]);
    assert.deepEqual(
      settled.map((o) => o.ok),
      [true, false],
    );
    const failed = settled[1];
    assert.ok(failed && !failed.ok && failed.error instanceof ImageDecodeError, 'keeps the error class');
    assert.equal(failed.error.index, 1, 'positioned in the original batch, not the one-input retry');
    assert.match(failed.error.message, /^input 1: the image could not be decoded/);
    assert.doesNotMatch(failed.error.reason, /input/);
  });

  it('refuses an image over MAX_IMAGE_PIXELS before decoding it, naming the limit (a small PNG can hide a huge bitmap)', async () => {
    const bomb = await sharp({ create: { width: 8100, height: 8000, channels: 3, background: { r: 1, g: 2, b: 3 } } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    assert.ok(bomb.length < 1_000_000, `a ${bomb.length}-byte file`);
    await assert.rejects(embedder.embed([{ imageBytes: bomb }]), (err: unknown) => {
      assert.ok(err instanceof ImageDecodeError);
      assert.match(err.message, new RegExp(`more than ${MAX_IMAGE_PIXELS / 1e6} megapixels; send a smaller one`));
      return true;
    });
  });

  it('is registered under its model id', () => {
    const e = builtInEmbedders().get(IMAGE_EMBEDDER_ID);
    assert.equal(e?.kind, 'image');
    assert.equal(e?.dim, IMAGE_DIM);
  });
});
