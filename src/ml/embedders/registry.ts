// The built-in base models of the read-only `clarifai/main` app, keyed by model id.
// One instance per process: each model's weights are loaded (lazily) at most once.
import type { Embedder } from './embedder.js';
import { IMAGE_EMBEDDER_ID, MobileNetImageEmbedder } from './image-mobilenet.js';
import { PooledImageEmbedder } from './pooled-embedder.js';
import { PooledTextEmbedder } from './pooled-text-embedder.js';
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
 * embedder is a PooledImageEmbedder of its own (its threads start on the first image,
 * docs/decisions/0039) and the text embedder a PooledTextEmbedder (threads on the first batch of
 * 32k+ characters, smaller batches in-process, 0044); `close` ends both. With 0 threads both are the
 * process's shared in-process instances.
 */
export function serverEmbedders(inferenceThreads: number): ServerEmbedders {
  const shared = builtInEmbedders();
  if (inferenceThreads < 1) return { embedders: shared, close: async () => undefined };
  const image = new PooledImageEmbedder({ threads: inferenceThreads });
  const text = new PooledTextEmbedder({ threads: inferenceThreads });
  const pooled = new Map<string, Embedder>([
    [IMAGE_EMBEDDER_ID, image],
    [TEXT_EMBEDDER_ID, text],
  ]);
  const embedders = new Map<string, Embedder>([...shared].map(([id, e]) => [id, pooled.get(id) ?? e]));
  return { embedders, close: async () => void (await Promise.all([image.close(), text.close()])) };
}

export { IMAGE_EMBEDDER_ID, TEXT_EMBEDDER_ID };
