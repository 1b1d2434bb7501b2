import { isValidId } from './ids.js';
import { Code, type StatusCode } from './status-codes.js';
import { SYSTEM_APP_ID, SYSTEM_USER_ID } from './system-app.js';
import type { WorkflowNode } from './workflows.js';

/**
 * An app's base workflow (decision 0037): the workflow whose embedders index every input of the app
 * when it is processed, and whose vectors search ranks by. Per input kind at most one embedder.
 */
export type InputKindName = 'image' | 'text';
export type BaseEmbedders = Partial<Record<InputKindName, string>>;

/**
 * The built-in base workflows of clarifai/main that this server can run with its own embedders.
 * Clarifai's docs: "If you create an application via the API, Universal will be set as default base
 * workflow unless you specify a different one"; the Python SDK's `create_app(base_workflow="Empty")`;
 * the text apps' default is "Text"; Clarifai's own CI posts apps with `default_workflow_id` "General".
 */
export const BUILT_IN_BASE_WORKFLOWS: Readonly<Record<string, BaseEmbedders>> = {
  Universal: { image: 'general-image-embedding', text: 'general-text-embedding' },
  General: { image: 'general-image-embedding', text: 'general-text-embedding' },
  Text: { text: 'general-text-embedding' },
  Empty: {},
};

/** What an app without a `default_workflow_id` of its own is indexed with (and GetApp shows). */
export const DEFAULT_BASE_WORKFLOW_ID = 'Universal';

export const isBuiltInBaseWorkflow = (id: string): boolean => Object.hasOwn(BUILT_IN_BASE_WORKFLOWS, id);

/** The id an app's stored value stands for: '' (never set, or rows made before 0037) is the default. */
export const effectiveBaseWorkflowId = (stored: string): string => stored || DEFAULT_BASE_WORKFLOW_ID;

export const builtInList = (): string => Object.keys(BUILT_IN_BASE_WORKFLOWS).join(', ');

/** A refusal: the status and the details that tell the user what to do. */
export interface Refusal {
  code: StatusCode;
  details: string;
}

/**
 * The base workflow a PostApps / PatchApps entry asks for, from `default_workflow_id` (deprecated in
 * the proto) and `default_workflow {id, user_id, app_id}` (what the Python SDK sends, naming
 * clarifai/main). Returns undefined when neither is set, the id otherwise, or a refusal.
 * `own` is the app being written (a `default_workflow` may name it, meaning one of its workflows).
 */
export function requestedBaseWorkflow(
  entry: { default_workflow_id?: string; default_workflow?: { id?: string; user_id?: string; app_id?: string } },
  own: { userId: string; appId: string },
  path: string,
): string | undefined | Refusal {
  const byId = entry.default_workflow_id ?? '';
  const wf = entry.default_workflow;
  const byObject = wf?.id ?? '';
  if (byId && byObject && byId !== byObject)
    return {
      code: Code.CONN_BAD_REQUEST_FORMAT,
      details: `${path}.default_workflow_id '${byId}' and ${path}.default_workflow.id '${byObject}' differ; send one of them.`,
    };
  const id = byObject || byId;
  if (!id) return undefined;
  if (!isValidId(id))
    return {
      code: Code.CONN_BAD_REQUEST_FORMAT,
      details: `${path}.default_workflow_id '${id.slice(0, 140)}' is not a valid id (1-128 letters, digits, '_' or '-').`,
    };
  if (byObject && (wf?.user_id || wf?.app_id)) {
    const owner = `${wf?.user_id ?? ''}/${wf?.app_id ?? ''}`;
    const system = owner === `${SYSTEM_USER_ID}/${SYSTEM_APP_ID}`;
    const self = owner === `${own.userId}/${own.appId}`;
    if (system && !isBuiltInBaseWorkflow(id))
      return {
        code: Code.WORKFLOW_DOES_NOT_EXIST,
        details: `${path}.default_workflow '${id}' is not a built-in base workflow of ${SYSTEM_USER_ID}/${SYSTEM_APP_ID} on this server; use one of: ${builtInList()}.`,
      };
    if (!system && !self)
      return {
        code: Code.WORKFLOW_INVALID_ARGUMENT,
        details: `${path}.default_workflow names app '${owner}': a base workflow is one of the app's own workflows or a built-in one of ${SYSTEM_USER_ID}/${SYSTEM_APP_ID} (${builtInList()}).`,
      };
  }
  return id;
}

