/** Tiny ONNX graphs for tests, written with the ONNX schema (onnx-proto): no Python, no downloaded weights. */
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';

const { onnx } = onnxProto;

const F = onnx.TensorProto.DataType.FLOAT;

function valueInfo(name: string, dims: (number | string)[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: F, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/** y = [softmax](x · W + b), x: [N, in], W: [in, out] row-major. */
/** With `reshapeFrom` the input is [N, ...reshapeFrom] (an image tensor), flattened to [N, in] first. */
export function linearModel(w: number[][], b: number[], opts: { softmax: boolean; input?: string; output?: string; reshapeFrom?: number[] }): Uint8Array {
  const inSize = w.length;
  const outSize = b.length;
  const input = opts.input ?? 'x';
  const output = opts.output ?? 'y';
  const flat = opts.reshapeFrom ? 'flat' : input;
  const nodes: OnnxTypes.INodeProto[] = [
    ...(opts.reshapeFrom
      ? [{ opType: 'Flatten', input: [input], output: [flat], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }]
      : []),
    { opType: 'MatMul', input: [flat, 'W'], output: ['xw'] },
    { opType: 'Add', input: ['xw', 'b'], output: [opts.softmax ? 'logits' : output] },
  ];
  if (opts.softmax)
    nodes.push({ opType: 'Softmax', input: ['logits'], output: [output], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 }] });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'linear',
      node: nodes,
      initializer: [
        { name: 'W', dims: [inSize, outSize], dataType: F, floatData: w.flat() },
        { name: 'b', dims: [outSize], dataType: F, floatData: b },
      ],
      input: [valueInfo(input, ['N', ...(opts.reshapeFrom ?? [inSize])])],
      output: [valueInfo(output, ['N', outSize])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

const I64 = onnx.TensorProto.DataType.INT64;

function intInfo(name: string, dims: (number | string)[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: I64, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/**
 * A text model over token ids: the mean of the embedding-table rows of the unmasked tokens, then
 * y = mean · W + b. Inputs `input_ids` and `attention_mask` ([N, L] int64), output `y` [N, out].
 * `table` is [vocab, dim], `w` [dim, out].
 */
export function tokenMeanModel(table: number[][], w: number[][], b: number[]): Uint8Array {
  const dim = w.length;
  const axis = (name: string, v: number): OnnxTypes.ITensorProto => ({ name, dims: [1], dataType: I64, int64Data: [v] });
  const node = (opType: string, input: string[], output: string, attribute: OnnxTypes.IAttributeProto[] = []): OnnxTypes.INodeProto => ({
    opType,
    input,
    output: [output],
    attribute,
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'token-mean',
      node: [
        node('Gather', ['E', 'input_ids'], 'emb'), // [N, L, D]
        node('Cast', ['attention_mask'], 'maskf', [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: F }]), // [N, L]
        node('Unsqueeze', ['maskf', 'ax2'], 'mask3'), // [N, L, 1]
        node('Mul', ['emb', 'mask3'], 'masked'),
        node('ReduceSum', ['masked', 'ax1'], 'sum', [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }]), // [N, D]
        node('ReduceSum', ['mask3', 'ax1'], 'count', [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }]), // [N, 1]
        node('Div', ['sum', 'count'], 'mean'),
        node('MatMul', ['mean', 'W'], 'xw'),
        node('Add', ['xw', 'b'], 'y'),
      ],
      initializer: [
        { name: 'E', dims: [table.length, dim], dataType: F, floatData: table.flat() },
        { name: 'W', dims: [dim, b.length], dataType: F, floatData: w.flat() },
        { name: 'b', dims: [b.length], dataType: F, floatData: b },
        axis('ax1', 1),
        axis('ax2', 2),
      ],
      input: [intInfo('input_ids', ['N', 'L']), intInfo('attention_mask', ['N', 'L'])],
      output: [valueInfo('y', ['N', b.length])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
