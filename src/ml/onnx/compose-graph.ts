/**
 * The whole pipeline as one graph (decision 0041): an embedder's ONNX graph with a head's graph
 * after it, so an exported classifier over an uploaded ONNX embedder runs from the embedder's own
 * input (an image tensor, say) to concept scores in any onnxruntime. Pure: bytes in, bytes out.
 *
 * The embedder's model is kept as it is (its nodes, initializers, metadata, functions, opsets);
 * only its graph outputs are replaced by the head's. Every name of the head is prefixed so it can
 * never collide with one of the embedder's, and the head's input is wired to the embedder output.
 */
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';

const { onnx } = onnxProto;
const INT = onnx.AttributeProto.AttributeType.INT;

export class ComposeError extends Error {}

export interface ComposeOptions {
  /** The embedder output that feeds the head (default: its only output). */
  embedderOutput?: string;
  /**
   * L2-normalise the embedding before the head (LpNormalization p=2), for a head trained on
   * normalised vectors when the embedder graph itself does not normalise.
   */
  normalise?: boolean;
}

export interface Composed {
  model: Uint8Array;
  /** The graph input of the pipeline (the embedder's) and its scores output. */
  input: string;
  output: string;
}

/** Every value name a graph uses (inputs, outputs, initializers, node inputs and outputs). */
function namesOf(g: OnnxTypes.IGraphProto): Set<string> {
  const names = new Set<string>();
  for (const v of [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])]) if (v.name) names.add(v.name);
  for (const t of g.initializer ?? []) if (t.name) names.add(t.name);
  for (const n of g.node ?? []) for (const x of [...(n.input ?? []), ...(n.output ?? []), n.name ?? '']) if (x) names.add(x);
  return names;
}

function decode(bytes: Uint8Array, what: string): OnnxTypes.ModelProto {
  try {
    const m = onnx.ModelProto.decode(bytes);
    if (!m.graph) throw new Error('it has no graph');
    return m;
  } catch (e) {
    throw new ComposeError(`the ${what} is not an ONNX model: ${(e as Error).message}`);
  }
}

const versionOf = (v: number | Long | null | undefined): number => (v == null ? 0 : Number(v));
type Long = { toNumber(): number };

/** Opsets of both models, the higher version of a domain winning (the head uses the default domain only). */
function mergedOpsets(a: OnnxTypes.IOperatorSetIdProto[], b: OnnxTypes.IOperatorSetIdProto[]): OnnxTypes.IOperatorSetIdProto[] {
  const byDomain = new Map<string, number>();
  for (const o of [...a, ...b]) {
    const d = o.domain ?? '';
    byDomain.set(d, Math.max(byDomain.get(d) ?? 0, versionOf(o.version)));
  }
  return [...byDomain].map(([domain, version]) => ({ domain, version }));
}

/** `head` after `embedder`: the embedder's inputs, the head's output. */
export function prependEmbedder(embedder: Uint8Array, head: Uint8Array, opts: ComposeOptions = {}): Composed {
  const e = decode(embedder, 'embedder');
  const h = decode(head, 'head');
  const eg = e.graph!;
  const hg = h.graph!;
  const eOutputs = (eg.output ?? []).map((o) => o.name ?? '');
  const from = opts.embedderOutput ?? (eOutputs.length === 1 ? eOutputs[0]! : undefined);
  if (from === undefined || !eOutputs.includes(from)) {
    throw new ComposeError(`name the embedder output that feeds the head; the embedder's outputs are ${eOutputs.join(', ')}`);
  }
  const initNames = new Set((hg.initializer ?? []).map((t) => t.name ?? ''));
  const hInputs = (hg.input ?? []).map((i) => i.name ?? '').filter((n) => !initNames.has(n));
  if (hInputs.length !== 1) throw new ComposeError(`the head must take exactly one input, it takes ${hInputs.join(', ') || 'none'}`);
  const hOutputs = hg.output ?? [];
  if (hOutputs.length !== 1) throw new ComposeError(`the head must give exactly one output, it gives ${hOutputs.length}`);

  const taken = namesOf(eg);
  let prefix = 'head/';
  for (let i = 1; [...taken].some((n) => n.startsWith(prefix)); i++) prefix = `head${i}/`;
  const headIn = hInputs[0]!;
  const feed = opts.normalise ? `${prefix}normalised` : from;
  const rename = (n: string): string => (n === '' ? n : n === headIn ? feed : `${prefix}${n}`);

  const nodes: OnnxTypes.INodeProto[] = [...(eg.node ?? [])];
  if (opts.normalise) {
    nodes.push({
      opType: 'LpNormalization',
      name: `${prefix}l2`,
      input: [from],
      output: [feed],
      attribute: [
        { name: 'p', type: INT, i: 2 },
        { name: 'axis', type: INT, i: -1 },
      ],
    });
  }
  for (const n of hg.node ?? []) {
    nodes.push({ ...n, name: n.name ? rename(n.name) : '', input: (n.input ?? []).map(rename), output: (n.output ?? []).map(rename) });
  }
  const output = rename(hOutputs[0]!.name ?? '');
  const graph: OnnxTypes.IGraphProto = {
    ...eg,
    node: nodes,
    initializer: [...(eg.initializer ?? []), ...(hg.initializer ?? []).map((t) => ({ ...t, name: rename(t.name ?? '') }))],
    valueInfo: [...(eg.valueInfo ?? []), ...(hg.valueInfo ?? []).map((v) => ({ ...v, name: rename(v.name ?? '') }))],
    output: [{ ...hOutputs[0]!, name: output }],
  };
  const model = onnx.ModelProto.create({
    ...e,
    irVersion: Math.max(versionOf(e.irVersion), versionOf(h.irVersion)),
    opsetImport: mergedOpsets(e.opsetImport ?? [], h.opsetImport ?? []),
    graph: onnx.GraphProto.create(graph),
  });
  const inputs = (eg.input ?? []).map((i) => i.name ?? '').filter((n) => !(eg.initializer ?? []).some((t) => t.name === n));
  return { model: onnx.ModelProto.encode(model).finish(), input: inputs[0] ?? '', output };
}
