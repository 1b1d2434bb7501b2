import type { Model, ModelVersion } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import { IdPool } from '../../domain/ids.js';
import { isJsonObject, type JsonObject } from '../../domain/json.js';
import { checkCount } from '../../domain/limits.js';
import { hasContent } from '../../domain/model-rules.js';
import type { ModelTypeRegistry } from '../../domain/model-types/registry.js';
import type { ModelTypeDef } from '../../domain/model-types/types.js';
import { validateOutputInfoOverride } from '../../domain/model-types/version-config.js';
import { applyOutputConfig, checkSelection, effectiveOutputConfig, effectiveParams, legacyOverride, type OutputConfig } from '../../domain/output-config.js';
import { Code } from '../../domain/status-codes.js';
import type * as api from '../../gen/api.js';
import type { ByteBudget } from '../../net/byte-budget.js';
import type { ModelPlugin, PluginLookup, PredictOutcome } from '../../ports/plugins.js';
import type { Store } from '../../ports/store.js';
import { asJson, type CallContext, typedRpcs } from '../core/context.js';
import { type ApiStatus, statusOf } from '../core/status.js';
import { ts } from '../mappers/time.js';
import { ReadMemo, readKey } from '../reuse/read-memo.js';
import { findModel } from '../rpc/models.service.js';
import type { UrlFetcher } from './fetch-url.js';
import { type DecodedInput, decodeInputs, fetchPending, inputGroups } from './input-data.js';
import { outputDataToApi, outputStatus, sharedLightModel } from './output.mapper.js';
import { versionForPredict } from './pick-version.js';

/** Clarifai's batch limit for PostModelOutputs (reference §3.5). */

export interface PredictDeps {
  store: Store;
  types: ModelTypeRegistry;
  plugins: PluginLookup;
  fetchUrl: UrlFetcher;
  /** The download budget fetchUrl reserves from: each group's share is held until the group is predicted. */
  budget?: ByteBudget;
  /** MODELKEEP_STRICT_2023: refuse the pre-2023 place of prediction settings instead of honouring it. */
  strict2023: boolean;
}

/** The request's `model.model_version.output_info` (output_config and params only), validated for the type. */
function overrideOf(type: ModelTypeDef, requestModel: JsonObject | undefined): JsonObject | undefined {
  const mv = requestModel?.model_version;
  const oi = isJsonObject(mv) ? mv.output_info : undefined;
  if (!isJsonObject(oi)) return undefined;
  const picked: JsonObject = {};
  if (isJsonObject(oi.output_config)) picked.output_config = oi.output_config;
  if (isJsonObject(oi.params)) picked.params = oi.params;
  // A params key counts even at 0 (keep_fraction: 0, min_value: 0); output_config zeros mean "not set".
  const given = hasContent(picked.output_config) || (isJsonObject(picked.params) && Object.keys(picked.params).length > 0);
  return given ? validateOutputInfoOverride(type, picked) : undefined;
}

interface Plan {
  model: Model;
  version: ModelVersion;
  plugin: ModelPlugin;
  /** Set for concept-producing types. */
  config?: OutputConfig;
  params: JsonObject;
  unmatched: string[];
}

/** The reads every call makes, reused until the store changes (see ReadMemo). */
interface Reads {
  models: ReadMemo<Model>;
  versions: ReadMemo<ModelVersion>;
}

async function plan(deps: PredictDeps, reads: Reads, ctx: CallContext, req: api.PostModelOutputsRequest): Promise<Plan> {
  const requestModel = req.model ? asJson(req.model) : undefined;
  const legacyLayer = legacyOverride(requestModel, deps.strict2023);
  const model = await reads.models.get(readKey('model', ctx, req.model_id), ctx.now, () => findModel(deps.store, ctx, req.model_id));
  const type = deps.types.get(model.modelTypeId);
  const cannotRun = (): ApiError =>
    new ApiError(
      Code.MODEL_INVALID_ARGUMENT,
      `Model '${model.id}' is a ${model.modelTypeId}, which this server cannot run; it predicts with: ${deps.plugins.typeIds().join(', ')}.`,
    );
  if (!type || !deps.plugins.get(model.modelTypeId)) throw cannotRun();
  const override = overrideOf(type, requestModel);
  const legacy = legacyLayer ? validateOutputInfoOverride(type, legacyLayer) : undefined;
  const versionId = req.version_id ?? '';
  const version = await reads.versions.get(`${model.pk}\u0000${versionId}`, ctx.now, () => versionForPredict(deps.store, model, versionId));
  // Its type's plugin, or the package runtime for an uploaded version.
  const plugin = deps.plugins.forVersion(model, version);
  if (!plugin) throw cannotRun();
  const params = effectiveParams(version.outputInfo, override);
  if (type.conceptsField === undefined) return { model, version, plugin, params, unmatched: [] };
  const config = effectiveOutputConfig(version.outputInfo, override, legacy);
  return { model, version, plugin, params, config, unmatched: checkSelection(config.selectConcepts, version.concepts) };
}

