// The built-in base models of the read-only `clarifai/main` app, keyed by model id.
// One instance per process: each model's weights are loaded (lazily) at most once.
import type { Embedder } from './embedder.js';
import { IMAGE_EMBEDDER_ID, MobileNetImageEmbedder } from './image-mobilenet.js';
import { HashingTextEmbedder, TEXT_EMBEDDER_ID } from './text-hashing.js';

let builtIns: ReadonlyMap<string, Embedder> | undefined;

/** Cheap to call: constructing the embedders loads nothing; the first `embed` does. */
export function builtInEmbedders(): ReadonlyMap<string, Embedder> {
  builtIns ??= new Map<string, Embedder>([
    [TEXT_EMBEDDER_ID, new HashingTextEmbedder()],
    [IMAGE_EMBEDDER_ID, new MobileNetImageEmbedder()],
  ]);
  return builtIns;
}

export { IMAGE_EMBEDDER_ID, TEXT_EMBEDDER_ID };
