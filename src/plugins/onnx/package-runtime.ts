import type { Model, ModelVersion } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import { Outcome } from '../../domain/outcome.js';
import { Code } from '../../domain/status-codes.js';
import { defaultEmbedderKind } from '../../domain/upload-rules.js';
import { type Embedder, EmbedInputError, l2normalise } from '../../ml/embedders/embedder.js';
import { decodeRgb } from '../../ml/embedders/image-decode.js';
import { ModelCache } from '../../ml/onnx/model-cache.js';
import { loadOnnxModel, type ModelRow, type OnnxModel } from '../../ml/onnx/onnx-model.js';
import { decodePackage, type StoredPackage } from '../../ml/onnx/package-blob.js';
import { declaredOutputSize, type OnnxInputConfig, type OnnxPackageConfig, PackageConfigError } from '../../ml/onnx/package-config.js';
import { loadTokenizer, type TextTokenizer } from '../../ml/onnx/package-tokenizer.js';
import type { ArtifactStore } from '../../ports/artifacts.js';
import type { InputKind, PackageRuntime, PredictInput, PredictOutcome } from '../../ports/plugins.js';
import { baseEmbedder, embedEach } from '../embedding.js';

export interface PackageRuntimeDeps {
  artifacts: ArtifactStore;
  embedders: ReadonlyMap<string, Embedder>;
  /** Loaded models kept per process (MODELKEEP_MODEL_CACHE_MB), in bytes of their packages. */
  cacheBytes: number;
  /**
   * Opens a session (the load check included): on the inference threads when the server has them
   * (ml/onnx/onnx-threads.ts), else in this thread (loadOnnxModel).
   */
  open?: (key: string, model: Uint8Array, config: OnnxPackageConfig) => Promise<OnnxModel>;
}

type Failure = PredictOutcome & { ok: false };

/** A version's session, and the tokenizer of a model that takes text. */
interface Loaded extends OnnxModel {
  tokenizer?: TextTokenizer;
}

export interface OnnxPackageRuntime extends PackageRuntime {
  /**
   * An uploaded embedder version as an Embedder (decision 0040): the package's embedding, L2-normalised
   * as the built-ins' vectors are, never stored (`stored: false`: training computes it). Throws ApiError
   * 21202 when the version does not load or gives no embedding.
   */
  embedderFor(model: Model, version: ModelVersion): Promise<Embedder>;
  /** The version's stored package (config, model.onnx, tokenizer), as uploaded and checked. */
  packageOf(version: ModelVersion): Promise<StoredPackage>;
}

/** Image bytes -> one input row as the config lays it out: scaled to 0–1, (x − mean) / std per channel. */
async function imageRow(cfg: Extract<OnnxInputConfig, { kind: 'image' }>, bytes: Uint8Array | undefined, index: number): Promise<Float32Array> {
  const rgb = await decodeRgb(bytes, cfg.width, cfg.height, index);
  const plane = cfg.width * cfg.height;
  const row = new Float32Array(plane * 3);
  const order = cfg.channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const src = order[c]!;
      const v = (rgb[p * 3 + src]! / 255 - cfg.mean[c]!) / cfg.std[c]!;
      row[cfg.layout === 'NCHW' ? c * plane + p : p * 3 + c] = v;
    }
  }
  return row;
}

/**
 * The runtime of uploaded versions (decision 0036): each version's package is loaded from the
 * artifacts on first use and kept in a per-process cache; predictions batch every input of a call
 * into one run, falling back to one run per input for graphs with a fixed batch size of 1.
 */