function topStatus(ctx: CallContext, outcomes: PredictOutcome[], unmatched: string[]): ApiStatus {
  const failed = outcomes.filter((o) => !o.ok).length;
  if (failed === outcomes.length) return statusOf(Code.FAILURE, `All ${failed} inputs failed; each output's status says why.`, ctx.reqId);
  const notes: string[] = [];
  if (failed > 0) notes.push(`${failed} of ${outcomes.length} inputs failed; each output's status says why`);
  if (unmatched.length > 0) notes.push(`select_concepts ${unmatched.join(', ')} matched no concept of the model version`);
  return statusOf(notes.length > 0 ? Code.MIXED_STATUS : Code.SUCCESS, notes.length > 0 ? `${notes.join('; ')}.` : undefined, ctx.reqId);
}

/**
 * PostModelOutputs: one output per input, in order, each with its own status; the top-level
 * status is 10000, 10010 MIXED_STATUS or 10020 FAILURE (Jan-2023 rule, reference §6.3).
 */
export function predictRpcs(deps: PredictDeps) {
  const reads: Reads = { models: new ReadMemo(deps.store.changes), versions: new ReadMemo(deps.store.changes) };
  return typedRpcs({
    PostModelOutputs: {
      access: 'app-read',
      async handle(ctx, req) {
        const raws = req.inputs ?? [];
        if (raws.length === 0)
          throw new ApiError(Code.PREDICT_INVALID_REQUEST, 'PostModelOutputs needs at least one input in "inputs", e.g. [{"data": {"text": {"raw": "…"}}}].');
        checkCount(raws.length, 'PostModelOutputs', 'inputs', Code.PREDICT_INVALID_REQUEST);
        const p = await plan(deps, reads, ctx, req);
        const kind = await p.plugin.inputKind(p.version, p.model);
        // Ids of the outputs and of the inputs sent without one, drawn in one go.
        const ids = new IdPool(2 * raws.length);
        const newId = (): string => ids.next();
        const decoded: DecodedInput[] = [];
        const outcomes: PredictOutcome[] = [];
        // A group's downloads keep their share of the budget until the group is predicted and its bytes
        // dropped. A download the budget cannot serve while the group holds bytes is left pending (waiting
        // while holding could deadlock two requests); the group's ready inputs are predicted first, the
        // budget given back, and the pending ones fetched again (docs/decisions/0038).
        const hold = deps.budget?.hold();
        for (const group of inputGroups(raws)) {
          const desc = `model '${p.model.id}' (${p.model.modelTypeId})`;
          const inGroup = await decodeInputs(group, kind, desc, deps.fetchUrl, newId, hold);
          const outcomeOf = new Map<DecodedInput, PredictOutcome>();
          try {
            for (;;) {
              const ready = inGroup.filter((d) => d.input && !outcomeOf.has(d));
              const results =
                ready.length > 0 ? await p.plugin.predict({ model: p.model, version: p.version, params: p.params, inputs: ready.map((d) => d.input!) }) : [];
              ready.forEach((d, i) => {
                outcomeOf.set(d, results[i]!);
                delete d.input; // the downloaded bytes: let them go before more are fetched
              });
              hold?.release();
              if (!hold || !inGroup.some((d) => d.pending)) break;
              await fetchPending(inGroup, deps.fetchUrl, hold);
            }
          } finally {
            hold?.release();
          }
          for (const d of inGroup) {
            outcomes.push(d.error ? { ok: false, ...d.error } : outcomeOf.get(d)!);
            decoded.push(d);
          }
        }
        // Shared by every output (the encoders only read them): the light model, the time, the OK status.
        const light = sharedLightModel(p.model, p.version);
        const now = ts(ctx.now);
        const ok = outputStatus(Code.SUCCESS);
        const appId = p.version.appId;
        const outputs = new Array<api.Output>(outcomes.length);
        for (let i = 0; i < outcomes.length; i++) {
          const o = outcomes[i]!;
          const out: api.Output = { id: newId(), status: o.ok ? ok : outputStatus(o.code, o.details), created_at: now, model: light, input: decoded[i]!.echo };
          if (o.ok) {
            const data = p.config && o.data.concepts ? { ...o.data, concepts: applyOutputConfig(o.data.concepts, p.config) } : o.data;
            out.data = outputDataToApi(data, appId);
          }
          outputs[i] = out;
        }
        return { status: topStatus(ctx, outcomes, p.unmatched), outputs };
      },
    },
  });
}
