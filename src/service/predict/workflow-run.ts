import { ApiError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { isJsonObject, type JsonObject } from '../../domain/json.js';
import { checkCount } from '../../domain/limits.js';
import { Code } from '../../domain/status-codes.js';
import { orderNodes } from '../../domain/workflow-rules.js';
import type { WorkflowNode } from '../../domain/workflows.js';
import type * as api from '../../gen/api.js';
import type { AppResolver } from '../access/app-resolver.js';
import { type ApiObject, type CallContext, typedRpcs } from '../core/context.js';
import { statusOf } from '../core/status.js';
import { ts } from '../mappers/time.js';
import { findModel } from '../rpc/models.service.js';
import { findWorkflow, nodeContext, workflowToApi } from '../rpc/workflows.service.js';
import { outputStatus } from './output.mapper.js';
import { type PredictDeps, predictRpcs } from './predict.service.js';

/** output_config fields a request sets: gRPC decodes unset scalars as zeros, which must not override a node's. */
function setFields(oc: api.OutputConfig | undefined): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(oc ?? {})) {
    if (v === undefined || v === null || v === 0 || v === false || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v as JsonObject[string];
  }
  return out;
}

/** The node's output_info for this run: its stored override, then the request's output_config (concept types only). */
function outputInfoFor(node: WorkflowNode, requestConfig: JsonObject, conceptType: boolean): JsonObject | undefined {
  const base = node.outputInfo ?? {};
  if (!conceptType || Object.keys(requestConfig).length === 0) return node.outputInfo;
  const own = isJsonObject(base.output_config) ? base.output_config : {};
  return { ...base, output_config: { ...own, ...requestConfig } };
}

const ok = (o: ApiObject | undefined): boolean => (o?.status as { code?: number } | undefined)?.code === Code.SUCCESS;

/**
 * PostWorkflowResults (decision 0033): the graph runs once per input, nodes in dependency order,
 * each through PostModelOutputs' own handler (same plugins, version choice, output-config rules), so
 * a workflow answers exactly what calling its models in turn answers. A node with node_inputs reads
 * the workflow input's data overlaid with its input nodes' output data (a thresholder after a
 * classifier sees the classifier's concepts); where an input node failed for an input, the node
 * does not run for it and its output says which node failed.
 */
export function workflowRunRpcs(deps: PredictDeps, apps: AppResolver) {
  const predict = predictRpcs(deps).PostModelOutputs;

  async function runNode(
    callCtx: CallContext,
    req: api.PostWorkflowResultsRequest,
    node: WorkflowNode,
    inputs: ApiObject[],
    requestConfig: JsonObject,
  ): Promise<ApiObject[]> {
    const ctx = await nodeContext(apps, callCtx, node).catch((e: unknown) => {
      throw e instanceof ApiError ? new ApiError(e.code, `Workflow node '${node.id}': ${e.details}`) : e;
    });
    const model = await findModel(deps.store, ctx, node.modelId).catch((e: unknown) => {
      throw e instanceof ApiError ? new ApiError(e.code, `Workflow node '${node.id}': ${e.details}`) : e;
    });
    const type = deps.types.get(model.modelTypeId);
    const outputInfo = outputInfoFor(node, requestConfig, type?.conceptsField !== undefined);
    const modelReq: ApiObject = { user_app_id: { user_id: ctx.app!.userId, app_id: ctx.app!.id }, model_id: node.modelId, version_id: node.versionId, inputs };
    if (outputInfo) modelReq.model = { model_version: { output_info: outputInfo } };
    try {
      const res = await predict.handle(ctx, modelReq);
      return (res.outputs ?? []) as ApiObject[];
    } catch (e) {
      throw e instanceof ApiError ? new ApiError(e.code, `Workflow node '${node.id}' (model '${node.modelId}'): ${e.details}`) : e;
    }
  }

  return typedRpcs({
    PostWorkflowResults: {
      access: 'app-read',
      async handle(ctx, req) {
        const raws = (req.inputs ?? []) as ApiObject[];
        if (raws.length === 0)
          throw new ApiError(
            Code.WORKFLOW_INVALID_ARGUMENT,
            'PostWorkflowResults needs at least one input in "inputs", e.g. [{"data": {"text": {"raw": "…"}}}].',
          );
        checkCount(raws.length, 'PostWorkflowResults', 'inputs', Code.WORKFLOW_INVALID_ARGUMENT);
        const w = await findWorkflow(deps.store, ctx, req.workflow_id);
        if (req.version_id)
          throw new ApiError(
            Code.WORKFLOW_DOES_NOT_EXIST,
            `Workflow '${w.id}' has no version '${req.version_id}': workflows here are not versioned (pin model versions in the nodes instead); leave version_id empty.`,
          );
        // One id per input, shared by every node's run, so outputs line up with their result.
        const inputs: ApiObject[] = raws.map((r) => ({ ...r, id: typeof r.id === 'string' && r.id ? r.id : newId() }));
        const requestConfig = setFields(req.output_config);
        const byNode = new Map<string, (ApiObject | undefined)[]>();
        for (const node of orderNodes(w.nodes)) {
          const outs = new Array<ApiObject | undefined>(inputs.length);
          const fed: { i: number; input: ApiObject }[] = [];
          for (const [i, input] of inputs.entries()) {
            const parents = node.inputs.map((p) => byNode.get(p)![i]);
            const failed = node.inputs.find((_, k) => !ok(parents[k]));
            if (failed !== undefined) {
              outs[i] = {
                id: newId(),
                status: outputStatus(Code.FAILURE, `Node '${node.id}' did not run for this input: its input node '${failed}' failed.`),
                created_at: ts(ctx.now),
                model: { id: node.modelId },
              };
              continue;
            }
            let data: ApiObject = isJsonObject(input.data) ? input.data : {};
            for (const p of parents) data = { ...data, ...(p?.data ?? {}) };
            fed.push({ i, input: parents.length > 0 ? { id: input.id, data } : input });
          }
          if (fed.length > 0) {
            const got = await runNode(
              ctx,
              req,
              node,
              fed.map((f) => f.input),
              requestConfig,
            );
            for (const [k, f] of fed.entries()) outs[f.i] = got[k];
          }
          byNode.set(node.id, outs);
        }
        const shown = w.nodes.filter((n) => !n.suppressOutput);
        let good = 0;
        let all = 0;
        const results: api.WorkflowResult[] = inputs.map((input, i) => {
          const first = w.nodes.map((n) => byNode.get(n.id)![i]).find((o) => o?.input !== undefined);
          const echo = (first?.input as api.Input | undefined) ?? { id: String(input.id) };
          const outputs = shown.map((n) => {
            const o = { ...byNode.get(n.id)![i]! };
            delete o.input; // the result carries the input once
            return o as api.Output;
          });
          const nOk = w.nodes.filter((n) => ok(byNode.get(n.id)![i])).length;
          good += nOk;
          all += w.nodes.length;
          const code = nOk === w.nodes.length ? Code.SUCCESS : nOk === 0 ? Code.FAILURE : Code.MIXED_STATUS;
          return { id: newId(), status: outputStatus(code), created_at: ts(ctx.now), input: echo, outputs };
        });
        const code = good === all ? Code.SUCCESS : good === 0 ? Code.FAILURE : Code.MIXED_STATUS;
        const details = code === Code.SUCCESS ? undefined : `${all - good} of ${all} node outputs failed; each output's status says why.`;
        return { status: statusOf(code, details, ctx.reqId), workflow: workflowToApi(w), results };
      },
    },
  });
}
