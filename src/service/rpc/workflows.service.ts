import { effectiveBaseWorkflowId, isBuiltInBaseWorkflow } from '../../domain/base-workflow.js';
import type { Model } from '../../domain/entities.js';
import { ApiError, DuplicateKeyError } from '../../domain/errors.js';
import { checkCount } from '../../domain/limits.js';
import type { ModelTypeRegistry } from '../../domain/model-types/registry.js';
import { validateOutputInfoOverride } from '../../domain/model-types/version-config.js';
import { parsePatchAction } from '../../domain/patch.js';
import { Code } from '../../domain/status-codes.js';
import { isPredictable } from '../../domain/version-lifecycle.js';
import { badGraph, badWorkflow, type ParsedWorkflow, parseWorkflow, typeMismatch } from '../../domain/workflow-rules.js';
import type { Workflow, WorkflowNode } from '../../domain/workflows.js';
import type * as api from '../../gen/api.js';
import type { Embedder } from '../../ml/embedders/embedder.js';
import type { Repos, Store } from '../../ports/store.js';
import type { AppResolver } from '../access/app-resolver.js';
import { type CallContext, typedRpcs } from '../core/context.js';
import { pageOf } from '../core/paging.js';
import { ts } from '../mappers/time.js';
import { resolveBaseWorkflow } from './base-workflow.js';
import { findModel, findVersion } from './models.service.js';

const where = (ctx: CallContext): string => `app '${ctx.app!.userId}/${ctx.app!.id}'`;

export const workflowNotFound = (id: string, ctx: CallContext): ApiError =>
  new ApiError(Code.WORKFLOW_DOES_NOT_EXIST, `Workflow '${id}' does not exist in ${where(ctx)}. ListWorkflows shows the app's workflows.`);

export async function findWorkflow(repos: Repos, ctx: CallContext, id: string | undefined): Promise<Workflow> {
  if (!id) throw new ApiError(Code.WORKFLOW_INVALID_ARGUMENT, 'workflow_id is required.');
  const w = await repos.workflows.get(ctx.app!.userId, ctx.app!.id, id);
  if (!w) throw workflowNotFound(id, ctx);
  return w;
}

/**
 * The call context a node's model is read in: the workflow's app, or the app the node names (read
 * access checked as for any call: the caller's own apps, or public ones such as clarifai/main).
 */
export async function nodeContext(apps: AppResolver, ctx: CallContext, node: WorkflowNode): Promise<CallContext> {
  if (!node.modelApp) return ctx;
  const app = await apps.resolve(ctx.caller, node.modelApp.userId, node.modelApp.appId, 'app-read', ctx.now);
  return { ...ctx, app };
}

type NodeContexts = Map<string, CallContext>;
const appKey = (n: WorkflowNode): string => (n.modelApp ? `${n.modelApp.userId}/${n.modelApp.appId}` : '');

/** The apps a batch's nodes name, resolved before its transaction (the resolver reads outside it). */
async function resolveApps(apps: AppResolver, ctx: CallContext, batch: ParsedWorkflow[]): Promise<NodeContexts> {
  const out: NodeContexts = new Map([['', ctx]]);
  for (const [i, p] of batch.entries()) {
    for (const [j, n] of (p.nodes ?? []).entries()) {
      if (out.has(appKey(n))) continue;
      out.set(
        appKey(n),
        await nodeContext(apps, ctx, n).catch((e: unknown) => {
          throw atNode(e, `workflows[${i}].nodes[${j}] ('${n.id}')`);
        }),
      );
    }
  }
  return out;
}

/** A domain error about one node, re-said with the node's place in the request. */
const atNode = (e: unknown, path: string): unknown => (e instanceof ApiError ? new ApiError(e.code, `${path}: ${e.details}`) : e);

