/**
 * An uploaded ONNX model, loaded with onnxruntime-node on CPU (decision 0036).
 * `loadOnnxModel` is the check an upload must pass to become TRAINED: the graph parses, the
 * config's input and output names exist, and a probe input runs and gives the declared size.
 */
import * as ort from 'onnxruntime-node';
import { declaredOutputSize, type OnnxPackageConfig, PackageConfigError } from './package-config.js';

export interface OnnxModel {
  config: OnnxPackageConfig;
  /** One row of scores (activation applied) or of embedding values per input row. */
  run(rows: Float32Array[]): Promise<Float32Array[]>;
}

function inputShape(config: OnnxPackageConfig, n: number): number[] {
  const i = config.input;
  if (i.kind === 'embedding') return [n, i.size];
  return i.layout === 'NCHW' ? [n, 3, i.height, i.width] : [n, i.height, i.width, 3];
}

function rowLength(config: OnnxPackageConfig): number {
  const s = inputShape(config, 1);
  return s.reduce((a, b) => a * b, 1);
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
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes);
  } catch (e) {
    throw new PackageConfigError(`model.onnx does not load in onnxruntime: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!session.inputNames.includes(config.input.name)) {
    throw new PackageConfigError(`config says input '${config.input.name}', the graph's inputs are ${session.inputNames.join(', ')}`);
  }
  if (!session.outputNames.includes(config.output.name)) {
    throw new PackageConfigError(`config says output '${config.output.name}', the graph's outputs are ${session.outputNames.join(', ')}`);
  }
  const width = declaredOutputSize(config.output);
  const len = rowLength(config);
  const run = async (rows: Float32Array[]): Promise<Float32Array[]> => {
    if (rows.length === 0) return [];
    const flat = new Float32Array(rows.length * len);
    rows.forEach((r, k) => {
      if (r.length !== len) throw new PackageConfigError(`each input must have ${len} numbers, got ${r.length}`);
      flat.set(r, k * len);
    });
    const out = (await session.run({ [config.input.name]: new ort.Tensor('float32', flat, inputShape(config, rows.length)) }))[config.output.name];
    const data = out?.data;
    if (!(data instanceof Float32Array)) throw new PackageConfigError(`output '${config.output.name}' must be float32`);
    if (data.length !== rows.length * width) {
      throw new PackageConfigError(`config says ${width} outputs per input, the graph gives ${data.length / rows.length}`);
    }
    const act = config.output.kind === 'concepts' ? config.output.activation : 'raw';
    return rows.map((_, k) => activate(data.slice(k * width, (k + 1) * width), act));
  };
  try {
    await run([new Float32Array(len)]);
  } catch (e) {
    if (e instanceof PackageConfigError) throw e;
    throw new PackageConfigError(`a probe input of shape [${inputShape(config, 1).join(', ')}] does not run: ${(e as Error).message.split('\n')[0]}`);
  }
  return { config, run };
}
