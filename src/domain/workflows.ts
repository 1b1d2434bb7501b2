import type { JsonObject } from './json.js';

/** One node of a workflow graph: a model, optionally pinned to one of its versions (decision 0033). */
export interface WorkflowNode {
  id: string;
  modelId: string;
  /** The model's app when it is not the workflow's (e.g. clarifai/main's embedders); absent = the workflow's app. */
  modelApp?: { userId: string; appId: string };
  /** '' = not pinned: runs use the model's newest TRAINED version. */
  versionId: string;
  /** Ids of the nodes whose outputs feed this node; none = the node reads the workflow's input. */
  inputs: string[];
  suppressOutput: boolean;
  /** `output_info_override` (output_config and params only), validated for the model's type; applied on every run. */
  outputInfo?: JsonObject;
}

export interface Workflow {
  userId: string;
  appId: string;
  id: string;
  description: string;
  metadata: JsonObject;
  nodes: WorkflowNode[];
  createdAt: number;
  modifiedAt: number;
}
