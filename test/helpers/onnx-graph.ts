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
