import type { Model, ModelVersion } from '../domain/entities.js';
import type { JsonObject } from '../domain/json.js';
import type { ModelTypeDef } from '../domain/model-types/types.js';
import type { ScoredConcept } from '../domain/output-config.js';

/**
 * The plugin port: one implementation per model type (ARCHITECTURE habit 8). The predict service
 * and the training job know model types only through this interface.
 */

/** What each input must carry for a version; the service decodes only that part of `data`. */
export type InputKind = 'text' | 'image' | 'concepts' | 'any';

/** One request input, decoded for the plugin: only the field its InputKind asks for is set. */
export interface PredictInput {
  text?: string;
  imageBytes?: Uint8Array;
  concepts?: ScoredConcept[];
  /** The input's `data` as sent (pass-through operators return it). */
  data: JsonObject;
}

export interface PredictedData {
  /** Raw scores; the service applies the output config (select_concepts, min_value, sort, max_concepts). */
  concepts?: ScoredConcept[];
  embeddings?: Float32Array[];
  clusters?: { id: string; score: number }[];
  /** The input's data, passed on unchanged (random-sample). */
  passthrough?: JsonObject;
}

/** Per input: a result, or the input's own fault with a Clarifai input status (e.g. 30002). */
export type PredictOutcome = { ok: true; data: PredictedData } | { ok: false; code: number; details: string };

export interface PredictCall {
  model: Model;
  version: ModelVersion;
  /** Effective `output_info.params`: the version's, overlaid by the request's. */
  params: JsonObject;
  inputs: PredictInput[];
}

export interface TrainCall {
  version: ModelVersion;
  type: ModelTypeDef;
  /** Appends a line to the version's training log. */
  log(line: string): void;
  /** Reports progress (0..1 of the training work) and, when known, the running loss. */
  progress(fraction: number, loss?: number): void;
  /** True once the job was cancelled or lost: stop at the next chance and throw Stopped. */
  shouldStop(): boolean;
  /** Milliseconds left of the training timeout; past it, throw an Outcome 21113. */
  timeLeftMs(): number;
}

export interface TrainResult {
  /** Stored through the ArtifactStore with the version's TRAINED status, in one transaction. */
  artifact: Uint8Array;
  /** Inputs that trained the version (`total_input_count`). */
  totalInputCount: number;
  /** What the TRAINED version's status.details says, e.g. the concepts it had no positive examples for. */
  details?: string;
  /** The version's input_info once training chose its base model (embedding-classifier without one). */
  inputInfo?: JsonObject;
  /** Ids of those inputs, recorded with the TRAINED status (ListModelInputs); absent for types that learn from no inputs. */
  inputIds?: string[];
}

export interface HeldOutDataset {
  datasetId: string;
  datasetVersionId?: string;
}

export interface EvaluateCall {
  version: ModelVersion;
  type: ModelTypeDef;
  /** Folds of the cross-validation (2–10); unused with `heldOut`. */
  numFolds: number;
  /** Evaluate on this dataset (version) instead of cross-validating: the trained version scores its inputs (decision 0020). */
  heldOut?: HeldOutDataset;
  /** Reports progress (0..1 of the evaluation work). */
  progress(fraction: number): void;
  /** True once the job was cancelled or lost: stop at the next chance and throw Stopped. */
  shouldStop(): boolean;
  /** Milliseconds left of the evaluation's time limit; past it, throw an Outcome 21310. */
  timeLeftMs(): number;
}

/** Out-of-sample scores of a version's training data, for the metrics (ml/evaluation/metrics.ts). */
export interface EvaluationResult {
  /** The version's concepts, in label-column order. */
  conceptIds: string[];
  /** The input id of each row. */
  inputIds: string[];
  n: number;
  k: number;
  /** n × k labels: 1 positive, 0 negative, anything else unknown. */
  labels: Uint8Array;
  /** n × k scores, each row from the model that did not train on it. */
  scores: Float32Array;
  mutuallyExclusive: boolean;
  /** Folds actually used (at most the number of labelled inputs); 0 for a held-out evaluation. */
  numFolds: number;
  /** Folds asked for (eval_info.params.num_folds or the default). */
  requestedFolds: number;
  /** Every fold held out one input. */
  leaveOneOut: boolean;
  seed: number;
  /** Set when the scores come from the trained version on this dataset, not from folds. */
  heldOut?: HeldOutDataset;
}

export interface ModelPlugin {
  readonly typeId: string;
  /** A promise where finding out needs a load (an uploaded package). */
  inputKind(version: ModelVersion, model: Model): InputKind | Promise<InputKind>;
  /** The built-in embedder a version's inputs go through (undefined: none, e.g. concept operators). */
  embedderId(version: ModelVersion, model: Model): string | undefined;
  /** Trainable types only; operators are TRAINED when created. */
  train?(call: TrainCall): Promise<TrainResult>;
  /** One outcome per input, in order. Throws ApiError for problems of the whole request. */
  predict(call: PredictCall): Promise<PredictOutcome[]>;
  /** Types that can be evaluated (concept classifiers): cross-validation on the version's training data. */
  evaluate?(call: EvaluateCall): Promise<EvaluationResult>;
  /**
   * Types whose trained versions export (decision 0041): the version as a package our upload takes
   * (a zip of model.onnx and config.json). Throws ApiError when this version cannot be.
   */
  exportPackage?(version: ModelVersion, model: Model): Promise<Uint8Array>;
}

/**
 * Runs the versions made from an uploaded package (runtime 'onnx', decision 0036): predicts like a
 * plugin, whatever the model's type, and checks a package before its version may become TRAINED.
 */
export interface PackageRuntime extends ModelPlugin {
  /**
   * Loads the version's package and checks that it runs as its config says (the graph loads, names
   * and sizes match, a probe input runs, a base embedder gives the input size). Resolves with what
   * the TRAINED status says; throws an Outcome (21108) naming what does not match.
   */
  check(version: ModelVersion, model: Model): Promise<string>;
}

/** How the services find the plugin of a model type (implemented by plugins/registry.ts; the services never see the plugins' code). */
export interface PluginLookup {
  get(typeId: string): ModelPlugin | undefined;
  /** What runs this version: its type's plugin, or the package runtime for an uploaded version. */
  forVersion(model: Model, version: ModelVersion): ModelPlugin | undefined;
  typeIds(): string[];
}