/**
 * Checks every node against the app: the model exists (its row locked until the transaction ends, so
 * a concurrent DeleteModelVersion of a pinned version waits for this write and then sees the pin), a
 * pinned version exists and is TRAINED, an output_info_override fits the model's type, and each
 * node_input's model produces what the node takes. Returns the nodes with overrides normalised.
 */
async function checkNodes(
  tx: Repos,
  types: ModelTypeRegistry,
  ctxs: NodeContexts,
  ctx: CallContext,
  nodes: WorkflowNode[],
  path: string,
): Promise<WorkflowNode[]> {
  const models = new Map<string, Model>();
  const out: WorkflowNode[] = [];
  const key = (n: WorkflowNode): string => `${n.modelApp?.userId ?? ''}/${n.modelApp?.appId ?? ''}/${n.modelId}`;
  for (const [j, raw] of nodes.entries()) {
    const at = `${path}.nodes[${j}] ('${raw.id}')`;
    // Naming the workflow's own app is the same as naming none.
    const n: WorkflowNode = { ...raw };
    if (n.modelApp && n.modelApp.userId === ctx.app!.userId && n.modelApp.appId === ctx.app!.id) delete n.modelApp;
    try {
      const model = models.get(key(n)) ?? (await findModel(tx, ctxs.get(appKey(n)) ?? ctx, n.modelId, true));
      models.set(key(n), model);
      if (n.versionId) {
        const v = await findVersion(tx, model, n.versionId, 'model.model_version.id');
        if (!isPredictable(v.status.code)) {
          throw new ApiError(
            Code.WORKFLOW_REQUIRE_TRAINED_MODEL,
            `version '${v.id}' of model '${model.id}' has status ${v.status.code}, not 21100 (trained): pin a trained version, or leave model.model_version.id empty to use the newest trained one at each run.`,
          );
        }
      }
      const type = types.get(model.modelTypeId);
      const next = n;
      if (n.outputInfo) {
        if (!type) throw badWorkflow(`model '${model.id}' is a ${model.modelTypeId}, which takes no output_info_override here.`);
        next.outputInfo = validateOutputInfoOverride(type, n.outputInfo);
      }
      out.push(next);
    } catch (e) {
      throw atNode(e, at);
    }
  }
  for (const [j, n] of out.entries()) {
    const child = types.get(models.get(key(n))!.modelTypeId);
    for (const from of n.inputs) {
      const parentNode = out.find((p) => p.id === from)!;
      const parent = types.get(models.get(key(parentNode))!.modelTypeId);
      const why = typeMismatch(parent?.outputFields ?? [], child?.inputFields ?? []);
      if (why) throw badGraph(`${path}.nodes[${j}] ('${n.id}', model '${n.modelId}') cannot read node '${from}' (model '${parentNode.modelId}'): ${why}.`);
    }
  }
  return out;
}

export function workflowToApi(w: Workflow): api.Workflow {
  const nodes: api.WorkflowNode[] = w.nodes.map((n) => {
    const owner = n.modelApp ?? w;
    const model: api.Model = { id: n.modelId, app_id: owner.appId, user_id: owner.userId };
    if (n.versionId) model.model_version = { id: n.versionId, app_id: owner.appId, user_id: owner.userId };
    const node: api.WorkflowNode = { id: n.id, model, node_inputs: n.inputs.map((node_id) => ({ node_id })) };
    if (n.suppressOutput) node.suppress_output = true;
    if (n.outputInfo) node.output_info_override = n.outputInfo as api.OutputInfo;
    return node;
  });
  const out: api.Workflow = {
    id: w.id,
    app_id: w.appId,
    user_id: w.userId,
    created_at: ts(w.createdAt),
    modified_at: ts(w.modifiedAt),
    nodes,
    metadata: w.metadata,
  };
  if (w.description) out.description = w.description;
  return out;
}

