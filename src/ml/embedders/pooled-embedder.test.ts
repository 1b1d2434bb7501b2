import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { drawImage, KINDS } from '../../../test/acceptance/pattern-images.js';
import { RetryLater } from '../../domain/errors.js';
import { createRng } from '../classifier/rng.js';
import { dot, embedSettled } from './embedder.js';
import { ImageDecodeError, MobileNetImageEmbedder } from './image-mobilenet.js';
import { imageWorkerFile, PooledImageEmbedder, QUEUED_IMAGES_PER_THREAD } from './pooled-embedder.js';
import { IMAGE_EMBEDDER_ID, serverEmbedders } from './registry.js';

// Issue 17 / decision 0039: the image embedder's forward passes on worker threads give the very
// vectors of the in-process path, and a full queue refuses new batches with 10030.

describe('PooledImageEmbedder (piscina worker threads)', () => {
  const pooled = new PooledImageEmbedder({ threads: 2, maxQueued: 6 });
  const inProcess = new MobileNetImageEmbedder();
  let images: Buffer[] = [];

  before(async () => {
    const rng = createRng(17);
    images = await Promise.all([...KINDS, ...KINDS].map((k) => drawImage(k, rng)));
  });
  after(() => pooled.close());

  it('runs from the .ts worker file under tsx', () => {
    assert.match(imageWorkerFile().pathname, /image-worker\.ts$/);
  });

  it('gives the in-process vectors, to 1e-5, in input order', async () => {
    const batch = images.map((imageBytes) => ({ imageBytes }));
    const [want, got] = await Promise.all([inProcess.embed(batch), pooled.embed(batch)]);
    assert.equal(got.length, images.length);
    for (let i = 0; i < images.length; i++) {
      let worst = 0;
      for (let j = 0; j < want[i]!.length; j++) worst = Math.max(worst, Math.abs(want[i]![j]! - got[i]![j]!));
      assert.ok(worst < 1e-5, `image ${i}: max difference ${worst}`);
      assert.ok(Math.abs(dot(got[i]!, got[i]!) - 1) < 1e-4, 'unit length');
    }
    // Different images really give different vectors (the comparison above is not of constants).
    assert.ok(dot(got[0]!, got[1]!) < 0.999);
    assert.equal(pooled.queued, 0, 'every accepted image is accounted for when done');
  });

  it('an undecodable image fails with the same ImageDecodeError and index as in-process', async () => {
    const batch = [{ imageBytes: images[0]! }, { imageBytes: new Uint8Array([1, 2, 3, 4]) }];
    const [want, got] = await Promise.all([embedSettled(inProcess, batch), embedSettled(pooled, batch)]);
    assert.equal(got[0]!.ok, true);
    assert.equal(got[1]!.ok, false);
    const [w, g] = [want[1]!, got[1]!];
    assert.ok(!w.ok && !g.ok && g.error instanceof ImageDecodeError);
    assert.equal(g.error.index, 1);
    assert.equal(g.error.message, w.error.message);
  });

  it('past maxQueued waiting images a new batch is refused whole with 10030 naming the setting; later it passes', async () => {
    const busy = pooled.embed(images.slice(0, 5).map((imageBytes) => ({ imageBytes })));
    assert.equal(pooled.queued, 5);
    await assert.rejects(
      pooled.embed([{ imageBytes: images[0]! }, { imageBytes: images[1]! }]),
      (e: unknown) =>
        e instanceof RetryLater &&
        e.code === 10030 &&
        e.retryAfterSeconds === 1 &&
        /5 images are waiting for its 2 inference threads and this request adds 2, over the limit of 6/.test(e.details) &&
        /MODELKEEP_INFERENCE_THREADS/.test(e.details),
    );
    assert.equal(pooled.queued, 5, 'the refused batch took no room');
    // One more image still fits.
    const [one] = await Promise.all([pooled.embed([{ imageBytes: images[5]! }]), busy]);
    assert.equal(one.length, 1);
    assert.equal(pooled.queued, 0);
    assert.equal((await pooled.embed([{ imageBytes: images[0]! }, { imageBytes: images[1]! }])).length, 2);
  });

  it('the default bound is QUEUED_IMAGES_PER_THREAD per thread', () => {
    assert.equal(new PooledImageEmbedder({ threads: 3 }).maxQueued, 3 * QUEUED_IMAGES_PER_THREAD);
  });

  it('after close, embedding answers 10030 instead of starting threads again', async () => {
    const p = new PooledImageEmbedder({ threads: 1 });
    assert.equal((await p.embed([{ imageBytes: images[2]! }])).length, 1);
    await p.close();
    await assert.rejects(p.embed([{ imageBytes: images[2]! }]), (e: unknown) => e instanceof RetryLater && e.code === 10030 && /stopping/.test(e.details));
  });
});

describe('PooledImageEmbedder.close with work in flight', () => {
  it('fails the images queued or decoding with 10030 at once and starts no thread again', async () => {
    const rng = createRng(5);
    const bytes = await drawImage('dots', rng);
    const p = new PooledImageEmbedder({ threads: 1 });
    await p.warm();
    const started = performance.now();
    // Handled from the start: it may fail before the assertion below is reached.
    const big = p.embed(Array.from({ length: 128 }, () => ({ imageBytes: bytes }))).then(
      () => undefined,
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 200));
    await p.close();
    const e = await big;
    assert.ok(e instanceof RetryLater && e.code === 10030 && /stopping/.test(e.details), String(e));
    // 128 forward passes take ≥ 9 s; the refusal comes without them.
    assert.ok(performance.now() - started < 5000, `took ${Math.round(performance.now() - started)} ms`);
    assert.equal(p.queued, 0);
  });
});

describe('serverEmbedders', () => {
  it('MODELKEEP_INFERENCE_THREADS ≥ 1: a pooled image embedder of its own; 0: the in-process instances', async () => {
    const pooled = serverEmbedders(2);
    const image = pooled.embedders.get(IMAGE_EMBEDDER_ID);
    assert.ok(image instanceof PooledImageEmbedder);
    assert.equal(image.threads, 2);
    await pooled.close();
    const inline = serverEmbedders(0);
    assert.ok(inline.embedders.get(IMAGE_EMBEDDER_ID) instanceof MobileNetImageEmbedder);
    await inline.close();
  });
});
