import { baseEmbedderRef } from '../../domain/base-embedder-ref.js';
import type { ModelVersion } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import { isJsonObject } from '../../domain/json.js';
import { Outcome, Stopped } from '../../domain/outcome.js';
import { Code } from '../../domain/status-codes.js';
import { baseEmbedModelRef } from '../../domain/system-app.js';
import { deserializeModel, type LinearModel, predict, serializeModel } from '../../ml/classifier/model.js';
import { trainAsync } from '../../ml/classifier/train.js';
import type { Embedder } from '../../ml/embedders/embedder.js';
import type { ArtifactStore } from '../../ports/artifacts.js';
import type { EvaluateCall, EvaluationResult, ModelPlugin, PredictOutcome, TrainCall, TrainResult } from '../../ports/plugins.js';
import type { TrainingDataSource, TrainingSelection } from '../../ports/training-data.js';
import { BoundedMap } from '../../runtime/bounded-map.js';
import { baseEmbedder, chosenByData, embedderIdsByKind, embedEach, kindMismatch, vectorSource } from '../embedding.js';
import { isUploaded, type UploadedBase } from '../onnx/base-embedders.js';
import { evaluateClassifier } from './evaluate.js';
import { evaluateOnDataset } from './evaluate-dataset.js';
import { buildTrainingSet, failureOf } from './labels.js';
import { classifierSettings } from './params.js';

export interface ClassifierDeps {
  embedders: ReadonlyMap<string, Embedder>;
  artifacts: ArtifactStore;
  trainingData: TrainingDataSource;
  /** embedding-classifier versions based on an uploaded embedder (decision 0040); without it, only built-in bases. */
  uploadedBase?: UploadedBase;
}

/** Loss-curve lines in the training log at most (long runs are sampled; the last epoch is always kept). */
const LOSS_LINES = 50;

/** Trained versions never change, so their deserialised weights can be kept; a small LRU bounds memory. */
class ModelCache {
  readonly #map: BoundedMap<string, LinearModel>;
  constructor(max = 32) {
    this.#map = new BoundedMap(max, true);
  }
  async get(pk: string, load: () => Promise<LinearModel | undefined>): Promise<LinearModel | undefined> {
    const hit = this.#map.get(pk);
    if (hit) return hit;
    const m = await load();
    if (m) this.#map.set(pk, m);
    return m;
  }
}

/** What training says about vectors it computed (an uploaded embedder's: never stored, decision 0040). */
function logComputed(call: TrainCall, e: Embedder, sel: TrainingSelection, ms: number): void {
  const n = sel.examples.length;
  call.log(
    `embedded ${n} input${n === 1 ? '' : 's'} with the uploaded embedder ${e.id} (${e.dim} numbers each, computed for this training, not stored) in ${ms} ms`,
  );
  if (sel.unembedded) call.log(`warning: ${sel.unembedded} input${sel.unembedded === 1 ? '' : 's'} could not be embedded by ${e.id} (skipped)`);
}

/**
 * embedding-classifier, text-classifier and visual-classifier: the same light linear head
 * (softmax when concepts_mutually_exclusive, one-vs-rest logistic regressions otherwise) on the
 * vectors of a built-in embedder. They differ only in which embedder: `input_info.base_embed_model`
 * for embedding-classifier, fixed for the other two.
 */
