/**
 * An uploaded ONNX model, loaded with onnxruntime-node on CPU (decision 0036).
 * `loadOnnxModel` is the check an upload must pass to become TRAINED: the graph parses, the
 * config's input and output names exist, and a probe input runs and gives the declared size.
 * onnxruntime-node (its native library, ~13 MB resident) is imported by the first load, not at start-up.
 */
import type * as Ort from 'onnxruntime-node';
import { declaredOutputSize, type OnnxPackageConfig, PackageConfigError } from './package-config.js';

/** One input as the graph takes it: numbers (an embedding, an image tensor), or a text's token ids. */
export type ModelRow = Float32Array | Int32Array;

export interface OnnxModel {
  config: OnnxPackageConfig;
  /** One row of scores (activation applied) or of embedding values per input row. */
  run(rows: ModelRow[]): Promise<Float32Array[]>;
}

type TextInput = Extract<OnnxPackageConfig['input'], { kind: 'text' }>;

function inputShape(config: OnnxPackageConfig, n: number): number[] {
  const i = config.input;
  if (i.kind === 'text') return [n, i.max_length];
  if (i.kind === 'embedding') return [n, i.size];
  return i.layout === 'NCHW' ? [n, 3, i.height, i.width] : [n, i.height, i.width, 3];
}

function rowLength(config: OnnxPackageConfig): number {
  const s = inputShape(config, 1);
  return s.reduce((a, b) => a * b, 1);
}

/** The names the config feeds: the graph must take each of them, and nothing else. */
function fedNames(config: OnnxPackageConfig): string[] {
  const i = config.input;
  if (i.kind !== 'text') return [i.name];
  return [i.name, ...(i.attention_mask ? [i.attention_mask] : []), ...(i.token_type_ids ? [i.token_type_ids] : [])];
}

/** Token ids padded to one length ([N, L] int64), with the attention mask and zero type ids the config names. */
function textFeeds(Tensor: typeof Ort.Tensor, i: TextInput, rows: ModelRow[]): Record<string, Ort.Tensor> {
  const n = rows.length;
  const len = i.padding === 'max_length' ? i.max_length : Math.max(1, ...rows.map((r) => r.length));
  const ids = new BigInt64Array(n * len).fill(BigInt(i.pad_id));
  const mask = new BigInt64Array(n * len);
  rows.forEach((r, k) => {
    if (!(r instanceof Int32Array) || r.length > i.max_length) throw new PackageConfigError(`each input must be at most ${i.max_length} token ids`);
    for (let j = 0; j < r.length; j++) {
      ids[k * len + j] = BigInt(r[j]!);
      mask[k * len + j] = 1n;
    }
  });
  const shape = [n, len];
  return {
    [i.name]: new Tensor('int64', ids, shape),
    ...(i.attention_mask ? { [i.attention_mask]: new Tensor('int64', mask, shape) } : {}),
    ...(i.token_type_ids ? { [i.token_type_ids]: new Tensor('int64', new BigInt64Array(n * len), shape) } : {}),
  };
}

function floatFeeds(Tensor: typeof Ort.Tensor, config: OnnxPackageConfig, rows: ModelRow[]): Record<string, Ort.Tensor> {
  const len = rowLength(config);
  const flat = new Float32Array(rows.length * len);
  rows.forEach((r, k) => {
    if (!(r instanceof Float32Array) || r.length !== len) throw new PackageConfigError(`each input must have ${len} numbers, got ${r.length}`);
    flat.set(r, k * len);
  });
  return { [config.input.name]: new Tensor('float32', flat, inputShape(config, rows.length)) };
}

/** A probe input of the config's kind: zeros, or one padding token. */
function probeRow(config: OnnxPackageConfig): ModelRow {
  return config.input.kind === 'text' ? Int32Array.of(config.input.pad_id) : new Float32Array(rowLength(config));
}

/** Applied here and only here, so the probe and predictions agree. */
export function activate(values: Float32Array, activation: 'softmax' | 'sigmoid' | 'raw'): Float32Array {
  if (activation === 'raw') return values;
  if (activation === 'sigmoid') return values.map((v) => 1 / (1 + Math.exp(-v)));
  const max = values.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export async function loadOnnxModel(bytes: Uint8Array, config: OnnxPackageConfig): Promise<OnnxModel> {
  const ort = await import('onnxruntime-node');
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes);
  } catch (e) {
    throw new PackageConfigError(`model.onnx does not load in onnxruntime: ${(e as Error).message.split('\n')[0]}`);
  }
  const fed = fedNames(config);
  for (const name of fed) {
    if (!session.inputNames.includes(name))
      throw new PackageConfigError(`config says input '${name}', the graph's inputs are ${session.inputNames.join(', ')}`);
  }
  const unfed = session.inputNames.filter((n) => !fed.includes(n));
  if (unfed.length > 0) {
    const hint = config.input.kind === 'text' ? ' (input.attention_mask or input.token_type_ids name them)' : '';
    throw new PackageConfigError(`the graph also takes ${unfed.map((n) => `'${n}'`).join(', ')}, which the config does not feed${hint}`);
  }
  if (!session.outputNames.includes(config.output.name)) {
    throw new PackageConfigError(`config says output '${config.output.name}', the graph's outputs are ${session.outputNames.join(', ')}`);
  }
  const width = declaredOutputSize(config.output);
  const input = config.input;
  const run = async (rows: ModelRow[]): Promise<Float32Array[]> => {
    if (rows.length === 0) return [];
    const feeds = input.kind === 'text' ? textFeeds(ort.Tensor, input, rows) : floatFeeds(ort.Tensor, config, rows);
    const out = (await session.run(feeds))[config.output.name];
    const data = out?.data;
    if (!(data instanceof Float32Array)) throw new PackageConfigError(`output '${config.output.name}' must be float32`);
    if (data.length !== rows.length * width) {
      throw new PackageConfigError(`config says ${width} outputs per input, the graph gives ${data.length / rows.length}`);
    }
    const act = config.output.kind === 'concepts' ? config.output.activation : 'raw';
    return rows.map((_, k) => activate(data.slice(k * width, (k + 1) * width), act));
  };
  try {
    await run([probeRow(config)]);
  } catch (e) {
    if (e instanceof PackageConfigError) throw e;
    throw new PackageConfigError(`a probe input of shape [${inputShape(config, 1).join(', ')}] does not run: ${(e as Error).message.split('\n')[0]}`);
  }
  return { config, run };
}