function batch(list: api.Workflow[] | undefined, rpc: string, requireNodes: boolean): ParsedWorkflow[] {
  const items = list ?? [];
  if (items.length === 0) throw badWorkflow(`${rpc} needs at least one workflow in "workflows".`);
  checkCount(items.length, rpc, 'workflows', Code.WORKFLOW_INVALID_ARGUMENT);
  const parsed = items.map((raw, i) => parseWorkflow(raw, i, requireNodes));
  const seen = new Set<string>();
  for (const [i, p] of parsed.entries()) {
    if (seen.has(p.id)) throw badWorkflow(`workflows[${i}].id '${p.id}' appears twice in this request; send each workflow once.`);
    seen.add(p.id);
  }
  return parsed;
}

/**
 * The id of the app's base workflow when it is one of its own workflows (decision 0037), read with the
 * app row locked so PatchApps and this write take turns.
 */
async function ownBaseWorkflow(tx: Repos, ctx: CallContext): Promise<string | undefined> {
  const app = await tx.apps.getForUpdate(ctx.app!.userId, ctx.app!.id);
  const id = effectiveBaseWorkflowId(app?.defaultWorkflowId ?? '');
  return isBuiltInBaseWorkflow(id) ? undefined : id;
}

const baseWorkflowInUse = (id: string, ctx: CallContext): ApiError =>
  new ApiError(
    Code.WORKFLOW_INVALID_ARGUMENT,
    `Workflow '${id}' is the base workflow of ${where(ctx)}; PatchApps another default_workflow_id first (e.g. the built-in 'Universal'), then delete it. Nothing was deleted.`,
  );