export function classifierPlugin(typeId: string, deps: ClassifierDeps, fixedEmbedderId?: string): ModelPlugin {
  const cache = new ModelCache();
  /** The version's trained head, as prediction and held-out evaluation both use it. */
  const loadModel = (versionPk: string): Promise<LinearModel | undefined> =>
    cache.get(versionPk, async () => {
      const bytes = await deps.artifacts.get(versionPk);
      return bytes && deserializeModel(bytes);
    });
  const builtInIds = [...deps.embedders.keys()];
  const uploadedBase = (v: ModelVersion): boolean =>
    !fixedEmbedderId && baseEmbedderRef(v.inputInfo, { userId: v.userId, appId: v.appId }, builtInIds).kind !== 'built-in';
  const embedderOf = async (v: ModelVersion): Promise<Embedder | string> => {
    if (fixedEmbedderId) return deps.embedders.get(fixedEmbedderId) ?? `the built-in embedder ${fixedEmbedderId} is not available`;
    return (await deps.uploadedBase?.(v)) ?? baseEmbedder(v, deps.embedders);
  };
  const embedderOrThrow = async (v: ModelVersion): Promise<Embedder> => {
    const e = await embedderOf(v);
    if (typeof e === 'string') throw new ApiError(Code.MODEL_INVALID_ARGUMENT, `Model version '${v.id}' cannot predict: ${e}.`);
    return e;
  };

  return {
    typeId,
    inputKind: async (v) => (await embedderOrThrow(v)).kind,
    // An uploaded base is known only once loaded; this synchronous answer names built-ins only.
    embedderId: (v) => {
      if (uploadedBase(v)) return undefined;
      const e = fixedEmbedderId ? deps.embedders.get(fixedEmbedderId) : baseEmbedder(v, deps.embedders);
      return typeof e === 'string' ? undefined : e?.id;
    },

    async train(call: TrainCall): Promise<TrainResult> {
      const { version } = call;
      const s = classifierSettings(version, call.type);
      // embedding-classifier without input_info.base_embed_model: the training inputs' kind picks it.
      const followsData = !fixedEmbedderId && !isJsonObject(version.inputInfo.base_embed_model);
      const named = followsData ? undefined : await embedderOf(version);
      if (typeof named === 'string') throw new Outcome(uploadedBase(version) ? Code.MODEL_INVALID_ARGUMENT : Code.MODEL_TRAINING_INVALID_PARAMS, named);
      const conceptIds = version.concepts.map((c) => c.id);
      if (s.mutuallyExclusive && conceptIds.length < 2) {
        throw failureOf({
          kind: 'single-class-exclusive',
          message: `concepts_mutually_exclusive is true but the version has only the concept ${conceptIds.join('')}`,
        });
      }
      if (s.ignored.length > 0)
        call.log(`note: ${s.ignored.join(', ')} have no effect here: features are the embeddings computed when the inputs were uploaded`);
      const where = s.datasetVersionId ? `dataset version '${s.datasetVersionId}'` : s.datasetId ? `dataset '${s.datasetId}'` : `app '${version.appId}'`;
      let selection;
      const collectStarted = Date.now();
      try {
        selection = await deps.trainingData.collect({
          userId: version.userId,
          appId: version.appId,
          ...(named ? vectorSource(named) : { embedderId: embedderIdsByKind(deps.embedders) }),
          conceptIds,
          enrich: s.enrich,
          ...(s.datasetId ? { datasetId: s.datasetId } : {}),
          ...(s.datasetVersionId ? { datasetVersionId: s.datasetVersionId } : {}),
        });
      } catch (e) {
        if (e instanceof ApiError) throw new Outcome(Code.MODEL_TRAINING_INVALID_PARAMS, e.details);
        throw e;
      }
      if (named?.stored === false) logComputed(call, named, selection, Date.now() - collectStarted);
      const embedder = named ?? chosenByData(selection, conceptIds, deps.embedders);
      if (followsData)
        call.log(
          `base model: ${embedder.id} (input_info.base_embed_model is not set and the training inputs are ${embedder.kind === 'image' ? 'images' : 'text'})`,
        );
      // Only enrichment negatives left: the labelled inputs were all unusable, say why.
      if (selection.examples.every((e) => e.enriched === true)) {
        const mismatch = kindMismatch(selection, embedder, fixedEmbedderId ? typeId : undefined);
        // An uploaded base is the version's explicit choice: the data contradicts the field (21202 naming it).
        if (mismatch) throw new Outcome(embedder.stored === false ? Code.MODEL_INVALID_ARGUMENT : Code.MODEL_TRAINING_NO_DATA, mismatch);
        // Enrichment negatives alone are no training data: at least one input must carry a label.
        if (selection.examples.length > 0)
          throw failureOf({ kind: 'no-data', message: `no processed input of ${where} is labelled with ${conceptIds.join(', ')}` });
      }
      call.log(
        `data: ${selection.examples.length} processed inputs of ${where} labelled with ${conceptIds.join(', ')}${s.enrich ? ' or, as negatives of every concept (enrich_dataset Automatic), with none of them' : ''}${selection.pending ? `; ${selection.pending} still processing (not used)` : ''}${selection.failed ? `; ${selection.failed} failed processing (skipped)` : ''}`,
      );
      const set = buildTrainingSet(selection.examples, {
        conceptIds,
        mutuallyExclusive: s.mutuallyExclusive,
        failOnMissingPositives: s.failOnMissingPositives,
        dim: embedder.dim,
      });
      for (const w of set.warnings) call.log(`warning: ${w}`);
      for (const note of set.notes) call.log(`warning: ${note}`);
      call.log(`positives per concept: ${conceptIds.map((c, i) => `${c}=${set.positives[i]}`).join(', ')}`);
      call.log(
        `training ${set.mutuallyExclusive ? 'softmax (mutually exclusive)' : 'one-vs-rest logistic'} head on ${set.used} inputs x ${embedder.dim} ${embedder.id} features: num_epochs=${s.epochs} learning_rate=${s.learningRate} l2_regularization=${s.l2} batch_size=${s.batchSize} seed=${s.seed}`,
      );
      let model: LinearModel;
      try {
        model = await trainAsync(set.data, {
          k: conceptIds.length,
          mutuallyExclusive: set.mutuallyExclusive,
          epochs: s.epochs,
          learningRate: s.learningRate,
          l2: s.l2,
          batchSize: s.batchSize,
          seed: s.seed,
          timeoutMs: call.timeLeftMs(),
          onProgress: (fraction, loss) => call.progress(fraction, loss),
          shouldStop: () => call.shouldStop(),
        });
      } catch (e) {
        if (e instanceof Stopped && e.reason === 'cancelled') throw new Stopped();
        if (e instanceof Stopped)
          throw new Outcome(
            Code.MODEL_TRAINING_TIMED_OUT,
            `training did not finish within the time limit (output_config.training_timeout, in seconds); lower num_epochs or raise training_timeout, then create a new version.`,
          );
        throw e;
      }
      // num_epochs caps the solver's iterations (about one pass over the data each); it usually converges sooner.
      const epochs = model.lossCurve.length;
      if (epochs < s.epochs) call.log(`converged after ${epochs} of at most ${s.epochs} iterations`);
      const every = Math.ceil(epochs / LOSS_LINES);
      model.lossCurve.forEach((p, i) => {
        if (i % every === 0 || i === epochs - 1) call.log(`epoch ${p.epoch}/${epochs} loss ${p.loss.toFixed(6)}`);
      });
      return {
        artifact: serializeModel(model),
        totalInputCount: set.used,
        inputIds: set.usedIds,
        ...(set.notes.length > 0 ? { details: set.notes.join(' ') } : {}),
        ...(followsData ? { inputInfo: { ...version.inputInfo, base_embed_model: baseEmbedModelRef(embedder) } } : {}),
      };
    },

    evaluate: async (call: EvaluateCall): Promise<EvaluationResult> =>
      call.heldOut
        ? evaluateOnDataset(call, await embedderOf(call.version), deps.trainingData, (v) => loadModel(v.pk))
        : evaluateClassifier(call, await embedderOf(call.version), deps.trainingData),

    async exportPackage(version) {
      const model = await loadModel(version.pk);
      if (!model) throw new Error(`model version ${version.pk} is TRAINED but has no stored artifact`);
      const embedder = await embedderOrThrow(version);
      // The ONNX writer (onnx-proto, zip) loads on the first export, not at start-up.
      const { exportClassifier } = await import('./export.js');
      return exportClassifier(model, version, embedder, isUploaded(embedder) ? await embedder.package() : undefined);
    },

    async predict(call): Promise<PredictOutcome[]> {
      const { version } = call;
      const embedder = await embedderOrThrow(version);
      const model = await loadModel(version.pk);
      if (!model) throw new Error(`model version ${version.pk} is TRAINED but has no stored artifact`);
      if (model.d !== embedder.dim || model.k !== version.concepts.length) {
        throw new ApiError(
          Code.MODEL_INVALID_ARGUMENT,
          `Model version '${version.id}' was trained on ${model.d}-dimension features for ${model.k} concepts, which does not match its embedder ${embedder.id} (${embedder.dim}) or its ${version.concepts.length} concepts; train a new version.`,
        );
      }
      const vectors = await embedEach(embedder, call.inputs);
      const ok = vectors.filter((v): v is Float32Array => v instanceof Float32Array);
      const x = new Float32Array(ok.length * model.d);
      ok.forEach((v, i) => x.set(v, i * model.d));
      const scores = predict(model, x, ok.length);
      let row = 0;
      return vectors.map((v) => {
        if (!(v instanceof Float32Array)) return v;
        const r = row++;
        return { ok: true, data: { concepts: version.concepts.map((c, j) => ({ id: c.id, name: c.name, value: scores[r * model.k + j]! })) } };
      });
    },
  };
}
