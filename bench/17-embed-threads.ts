// #13 of issue 17 — image embedding throughput of the inference pool (decision 0039): 256 pattern
// images through PooledImageEmbedder with 2 worker threads, against the same embedder on one thread
// in-process (MobileNetImageEmbedder, the MODELKEEP_INFERENCE_THREADS=0 path). Both decode with sharp
// on this thread and run the same forward pass; the models are loaded (and warmed) before timing.
// Target: ≥ 1.7×. On a 2-core machine the ceiling is 2×, less whatever else runs.
import os from 'node:os';
import { createRng } from '../src/ml/classifier/rng.js';
import { MobileNetImageEmbedder } from '../src/ml/embedders/image-mobilenet.js';
import { PooledImageEmbedder } from '../src/ml/embedders/pooled-embedder.js';
import { drawImage, KINDS } from '../test/acceptance/pattern-images.js';
import { alternate, type Bench, type Row, verdict } from './lib/runner.js';

const THREADS = 2;

interface Timed {
  seconds: number;
  imagesPerSecond: number;
  /** CPU of this process (main thread + inference threads + sharp) over the wall time. */
  cores: number;
}

async function timeEmbed(embed: () => Promise<Float32Array[]>, n: number): Promise<Timed> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const vectors = await embed();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (vectors.length !== n || vectors.some((v) => v.length !== 1280)) throw new Error(`expected ${n} vectors of 1280, got ${vectors.length}`);
  return { seconds, imagesPerSecond: n / seconds, cores: (cpu.user + cpu.system) / 1e6 / seconds };
}

export const embedThreadsBench: Bench = {
  id: 'embed-threads',
  rows: '#13 (issue 17)',
  title: `image embedding throughput, ${THREADS} inference threads vs one thread in-process`,
  async run(ctx) {
    const n = ctx.smoke ? 8 : 256;
    const rng = createRng(13);
    const images = await Promise.all(Array.from({ length: n }, (_, i) => drawImage(KINDS[i % KINDS.length]!, rng)));
    const batch = images.map((imageBytes) => ({ imageBytes }));
    const inProcess = new MobileNetImageEmbedder();
    const pooled = new PooledImageEmbedder({ threads: THREADS });
    try {
      await inProcess.load();
      await pooled.warm();
      ctx.progress(`model loaded in-process and on ${THREADS} threads; ${n} images (160×160 PNG) per round, one batch`);
      const r = await alternate<Timed>(ctx, 'embed', {
        baseline: () => timeEmbed(() => inProcess.embed(batch), n),
        subject: () => timeEmbed(() => pooled.embed(batch), n),
        value: (m) => m.imagesPerSecond,
        show: (m) => `${m.imagesPerSecond.toFixed(1)} images/s (${m.seconds.toFixed(2)} s, ${m.cores.toFixed(2)} core)`,
      });
      const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;
      const row: Row = {
        id: '13',
        what: `image embedding throughput, ${n} images, ${THREADS} worker threads`,
        baseline: `${r.baselineMedian.toFixed(1)} images/s (one thread, in-process)`,
        subject: `${r.subjectMedian.toFixed(1)} images/s`,
        ratio: r.median,
        spread: r.spread,
        target: '≥ 1.7',
        verdict: verdict(r.median, '>=', 1.7),
        notes: [
          `CPU of the bench process: in-process ${med(r.baseline.map((m) => m.cores)).toFixed(2)} core, pooled ${med(r.subject.map((m) => m.cores)).toFixed(2)} core (median of rounds); ${os.availableParallelism()} cores, load average ${os
            .loadavg()
            .map((x) => x.toFixed(1))
            .join(' / ')}`,
        ],
        data: { images: n, threads: THREADS, baseline: r.baseline, subject: r.subject, ratios: r.ratios },
      };
      return [row];
    } finally {
      await pooled.close();
    }
  },
};
