// Entry file of one inference-pool thread (pooled-embedder.ts): the built-in image embedder's
// forward pass, off the API's event loop. Each thread has its own module instances, so its own
// tfjs WASM backend (wasm paths set by wasmBackend in image-mobilenet.ts) and its own model, loaded
// once on the thread's first task and kept for the thread's life.
import { move } from 'piscina';
import { MobileNetImageEmbedder } from './image-mobilenet.js';

const embedder = new MobileNetImageEmbedder();

/** What the pool sends: `warm` loads the model; `pixels` is one decoded 224×224 RGB image. */
export type ImageTask = { warm: true } | { pixels: Uint8Array };

/** One task: the image's unit vector (its buffer moved back, not copied), or nothing for a warm-up. */
export default async function run(task: ImageTask): Promise<Float32Array | undefined> {
  if ('warm' in task) {
    await embedder.load();
    return undefined;
  }
  const [vector] = await embedder.embedPixels([task.pixels]);
  if (!vector) throw new Error('the image embedder returned no vector');
  return move(vector) as unknown as Float32Array;
}
