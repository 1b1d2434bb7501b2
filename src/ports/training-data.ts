/** One processed, labelled input as training code sees it. */
export interface LabelledExample {
  inputId: string;
  /** The input's embedding from the requested embedder (L2-normalised). */
  vector: Float32Array;
  /** Concept ids the input is labelled with value 1 … */
  positives: string[];
  /** … and with value 0 (explicit negatives). */
  negatives: string[];
  /** Not labelled with any of the concepts: a negative of each only by enrichment (`enrich`). */
  enriched?: boolean;
}

export interface TrainingDataQuery {
  userId: string;
  appId: string;
  /**
   * Embedder model id whose vectors to return (e.g. general-text-embedding), or one per input kind:
   * then the inputs' kind decides (all text → `text`, all images → `image`); a selection holding
   * both kinds returns no examples (`embedderId` '' and `kinds` says how many of each).
   */
  embedderId: string | { text: string; image: string };
  /** Only inputs labelled (positively or negatively) with at least one of these concepts. */
  conceptIds: string[];
  /**
   * embedding-classifier's `enrich_dataset: Automatic`: the other processed inputs of the same scope
   * (labelled with none of `conceptIds`) come too, as negatives of every concept.
   */
  enrich?: boolean;
  /**
   * Vectors computed from the inputs' text or image while collecting, instead of read from the store:
   * an uploaded base embedder, whose vectors input processing never stores (decision 0040). Only
   * inputs of its kind are embedded, a chunk at a time, so no more than a chunk's images are held.
   */
  compute?: VectorComputer;
  /** Restrict to a dataset's current inputs, or to a frozen dataset version. */
  datasetId?: string;
  datasetVersionId?: string;
}

export interface TrainingSelection {
  examples: LabelledExample[];
  /** Inputs of the selection still being processed (no embedding yet): training waits or reports it. */
  pending: number;
  /** Inputs of the selection that failed processing (skipped). */
  failed: number;
  /** Processed inputs of the selection by kind, whether or not they have a vector of the embedder. */
  kinds?: { text: number; image: number };
  /** Inputs of the computer's kind it could not embed (e.g. an image that no longer decodes); skipped. */
  unembedded?: number;
  /** The embedder whose vectors `examples` carry ('' when the kinds were mixed). */
  embedderId?: string;
}

/** See TrainingDataQuery.compute. */
export interface VectorComputer {
  kind: 'text' | 'image';
  /** One vector per content, in order; undefined for one it cannot embed. */
  embed(contents: { text?: string; imageBytes?: Uint8Array }[]): Promise<(Float32Array | undefined)[]>;
}

/** Where training (and knn-concept) get their data: the app's labelled, processed inputs. */
export interface TrainingDataSource {
  /** Throws ApiError 21202-style errors for an unknown dataset / dataset version. */
  collect(query: TrainingDataQuery): Promise<TrainingSelection>;
}
