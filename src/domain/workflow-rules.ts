import { ApiError } from './errors.js';
import { isValidId } from './ids.js';
import { isJsonObject, type JsonObject } from './json.js';
import { checkLength, MAX_DESCRIPTION_CHARS, shown } from './limits.js';
import { Code } from './status-codes.js';
import type { WorkflowNode } from './workflows.js';

/** Clarifai caps a workflow's graph; modelkeep keeps runs bounded the same way (nodes × 128 inputs). */
export const MAX_WORKFLOW_NODES = 20;

export const badWorkflow = (details: string): ApiError => new ApiError(Code.WORKFLOW_INVALID_ARGUMENT, details);
export const badGraph = (details: string): ApiError => new ApiError(Code.WORKFLOW_INVALID_GRAPH, details);

export interface ParsedWorkflow {
  id: string;
  description?: string;
  metadata?: JsonObject;
  nodes?: WorkflowNode[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** One API WorkflowNode (free-form JSON at the edge) → the domain node; `path` names it in errors. */
function parseNode(raw: unknown, path: string): WorkflowNode {
  if (!isJsonObject(raw)) throw badWorkflow(`${path} must be an object with "id" and "model".`);
  const id = str(raw.id);
  if (!isValidId(id))
    throw badWorkflow(`${path}.id '${shown(id)}' is invalid: node ids are 1-128 letters, digits, '_' or '-', starting with a letter or digit.`);
  const model = isJsonObject(raw.model) ? raw.model : undefined;
  const modelId = str(model?.id);
  if (!modelId) throw badWorkflow(`${path}.model.id is required: the id of a model of this app.`);
  const mv = isJsonObject(model?.model_version) ? model.model_version : undefined;
  const inputs: string[] = [];
  const rawInputs = Array.isArray(raw.node_inputs) ? raw.node_inputs : [];
  for (const [j, ni] of rawInputs.entries()) {
    const from = isJsonObject(ni) ? str(ni.node_id) : '';
    if (!from) throw badWorkflow(`${path}.node_inputs[${j}].node_id is required: the id of another node of this workflow.`);
    inputs.push(from);
  }
  const node: WorkflowNode = { id, modelId, versionId: str(mv?.id), inputs, suppressOutput: raw.suppress_output === true };
  const userId = str(model?.user_id);
  const appId = str(model?.app_id);
  if ((userId === '') !== (appId === ''))
    throw badWorkflow(
      `${path}.model names ${userId ? 'user_id' : 'app_id'} without ${userId ? 'app_id' : 'user_id'}: send both for a model of another app (e.g. "user_id": "clarifai", "app_id": "main"), or neither for this app's.`,
    );
  if (userId) node.modelApp = { userId, appId };
  const oi = raw.output_info_override;
  if (oi !== undefined && !isJsonObject(oi)) throw badWorkflow(`${path}.output_info_override must be an object with output_config and/or params.`);
  if (oi) {
    const picked: JsonObject = {};
    if (isJsonObject(oi.output_config)) picked.output_config = oi.output_config;
    if (isJsonObject(oi.params)) picked.params = oi.params;
    if (Object.keys(picked).length > 0) node.outputInfo = picked;
  }
  return node;
}

/**
 * Checks the graph's shape: unique node ids, node_inputs naming nodes of the same workflow, no
 * node feeding itself, no cycle. Returns the nodes in a run order (every node after its inputs).
 */
export function orderNodes(nodes: WorkflowNode[]): WorkflowNode[] {
  const byId = new Map<string, WorkflowNode>();
  for (const [i, n] of nodes.entries()) {
    if (byId.has(n.id)) throw badGraph(`nodes[${i}].id '${n.id}' is used by two nodes; node ids must be unique within a workflow.`);
    byId.set(n.id, n);
  }
  for (const [i, n] of nodes.entries()) {
    for (const from of n.inputs) {
      if (from === n.id) throw badGraph(`nodes[${i}] ('${n.id}') lists itself in node_inputs; a node can only read other nodes' outputs.`);
      if (!byId.has(from))
        throw badGraph(`nodes[${i}] ('${n.id}') has node_input '${from}', which is no node of this workflow (nodes: ${[...byId.keys()].join(', ')}).`);
    }
  }
  // Depth-first topological sort; a node met again while on the stack closes a cycle.
  const state = new Map<string, 'open' | 'done'>();
  const order: WorkflowNode[] = [];
  const visit = (n: WorkflowNode, trail: string[]): void => {
    const s = state.get(n.id);
    if (s === 'done') return;
    if (s === 'open') throw badGraph(`node_inputs form a cycle: ${[...trail.slice(trail.indexOf(n.id)), n.id].join(' -> ')}. A workflow must be acyclic.`);
    state.set(n.id, 'open');
    for (const from of n.inputs) visit(byId.get(from)!, [...trail, n.id]);
    state.set(n.id, 'done');
    order.push(n);
  };
  for (const n of nodes) visit(n, []);
  return order;
}

/** PostWorkflows / PatchWorkflows entry `i`: id always; the rest only when given (`requireNodes` on create). */
export function parseWorkflow(raw: unknown, i: number, requireNodes: boolean): ParsedWorkflow {
  const path = `workflows[${i}]`;
  if (!isJsonObject(raw)) throw badWorkflow(`${path} must be an object.`);
  const id = str(raw.id);
  if (!isValidId(id))
    throw badWorkflow(
      `${path}.id '${shown(id)}' is invalid: ids are 1-128 characters, start with a letter or digit, and contain only letters, digits, '_' and '-'.`,
    );
  const out: ParsedWorkflow = { id };
  if (raw.description !== undefined) {
    out.description = str(raw.description);
    checkLength(out.description, `${path}.description`, MAX_DESCRIPTION_CHARS, Code.WORKFLOW_INVALID_ARGUMENT);
  }
  if (raw.metadata !== undefined) {
    if (!isJsonObject(raw.metadata)) throw badWorkflow(`${path}.metadata must be a JSON object.`);
    out.metadata = raw.metadata;
  }
  const rawNodes = Array.isArray(raw.nodes) ? raw.nodes : [];
  if (rawNodes.length === 0) {
    if (requireNodes) throw badWorkflow(`${path}.nodes is empty: a workflow needs at least one node, e.g. {"id": "embed", "model": {"id": "<model id>"}}.`);
    return out;
  }
  if (rawNodes.length > MAX_WORKFLOW_NODES) throw badWorkflow(`${path} has ${rawNodes.length} nodes; a workflow holds at most ${MAX_WORKFLOW_NODES}.`);
  const nodes = rawNodes.map((n, j) => parseNode(n, `${path}.nodes[${j}]`));
  try {
    orderNodes(nodes);
  } catch (e) {
    if (e instanceof ApiError) throw new ApiError(e.code, `${path}: ${e.details}`);
    throw e;
  }
  out.nodes = nodes;
  return out;
}

/**
 * A node may read a parent's output only if the parent produces what the node takes: some output
 * field of the parent's type is an input field of the node's type (embeddings → embedding-classifier,
 * concepts → concept-thresholder). Returns the fields neither side shares, for the message, or undefined.
 */
export function typeMismatch(parentOutputs: readonly string[], childInputs: readonly string[]): string | undefined {
  if (childInputs.some((f) => parentOutputs.includes(f))) return undefined;
  return `it takes ${childInputs.join(', ') || 'nothing'} but its input produces ${parentOutputs.join(', ') || 'nothing'}`;
}

/** Workflow nodes that use model `modelId` of the workflow's own app. */
export function usesOf(nodes: readonly WorkflowNode[], modelId: string): WorkflowNode[] {
  return nodes.filter((n) => n.modelId === modelId && !n.modelApp);
}

/** Workflow nodes that pin version `versionId` of model `modelId` of the workflow's own app. */
export function pinsOf(nodes: readonly WorkflowNode[], modelId: string, versionId: string): WorkflowNode[] {
  return usesOf(nodes, modelId).filter((n) => n.versionId === versionId);
}

/** Whether node `n` of a workflow of app `owner` names model `modelId` of app `model` (its own app's when it names none). */
export function namesModel(n: WorkflowNode, owner: AppRef, model: AppRef, modelId: string): boolean {
  const app = n.modelApp ?? owner;
  return n.modelId === modelId && app.userId === model.userId && app.appId === model.appId;
}

export interface AppRef {
  userId: string;
  appId: string;
}

/**
 * PatchModelIds renamed model `from` of app `model` to `to`: the nodes of a workflow of app `owner`
 * with every node that names it naming `to` (pins and the rest unchanged), or undefined when none
 * names it. Workflows follow the rename, so they keep running (decision 0033).
 */
export function renameModelInNodes(nodes: readonly WorkflowNode[], owner: AppRef, model: AppRef, from: string, to: string): WorkflowNode[] | undefined {
  if (!nodes.some((n) => namesModel(n, owner, model, from))) return undefined;
  return nodes.map((n) => (namesModel(n, owner, model, from) ? { ...n, modelId: to } : n));
}