/** Workflows (decision 0033): graphs of model nodes, each model optionally pinned to a version. */
export function workflowRpcs(store: Store, types: ModelTypeRegistry, apps: AppResolver, embedders: ReadonlyMap<string, Embedder> = new Map()) {
  return typedRpcs({
    PostWorkflows: {
      access: 'app-write',
      async handle(ctx, req) {
        const asked = batch(req.workflows, 'PostWorkflows', true);
        const ctxs = await resolveApps(apps, ctx, asked);
        const made = await store.transaction(async (tx) => {
          const out: Workflow[] = [];
          for (const [i, p] of asked.entries()) {
            const nodes = await checkNodes(tx, types, ctxs, ctx, p.nodes!, `workflows[${i}]`);
            const w: Workflow = {
              userId: ctx.app!.userId,
              appId: ctx.app!.id,
              id: p.id,
              description: p.description ?? '',
              metadata: p.metadata ?? {},
              nodes,
              createdAt: ctx.now,
              modifiedAt: ctx.now,
            };
            await tx.workflows.create(w).catch((e: unknown) => {
              throw e instanceof DuplicateKeyError
                ? new ApiError(
                    Code.DATABASE_DUPLICATE_KEY,
                    `workflows[${i}].id '${p.id}' is taken in ${where(ctx)}; choose another id or PatchWorkflows the existing one.`,
                  )
                : e;
            });
            out.push(w);
          }
          return out;
        });
        return { workflows: made.map(workflowToApi) };
      },
    },
    GetWorkflow: {
      access: 'app-read',
      async handle(ctx, req) {
        return { workflow: workflowToApi(await findWorkflow(store, ctx, req.workflow_id)) };
      },
    },
    ListWorkflows: {
      access: 'app-read',
      async handle(ctx, req) {
        const page = pageOf(req, Code.WORKFLOW_INVALID_ARGUMENT);
        return { workflows: (await store.workflows.list(ctx.app!.userId, ctx.app!.id, page)).map(workflowToApi) };
      },
    },
    PatchWorkflows: {
      access: 'app-write',
      async handle(ctx, req) {
        // A workflow's fields are whole values (the graph is one): merge and overwrite both replace what is sent.
        const action = parsePatchAction(req.action);
        if (action === 'remove') throw badWorkflow("PatchWorkflows supports action 'merge' or 'overwrite'; to drop nodes, send the nodes to keep.");
        const asked = batch(req.workflows, 'PatchWorkflows', false);
        const ctxs = await resolveApps(apps, ctx, asked);
        const done = await store.transaction(async (tx) => {
          const out: Workflow[] = [];
          const base = await ownBaseWorkflow(tx, ctx);
          for (const [i, p] of asked.entries()) {
            const old = await findWorkflow(tx, ctx, p.id);
            const w: Workflow = { ...old, modifiedAt: ctx.now };
            if (p.description !== undefined) w.description = p.description;
            if (p.metadata !== undefined) w.metadata = p.metadata;
            if (p.nodes) w.nodes = await checkNodes(tx, types, ctxs, ctx, p.nodes, `workflows[${i}]`);
            // Without nodes sent, the graph is not written: a PatchModelIds meanwhile may have renamed a node's model.
            if (!(await tx.workflows.update(w, { keepNodes: !p.nodes }))) throw workflowNotFound(p.id, ctx);
            // The base workflow must stay able to index the app's inputs (checked on the graph just written).
            if (p.nodes && w.id === base)
              await resolveBaseWorkflow(tx, { userId: w.userId, id: w.appId }, w.id, embedders, types).catch((e: unknown) => {
                throw e instanceof ApiError ? new ApiError(e.code, `workflows[${i}] is the base workflow of ${where(ctx)} and must stay one: ${e.details}`) : e;
              });
            // The graph as stored (a rename may have changed it since it was read).
            out.push(p.nodes ? w : ((await tx.workflows.get(w.userId, w.appId, w.id)) ?? w));
          }
          return out;
        });
        return { workflows: done.map(workflowToApi) };
      },
    },
    DeleteWorkflow: {
      access: 'app-write',
      async handle(ctx, req) {
        await store.transaction(async (tx) => {
          const w = await findWorkflow(tx, ctx, req.workflow_id);
          if ((await ownBaseWorkflow(tx, ctx)) === w.id) throw baseWorkflowInUse(w.id, ctx);
          if ((await tx.workflows.delete(w.userId, w.appId, [w.id])) === 0) throw workflowNotFound(w.id, ctx);
        });
        return {};
      },
    },
    DeleteWorkflows: {
      access: 'app-write',
      async handle(ctx, req) {
        const ids = (req.ids ?? []).filter((s) => s !== '');
        if (req.delete_all === true) {
          if (ids.length > 0) throw badWorkflow('Send either ids or delete_all: true, not both.');
          await store.transaction(async (tx) => {
            const base = await ownBaseWorkflow(tx, ctx);
            if (base && (await tx.workflows.get(ctx.app!.userId, ctx.app!.id, base))) throw baseWorkflowInUse(base, ctx);
            await tx.workflows.delete(ctx.app!.userId, ctx.app!.id);
          });
          return {};
        }
        if (ids.length === 0) throw badWorkflow('DeleteWorkflows needs "ids" (or delete_all: true).');
        checkCount(ids.length, 'DeleteWorkflows', 'ids', Code.WORKFLOW_INVALID_ARGUMENT);
        await store.transaction(async (tx) => {
          const missing: string[] = [];
          for (const id of new Set(ids)) if (!(await tx.workflows.get(ctx.app!.userId, ctx.app!.id, id))) missing.push(id);
          // All or nothing: a typo must not leave half of the list deleted.
          if (missing.length > 0)
            throw new ApiError(Code.WORKFLOW_DOES_NOT_EXIST, `No workflow ${missing.map((m) => `'${m}'`).join(', ')} in ${where(ctx)}; nothing was deleted.`);
          const base = await ownBaseWorkflow(tx, ctx);
          if (base && ids.includes(base)) throw baseWorkflowInUse(base, ctx);
          await tx.workflows.delete(ctx.app!.userId, ctx.app!.id, [...new Set(ids)]);
        });
        return {};
      },
    },
  });
}