export function packageRuntime(deps: PackageRuntimeDeps): OnnxPackageRuntime {
  const cache = new ModelCache<Loaded>(deps.cacheBytes);
  const load = (version: ModelVersion): Promise<Loaded> =>
    cache.get(version.pk, async () => {
      const bytes = await deps.artifacts.get(version.pk);
      if (!bytes) throw new PackageConfigError('the version has no stored package');
      const pkg = decodePackage(bytes);
      const input = pkg.config.input;
      let tokenizer: TextTokenizer | undefined;
      if (input.kind === 'text') {
        if (!pkg.tokenizer) throw new PackageConfigError('the stored package has no tokenizer.json');
        tokenizer = await loadTokenizer(pkg.tokenizer, input.max_length);
      }
      const open = deps.open ?? ((_key: string, model: Uint8Array, config: OnnxPackageConfig) => loadOnnxModel(model, config));
      const model = await open(version.pk, pkg.model, pkg.config);
      return { value: { config: model.config, run: model.run, ...(tokenizer ? { tokenizer } : {}) }, bytes: bytes.length };
    });
  const loadForPredict = async (version: ModelVersion): Promise<Loaded> => {
    try {
      return await load(version);
    } catch (e) {
      if (e instanceof PackageConfigError) throw new ApiError(Code.MODEL_INVALID_ARGUMENT, `Model version '${version.id}' cannot predict: ${e.message}.`);
      throw e;
    }
  };
  /** The built-in embedder feeding a package that takes an embedding, or a problem sentence. */
  const embedderOf = (version: ModelVersion, model: Model): Embedder | string => {
    const kind = defaultEmbedderKind(model.modelTypeId);
    const fallback = kind ? [...deps.embedders.values()].find((e) => e.kind === kind)?.id : undefined;
    return baseEmbedder(version, deps.embedders, fallback);
  };

  const rowsOf = async (m: Loaded, version: ModelVersion, model: Model, inputs: readonly PredictInput[]): Promise<(ModelRow | Failure)[]> => {
    const input = m.config.input;
    if (input.kind === 'text') {
      const tokenizer = m.tokenizer!;
      return inputs.map((i): ModelRow | Failure =>
        typeof i.text === 'string' ? tokenizer.ids(i.text) : { ok: false, code: Code.INPUT_FAILED, details: 'this model takes text: send data.text.raw' },
      );
    }
    if (input.kind === 'image') {
      return Promise.all(
        inputs.map((i, k) =>
          imageRow(input, i.imageBytes, k).catch(
            (e: Error): Failure => ({ ok: false, code: Code.INPUT_FAILED, details: e.message.replace(/^input \d+: /, '') }),
          ),
        ),
      );
    }
    const e = embedderOf(version, model);
    if (typeof e === 'string') throw new ApiError(Code.MODEL_INVALID_ARGUMENT, `Model version '${version.id}' cannot predict: ${e}.`);
    return embedEach(e, inputs);
  };

  /** One run for the batch; per input when the graph refuses a batch (a fixed batch dimension of 1). */
  const run = async (m: OnnxModel, rows: ModelRow[]): Promise<(Float32Array | Failure)[]> => {
    try {
      return await m.run(rows);
    } catch (e) {
      if (rows.length === 1)
        return [{ ok: false, code: Code.INPUT_FAILED, details: `the uploaded model failed on this input: ${(e as Error).message.split('\n')[0]}` }];
    }
    const out: (Float32Array | Failure)[] = [];
    for (const r of rows) out.push(...(await run(m, [r])));
    return out;
  };

  const runtime: OnnxPackageRuntime = {
    typeId: 'onnx-package',
    async inputKind(version, model): Promise<InputKind> {
      const m = await loadForPredict(version);
      if (m.config.input.kind === 'image') return 'image';
      if (m.config.input.kind === 'text') return 'text';
      const e = embedderOf(version, model);
      if (typeof e === 'string') throw new ApiError(Code.MODEL_INVALID_ARGUMENT, `Model version '${version.id}' cannot predict: ${e}.`);
      return e.kind;
    },
    embedderId(version, model) {
      const e = embedderOf(version, model);
      return typeof e === 'string' ? undefined : e.id;
    },

    async predict({ model, version, inputs }) {
      const m = await loadForPredict(version);
      const rows = await rowsOf(m, version, model, inputs);
      const isRow = (r: ModelRow | Failure): r is ModelRow => r instanceof Float32Array || r instanceof Int32Array;
      const ready = rows.filter(isRow);
      const results = ready.length > 0 ? await run(m, ready) : [];
      let k = 0;
      const out = m.config.output;
      return rows.map((r): PredictOutcome => {
        if (!isRow(r)) return r;
        const res = results[k++]!;
        if (!(res instanceof Float32Array)) return res;
        if (out.kind === 'embedding') return { ok: true, data: { embeddings: [res] } };
        const names = new Map(version.concepts.map((c) => [c.id, c.name]));
        return { ok: true, data: { concepts: out.concepts.map((id, j) => ({ id, name: names.get(id) ?? id, value: res[j]! })) } };
      });
    },

    async check(version, model) {
      let m: Loaded;
      try {
        m = await load(version);
      } catch (e) {
        if (e instanceof PackageConfigError) throw new Outcome(Code.MODEL_BUILDING_FAILED, `${e.message}.`);
        throw e;
      }
      const { input, output } = m.config;
      let source: string;
      if (input.kind === 'image') source = `an image of ${input.width}×${input.height} (${input.layout}, ${input.channels})`;
      else if (input.kind === 'text')
        source = `text as the token ids of its tokenizer.json (at most ${input.max_length}, padded to ${input.padding === 'longest' ? 'the longest of a batch' : 'max_length'})`;
      else {
        const e = embedderOf(version, model);
        if (typeof e === 'string') throw new Outcome(Code.MODEL_BUILDING_FAILED, `${e}.`);
        if (e.dim !== input.size) {
          throw new Outcome(
            Code.MODEL_BUILDING_FAILED,
            `config says input '${input.name}' takes ${input.size} numbers, but its base embedder ${e.id} gives ${e.dim}; export the model for ${e.dim} inputs or set input_info.base_embed_model to an embedder of size ${input.size}.`,
          );
        }
        source = `the ${e.dim} numbers of ${e.id}`;
      }
      const gives = output.kind === 'concepts' ? `${declaredOutputSize(output)} concept scores (${output.activation})` : `an embedding of ${output.size}`;
      return `The uploaded ONNX model loaded and ran a probe input: it takes ${source} and gives ${gives}.`;
    },

    async packageOf(version) {
      const bytes = await deps.artifacts.get(version.pk);
      if (!bytes) throw new Error(`uploaded version ${version.pk} has no stored package`);
      return decodePackage(bytes);
    },

    async embedderFor(model, version) {
      const m = await loadForPredict(version);
      const out = m.config.output;
      if (out.kind !== 'embedding') throw new ApiError(Code.MODEL_INVALID_ARGUMENT, `Model version '${version.id}' of model '${model.id}' gives no embedding.`);
      const kind = (await runtime.inputKind(version, model)) === 'image' ? 'image' : 'text';
      return {
        id: `${model.id}@${version.id}`,
        dim: out.size,
        kind,
        stored: false,
        async embed(batch) {
          const outcomes = await runtime.predict({ model, version, params: {}, inputs: batch.map((b) => ({ ...b, data: {} })) });
          return outcomes.map((o, i) => {
            const v = o.ok ? o.data.embeddings?.[0] : undefined;
            if (!v) throw new EmbedInputError(o.ok ? 'the uploaded embedder gave no embedding' : o.details, i);
            return l2normalise(Float32Array.from(v));
          });
        },
      };
    },
  };
  return runtime;
}