/** What the service found out about one root node of a candidate workflow. */
export interface RootFacts {
  node: WorkflowNode;
  /** The node's model type produces embeddings (visual-embedder, text-embedder). */
  embeds: boolean;
  /** The embedder this server runs for the model, with the kind it reads; undefined = none here. */
  embedder?: { id: string; kind: InputKindName };
  /** The pinned version is TRAINED, or (unpinned) the model has a TRAINED version. */
  trained: boolean;
  /** The status of the pinned version when it is not TRAINED (for the details). */
  pinnedStatus?: number;
}

/**
 * Whether a workflow can be a base workflow, and which embedder it indexes each input kind with.
 * The rule: among its root nodes (those reading the input itself), every node whose model produces
 * embeddings must be one this server runs, with a TRAINED version; there is at least one; and no two
 * embed the same kind (which vector would search use?). Other nodes (a classifier after the
 * embedder, …) are allowed and play no part in indexing.
 */
export function baseEmbeddersOf(workflowId: string, roots: readonly RootFacts[]): BaseEmbedders | Refusal {
  const out: BaseEmbedders = {};
  const at: Partial<Record<InputKindName, string>> = {};
  for (const r of roots) {
    if (!r.embeds) continue;
    const where = `workflow '${workflowId}' node '${r.node.id}' (model '${r.node.modelId}')`;
    if (!r.embedder)
      return {
        code: Code.WORKFLOW_INVALID_ARGUMENT,
        details: `${where} cannot index inputs: this server has no embedder for that model. Base workflows start with one of the built-in embedders of ${SYSTEM_USER_ID}/${SYSTEM_APP_ID} (general-image-embedding, general-text-embedding).`,
      };
    if (!r.trained)
      return {
        code: Code.WORKFLOW_REQUIRE_TRAINED_MODEL,
        details: r.node.versionId
          ? `${where} pins version '${r.node.versionId}', which has status ${r.pinnedStatus ?? 'unknown'}, not 21100 (trained); a base workflow indexes with trained embedders only.`
          : `${where} has no trained version; a base workflow indexes with trained embedders only.`,
      };
    const kind = r.embedder.kind;
    if (out[kind])
      return {
        code: Code.WORKFLOW_INVALID_GRAPH,
        details: `${where} and node '${at[kind]}' both embed ${kind} inputs; a base workflow has at most one embedder per input kind.`,
      };
    out[kind] = r.embedder.id;
    at[kind] = r.node.id;
  }
  if (!out.image && !out.text)
    return {
      code: Code.WORKFLOW_INVALID_ARGUMENT,
      details: `workflow '${workflowId}' cannot be a base workflow: none of its first nodes (nodes without node_inputs) is an embedder model (visual-embedder or text-embedder). Add one, e.g. {"id": "embed", "model": {"id": "general-image-embedding", "user_id": "${SYSTEM_USER_ID}", "app_id": "${SYSTEM_APP_ID}"}}, or use a built-in base workflow (${builtInList()}).`,
    };
  return out;
}

export const isRefusal = (v: unknown): v is Refusal => typeof v === 'object' && v !== null && 'code' in v && 'details' in v;

/** The embedder ids an input of `kind` must have vectors of to be indexed under `base`. */
export const embedderFor = (base: BaseEmbedders, kind: InputKindName): string | undefined => base[kind];

/**
 * Statuses of an input that is processed and has been, or is being, re-indexed after its app's base
 * workflow changed: it keeps its data and earlier vectors, so it stays usable (training, hosting).
 */
export const REINDEX_STATUSES: readonly number[] = [
  Code.INPUT_REINDEX_SUCCESS,
  Code.INPUT_REINDEX_PENDING,
  Code.INPUT_REINDEX_FAILED,
  Code.INPUT_REINDEX_IN_PROGRESS,
];

/** Processed (30000), or processed and re-indexed / being re-indexed (305xx). */
export const isProcessed = (code: number): boolean => code === Code.INPUT_SUCCESS || REINDEX_STATUSES.includes(code);

/** The kinds whose indexing embedder `next` changes to one that indexes them (what must be re-indexed). */
export function kindsToReindex(before: BaseEmbedders, next: BaseEmbedders): { kind: InputKindName; embedderId: string }[] {
  const out: { kind: InputKindName; embedderId: string }[] = [];
  for (const kind of ['image', 'text'] as const) {
    const e = next[kind];
    if (e && e !== before[kind]) out.push({ kind, embedderId: e });
  }
  return out;
}
