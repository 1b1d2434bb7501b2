// `general-image-embedding`: 1280-d MobileNetV2 features (the global-average-pool layer
// `flatten_1`) from the weights bundled inside the nsfwjs package, run with @tensorflow/tfjs on the
// WASM backend. Everything is read from node_modules on disk; nothing is fetched.
// The backbone was fine-tuned by nsfwjs for 5 NSFW classes, but its pooled features stay generic.
import { createRequire } from 'node:module';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { mapLimit } from '../../runtime/map-limit.js';
import { type Embedder, type EmbedInput, l2normalise, lazy } from './embedder.js';
import { decodeRgb } from './image-decode.js';

export { ImageDecodeError, MAX_IMAGE_PIXELS } from './image-decode.js';

type TF = typeof import('@tensorflow/tfjs');
type LayersModel = import('@tensorflow/tfjs').LayersModel;
type Tensor = import('@tensorflow/tfjs').Tensor;
type WeightsManifest = import('@tensorflow/tfjs').io.WeightsManifestConfig;

export const IMAGE_EMBEDDER_ID = 'general-image-embedding';
export const IMAGE_DIM = 1280;
const SIZE = 224; // the network's input side
const FEATURE_LAYER = 'flatten_1';
/**
 * Images per forward pass. Measured here (README.md): batching the pass saves under 5% CPU per image
 * on the single-threaded WASM backend, while each extra image in a pass grows the WASM heap by ~35 MB
 * for good. So 1 by default; decoding is still done in parallel for the whole batch.
 */
const DEFAULT_CHUNK = 1;

interface Runtime {
  tf: TF;
  features: LayersModel;
}

const require = createRequire(import.meta.url);

// setWasmPaths must run once, before the wasm backend initialises; it is process-wide.
let backendReady: Promise<TF> | undefined;
function wasmBackend(): Promise<TF> {
  backendReady ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Point at the .wasm files inside the package so the backend reads them from disk, never over the network.
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    wasm.setWasmPaths(dist + path.sep);
    if (!(await tf.setBackend('wasm'))) throw new Error('the @tensorflow/tfjs WASM backend failed to initialise');
    await tf.ready();
    return tf;
  })().catch((err: unknown) => {
    backendReady = undefined;
    throw err;
  });
  return backendReady;
}

/** Loads the model from nsfwjs's bundled files: a JS module holding model.json and base64 weight shards. */
async function loadFeatureModel(tf: TF): Promise<LayersModel> {
  const { MobileNetV2Model: def } = await import('nsfwjs/models/mobilenet_v2');
  const modelJson = (await def.modelJson()).default;
  const shards = new Map<string, Uint8Array>();
  for (let i = 0; i < def.numOfWeightBundles; i++) {
    const bundle = def.weightBundles[i];
    if (!bundle) throw new Error(`nsfwjs MobileNetV2 is missing weight bundle ${i + 1}`);
    shards.set(`group1-shard${i + 1}of${def.numOfWeightBundles}`, Buffer.from((await bundle()).default, 'base64'));
  }
  const manifest: WeightsManifest = modelJson.weightsManifest ?? [];
  const parts = manifest.flatMap((group) =>
    group.paths.map((p) => {
      const shard = shards.get(p);
      if (!shard) throw new Error(`nsfwjs MobileNetV2 weight shard ${p} not found`);
      return shard;
    }),
  );
  const weightData = new Uint8Array(Buffer.concat(parts)).buffer;
  const base = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: manifest.flatMap((group) => group.weights),
      weightData,
    }),
  );
  return tf.model({ inputs: base.inputs, outputs: base.getLayer(FEATURE_LAYER).output });
}

/** Full-resolution decodes of one batch in flight at once: each holds its whole bitmap until resized. */
export const DECODE_CONCURRENCY = 4;

export class MobileNetImageEmbedder implements Embedder {
  readonly id = IMAGE_EMBEDDER_ID;
  readonly kind = 'image' as const;
  readonly dim = IMAGE_DIM;
  private readonly chunk: number;

  constructor(options: { chunk?: number } = {}) {
    this.chunk = Math.max(1, options.chunk ?? DEFAULT_CHUNK);
  }

  /** Loads the backend and model once (concurrent callers share it) and runs one warm-up pass. */
  readonly load = lazy(async (): Promise<Runtime> => {
    const tf = await wasmBackend();
    const features = await loadFeatureModel(tf);
    // The first pass at a batch size is ~3× slower (the WASM heap grows); pay it here, not on a request.
    tf.tidy(() => (features.predict(tf.zeros([this.chunk, SIZE, SIZE, 3])) as Tensor).dataSync());
    return { tf, features };
  });

  async embed(batch: EmbedInput[]): Promise<Float32Array[]> {
    if (batch.length === 0) return [];
    // Decode before loading the model, so bad bytes fail fast and without the load cost.
    return this.embedPixels(await decodeBatch(batch));
  }

  /**
   * The forward passes over decoded 224×224 RGB images (`decodeBatch`), one unit vector each. The
   * worker threads of the inference pool (image-worker.ts) run exactly this.
   */
  async embedPixels(pixels: readonly Uint8Array[]): Promise<Float32Array[]> {
    const { tf, features } = await this.load();
    const out: Float32Array[] = [];
    for (let start = 0; start < pixels.length; start += this.chunk) {
      if (start > 0) await nextTurn(); // a forward pass blocks the event loop; let requests through between chunks
      const group = pixels.slice(start, start + this.chunk);
      const input = new Float32Array(group.length * SIZE * SIZE * 3);
      group.forEach((px, g) => {
        const offset = g * px.length;
        for (let j = 0; j < px.length; j++) input[offset + j] = px[j]! / 255; // nsfwjs scales to [0, 1]
      });
      const flat = tf.tidy(() => {
        const x = tf.tensor4d(input, [group.length, SIZE, SIZE, 3]);
        return (features.predict(x) as Tensor).dataSync() as Float32Array;
      });
      for (let g = 0; g < group.length; g++) out.push(l2normalise(flat.slice(g * IMAGE_DIM, (g + 1) * IMAGE_DIM)));
    }
    return out;
  }
}

/** One image → the network's input pixels (224×224 RGB bytes); an ImageDecodeError names it by `index`. */
export const decodeForNetwork = (input: EmbedInput, index: number): Promise<Uint8Array> => decodeRgb(input.imageBytes, SIZE, SIZE, index);

/** A batch's images → the network's input pixels, DECODE_CONCURRENCY decodes at a time. */
export function decodeBatch(batch: readonly EmbedInput[]): Promise<Uint8Array[]> {
  return mapLimit(batch, DECODE_CONCURRENCY, decodeForNetwork);
}
