// The built-in base models of the read-only `clarifai/main` app, keyed by model id.
// One instance per process: each model's weights are loaded (lazily) at most once.
import type { Embedder } from './embedder.js';
import { IMAGE_EMBEDDER_ID, MobileNetImageEmbedder } from './image-mobilenet.js';
import { PooledImageEmbedder } from './pooled-embedder.js';
import { HashingTextEmbedder, TEXT_EMBEDDER_ID } from './text-hashing.js';

let builtIns: ReadonlyMap<string, Embedder> | undefined;

/** Cheap to call: constructing the embedders loads nothing; the first `embed` does. All of them run in-process. */
export function builtInEmbedders(): ReadonlyMap<string, Embedder> {
  builtIns ??= new Map<string, Embedder>([
    [TEXT_EMBEDDER_ID, new HashingTextEmbedder()],
    [IMAGE_EMBEDDER_ID, new MobileNetImageEmbedder()],
  ]);
  return builtIns;
}

export interface ServerEmbedders {
  embedders: ReadonlyMap<string, Embedder>;
  /** Ends the inference threads, if any (server shutdown); the in-process instances stay for the process. */
  close(): Promise<void>;
}

/**
 * The built-ins one server (or `modelkeep worker`) uses. With `inferenceThreads` ≥ 1 the image
 * embedder is a PooledImageEmbedder of its own: its threads start on the first image and end with
 * `close` (docs/decisions/0039). The text embedder (hashing, microseconds per text) and, with 0
 * threads, the image embedder too are the process's shared in-process instances.
 */
export function serverEmbedders(inferenceThreads: number): ServerEmbedders {
  const shared = builtInEmbedders();
  if (inferenceThreads < 1) return { embedders: shared, close: async () => undefined };
  const pooled = new PooledImageEmbedder({ threads: inferenceThreads });
  const embedders = new Map<string, Embedder>([...shared].map(([id, e]) => [id, id === IMAGE_EMBEDDER_ID ? pooled : e]));
  return { embedders, close: () => pooled.close() };
}

export { IMAGE_EMBEDDER_ID, TEXT_EMBEDDER_ID };
