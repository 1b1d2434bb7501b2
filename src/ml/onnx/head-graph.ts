/**
 * A trained linear head (ml/classifier/model.ts) as an ONNX graph (decision 0041) that gives the very
 * scores `predict` gives: the standardisation folded into the weights as `predict` folds it
 * (effectiveWeights), then softmax or sigmoid, then the bound of scoreBounds. The graph's output is
 * final scores, so its package says `activation: raw`.
 */
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';
import { effectiveWeights } from '../classifier/kernel.js';
import { type LinearModel, scoreBounds } from '../classifier/model.js';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT = onnx.AttributeProto.AttributeType.INT;

/** Opset 13: Softmax over one axis (earlier opsets flatten the trailing axes), supported by every onnxruntime since 1.6. */
export const HEAD_OPSET = 13;
export const HEAD_IR_VERSION = 7;
export const HEAD_INPUT = 'embedding';
export const HEAD_OUTPUT = 'scores';

export function tensorInfo(name: string, dims: (number | string)[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

const floats = (name: string, dims: number[], data: ArrayLike<number>): OnnxTypes.ITensorProto => ({
  name,
  dims,
  dataType: FLOAT,
  floatData: Array.from(data),
});

/** The head's ONNX graph: `embedding` [N, d] float32 in, `scores` [N, k] out. */
export function linearHeadGraph(model: LinearModel, producerVersion = ''): Uint8Array {
  const { k, d } = model;
  const w = new Float64Array(k * d);
  const b = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) w[c * d + j] = model.weights[c * (d + 1) + j]!;
    b[c] = model.weights[c * (d + 1) + d]!;
  }
  const we = new Float64Array(k * d);
  const be = new Float64Array(k);
  effectiveWeights(w, b, model.mean, model.scale, k, d, we, be);
  // MatMul takes [d, k]: the transpose of the k × d rows.
  const wt = new Float32Array(d * k);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) wt[j * k + c] = we[c * d + j]!;
  const bounds = scoreBounds(model);
  const activation: OnnxTypes.INodeProto = model.mutuallyExclusive
    ? { opType: 'Softmax', input: ['logits'], output: ['probabilities'], attribute: [{ name: 'axis', type: INT, i: -1 }] }
    : { opType: 'Sigmoid', input: ['logits'], output: ['probabilities'] };
  const graph: OnnxTypes.IGraphProto = {
    name: 'modelkeep_linear_head',
    node: [
      { opType: 'MatMul', input: [HEAD_INPUT, 'weights'], output: ['xw'] },
      { opType: 'Add', input: ['xw', 'bias'], output: ['logits'] },
      activation,
      { opType: 'Mul', input: ['probabilities', 'bound_scale'], output: ['scaled'] },
      { opType: 'Add', input: ['scaled', 'bound_offset'], output: ['bounded'] },
      { opType: 'Min', input: ['bounded', 'bound_cap'], output: [HEAD_OUTPUT] },
    ],
    initializer: [
      floats('weights', [d, k], wt),
      floats('bias', [k], be),
      floats('bound_scale', [], [bounds.scale]),
      floats('bound_offset', [], [bounds.offset]),
      floats('bound_cap', [], [bounds.cap]),
    ],
    input: [tensorInfo(HEAD_INPUT, ['N', d])],
    output: [tensorInfo(HEAD_OUTPUT, ['N', k])],
  };
  const m = onnx.ModelProto.create({
    irVersion: HEAD_IR_VERSION,
    producerName: 'modelkeep',
    producerVersion,
    opsetImport: [{ domain: '', version: HEAD_OPSET }],
    graph,
  });
  return onnx.ModelProto.encode(m).finish();
}
