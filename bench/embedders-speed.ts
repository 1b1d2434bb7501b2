// Measures the built-in embedders on this machine: `node --import tsx bench/embedders-speed.ts`
// (or `node dist/ml/embedders/bench.js` after `npm run build`: tsx itself adds ~80 MB of RSS).
// Image first, so its RSS is not inflated by the text loop's garbage. Prints load time, throughput and RSS; the numbers quoted in README.md come from here.
import sharp from 'sharp';
import { MobileNetImageEmbedder } from '../src/ml/embedders/image-mobilenet.js';
import { HashingTextEmbedder } from '../src/ml/embedders/text-hashing.js';

const mb = (): string => `${Math.round(process.memoryUsage().rss / 1e6)} MB`;
/** Wall and CPU milliseconds: on a shared machine CPU time is the steadier of the two. */
const time = async <T>(fn: () => Promise<T>): Promise<[T, number, number]> => {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const out = await fn();
  const used = process.cpuUsage(cpu);
  return [out, performance.now() - start, (used.user + used.system) / 1000];
};

console.log(`rss at start: ${mb()}`);

// BENCH_CHUNK=n tries another images-per-forward-pass setting.
const image = new MobileNetImageEmbedder(process.env.BENCH_CHUNK ? { chunk: Number(process.env.BENCH_CHUNK) } : {});
const [, loadMs, loadCpu] = await time(() => image.load());
console.log(`image: load + warm-up ${Math.round(loadMs)} ms (cpu ${Math.round(loadCpu)} ms), rss after load ${mb()}`);

const photos = await Promise.all(
  Array.from({ length: 16 }, (_, i) =>
    sharp({ create: { width: 640, height: 480, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 40 + i * 10, sigma: 30 } } })
      .jpeg()
      .toBuffer(),
  ),
);
const [, oneMs, oneCpu] = await time(async () => {
  for (const imageBytes of photos.slice(0, 8)) await image.embed([{ imageBytes }]);
});
console.log(`image: ${(oneMs / 8).toFixed(0)} ms/image (cpu ${(oneCpu / 8).toFixed(0)}) one at a time (640×480 JPEG, decode included)`);
for (let round = 0; round < 2; round++) {
  const [, batchMs, batchCpu] = await time(() => image.embed(photos.map((imageBytes) => ({ imageBytes }))));
  console.log(`image: ${(batchMs / photos.length).toFixed(0)} ms/image (cpu ${(batchCpu / photos.length).toFixed(0)}) in a batch of ${photos.length}`);
}
console.log(`rss after image inference: ${mb()}`);

const text = new HashingTextEmbedder();
const sentences = Array.from({ length: 20_000 }, (_, i) => ({
  text: `Review ${i}: the delivery was quick and the product works exactly as described, would buy again.`,
}));
await text.embed(sentences.slice(0, 1000));
// In slices, dropping the vectors: 20k × 2048 floats kept would be 164 MB of output, not embedder cost.
const [, textMs, textCpu] = await time(async () => {
  for (let i = 0; i < sentences.length; i += 500) await text.embed(sentences.slice(i, i + 500));
});
console.log(
  `text: ${Math.round(sentences.length / (textMs / 1000))} texts/s (cpu-bound: ${Math.round(sentences.length / (textCpu / 1000))}) (18 words each), rss ${mb()}`,
);
