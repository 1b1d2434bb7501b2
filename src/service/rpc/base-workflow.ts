import {
  type BaseEmbedders,
  BUILT_IN_BASE_WORKFLOWS,
  baseEmbeddersOf,
  builtInList,
  effectiveBaseWorkflowId,
  isBuiltInBaseWorkflow,
  isRefusal,
  kindsToReindex,
  type RootFacts,
} from '../../domain/base-workflow.js';
import type { App } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import type { ModelTypeRegistry } from '../../domain/model-types/registry.js';
import { Code } from '../../domain/status-codes.js';
import { isPredictable } from '../../domain/version-lifecycle.js';
import type { Workflow } from '../../domain/workflows.js';
import type { Embedder } from '../../ml/embedders/embedder.js';
import type { Repos } from '../../ports/store.js';

const EMBEDDER_TYPES: Record<string, 'image' | 'text'> = { 'visual-embedder': 'image', 'text-embedder': 'text' };

export interface BaseWorkflowChoice {
  id: string;
  builtIn: boolean;
  embedders: BaseEmbedders;
}

/** The facts baseEmbeddersOf needs about the root nodes of one of the app's workflows. */
async function rootFacts(repos: Repos, w: Workflow, embedders: ReadonlyMap<string, Embedder>, types: ModelTypeRegistry): Promise<RootFacts[]> {
  const out: RootFacts[] = [];
  for (const node of w.nodes) {
    if (node.inputs.length > 0) continue;
    const owner = node.modelApp ?? { userId: w.userId, appId: w.appId };
    const model = await repos.models.get(owner.userId, owner.appId, node.modelId);
    const type = model && types.get(model.modelTypeId);
    const embeds = Boolean(type?.outputFields.includes('embeddings'));
    const kind = model ? EMBEDDER_TYPES[model.modelTypeId] : undefined;
    const e = model && kind ? embedders.get(model.id) : undefined;
    const facts: RootFacts = { node, embeds, trained: false };
    if (e && e.kind === kind) facts.embedder = { id: e.id, kind };
    if (model && node.versionId) {
      const v = await repos.versions.get(model.pk, node.versionId);
      facts.trained = Boolean(v && isPredictable(v.status.code));
      if (v && !facts.trained) facts.pinnedStatus = v.status.code;
    } else if (model) {
      facts.trained = (await repos.versions.latestOf([model.pk], { trainedOnly: true })).has(model.pk);
    }
    out.push(facts);
  }
  return out;
}

/**
 * The base workflow `id` of app `app` and the embedders it indexes with, or an ApiError naming the id:
 * a built-in one (BUILT_IN_BASE_WORKFLOWS; those names win over a workflow of the app called the
 * same), else one of the app's workflows that baseEmbeddersOf accepts.
 */
export async function resolveBaseWorkflow(
  repos: Repos,
  app: { userId: string; id: string },
  id: string,
  embedders: ReadonlyMap<string, Embedder>,
  types: ModelTypeRegistry,
  path = 'default_workflow_id',
): Promise<BaseWorkflowChoice> {
  if (isBuiltInBaseWorkflow(id)) return { id, builtIn: true, embedders: { ...BUILT_IN_BASE_WORKFLOWS[id] } };
  const w = await repos.workflows.get(app.userId, app.id, id);
  if (!w)
    throw new ApiError(
      Code.WORKFLOW_DOES_NOT_EXIST,
      `${path} '${id}' is neither a workflow of app '${app.userId}/${app.id}' nor a built-in base workflow (${builtInList()}). Create the workflow with PostWorkflows first, or pick a built-in one.`,
    );
  const got = baseEmbeddersOf(id, await rootFacts(repos, w, embedders, types));
  if (isRefusal(got)) throw new ApiError(got.code, `${path} '${id}': ${got.details}`);
  return { id, builtIn: false, embedders: got };
}

/**
 * What an existing app is indexed with now. An app whose stored workflow stopped being usable (it
 * cannot, as long as DeleteWorkflow and PatchWorkflows keep the guard) falls back to indexing nothing
 * rather than failing every input.
 */
export async function currentBaseEmbedders(
  repos: Repos,
  app: App,
  embedders: ReadonlyMap<string, Embedder>,
  types: ModelTypeRegistry,
): Promise<BaseWorkflowChoice> {
  const id = effectiveBaseWorkflowId(app.defaultWorkflowId);
  try {
    return await resolveBaseWorkflow(repos, app, id, embedders, types);
  } catch (e) {
    if (e instanceof ApiError) return { id, builtIn: false, embedders: {} };
    throw e;
  }
}

/**
 * For the input processor: the embedder id that indexes `kind` inputs of an app (undefined: its base
 * workflow indexes no such inputs, or the app is gone).
 */
export function baseEmbedderLookup(store: Repos, embedders: ReadonlyMap<string, Embedder>, types: ModelTypeRegistry) {
  return async (userId: string, appId: string, kind: 'text' | 'image'): Promise<string | undefined> => {
    const app = await store.apps.get(userId, appId);
    if (!app) return undefined;
    return (await currentBaseEmbedders(store, app, embedders, types)).embedders[kind];
  };
}

/**
 * PatchApps changed the app's base workflow from `before` to `after` (in its transaction): queues the
 * re-indexing of every kind whose indexing embedder changes (decision 0037). Returns how many inputs.
 */
export async function queueReindex(
  tx: Repos,
  before: App,
  after: App,
  embedders: ReadonlyMap<string, Embedder>,
  types: ModelTypeRegistry,
  now: number,
): Promise<number> {
  const was = await currentBaseEmbedders(tx, before, embedders, types);
  const next = await currentBaseEmbedders(tx, after, embedders, types);
  let queued = 0;
  for (const { kind, embedderId } of kindsToReindex(was.embedders, next.embedders))
    queued += await tx.inputs.markForReindex(after.userId, after.id, kind, embedderId, now);
  return queued;
}
