import { setImmediate as nextTurn } from 'node:timers/promises';
import { ApiError, DuplicateKeyError } from '../../domain/errors.js';
import { checkBatch, duplicateIds, parseNewInput, patchAnnotations } from '../../domain/input-rules.js';
import type { Input, NewInput } from '../../domain/inputs.js';
import { checkCount } from '../../domain/limits.js';
import { parsePatchAction } from '../../domain/patch.js';
import { Code } from '../../domain/status-codes.js';
import type * as api from '../../gen/api.js';
import type { Repos, Store } from '../../ports/store.js';
import { asJson, type CallContext, typedRpcs } from '../core/context.js';
import { pageOf } from '../core/paging.js';
import { inputCountsToApi, inputToApi } from '../mappers/input.mapper.js';

const where = (ctx: CallContext): string => `app '${ctx.app!.userId}/${ctx.app!.id}'`;
const quoted = (ids: string[]): string => ids.map((id) => `'${id}'`).join(', ');

/**
 * A missing input is 11101 CONN_DOES_NOT_EXIST, not 30102: Clarifai's python-grpc tests poll GetInput
 * after DeleteInputs until it answers CONN_DOES_NOT_EXIST (decision 0011). One rule for every RPC
 * that names inputs by id.
 */
const inputsNotFound = (ids: string[], ctx: CallContext): ApiError =>
  new ApiError(Code.CONN_DOES_NOT_EXIST, `Input ${quoted(ids)} does not exist in ${where(ctx)} (never created, or deleted).`);

/** The inputs with these ids in request order, or 11101 naming every missing one. */
export async function findInputs(repos: Repos, ctx: CallContext, ids: string[]): Promise<Input[]> {
  const found = new Map((await repos.inputs.getMany(ctx.app!.userId, ctx.app!.id, ids)).map((i) => [i.id, i]));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw inputsNotFound(missing, ctx);
  return ids.map((id) => found.get(id)!);
}

export async function findInput(repos: Repos, ctx: CallContext, rawId: unknown, forUpdate = false): Promise<Input> {
  const id = String(rawId ?? '');
  if (!id) throw new ApiError(Code.INPUT_INVALID_REQUEST, 'input_id is required.');
  const i = await repos.inputs.get(ctx.app!.userId, ctx.app!.id, id, forUpdate);
  if (!i) throw inputsNotFound([id], ctx);
  return i;
}

/** Dataset ids named by new inputs -> their pks, parallel to `inputs`; 30104 for a dataset that does not exist. */
async function datasetPksFor(tx: Repos, ctx: CallContext, inputs: NewInput[]): Promise<string[][]> {
  const ids = [...new Set(inputs.flatMap((i) => i.datasetIds))];
  const found = new Map((await tx.datasets.getMany(ctx.app!.userId, ctx.app!.id, ids)).map((d) => [d.id, d.pk]));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0)
    throw new ApiError(
      Code.INPUT_INVALID_ARGUMENT,
      `dataset_ids: dataset ${quoted(missing)} does not exist in ${where(ctx)}; create it with PostDatasets first.`,
    );
  return inputs.map((i) => i.datasetIds.map((id) => found.get(id)!));
}

function refuseUnsupported(req: api.PostInputsRequest): void {
  // inputs_add_job_id is accepted and not tracked: the clarifai-nodejs SDK's Input.uploadInputs sets a
  // fresh uuid on every PostInputs (and never reads the job back); GetInputsAddJob answers 10040.
  if (req.input_id_conflict_resolution)
    throw new ApiError(
      Code.INPUT_INVALID_REQUEST,
      'input_id_conflict_resolution is not supported by modelkeep: an input id that is already taken is refused with 40010.',
    );
}

/**
 * Inputs: uploaded labelled data. PostInputs stores the inputs as pending (30001) in one
 * transaction and returns at once; the InputProcessor computes their embeddings in the background.
 * `onInputsAdded` wakes that processor when it runs in this process.
 */
export function inputRpcs(store: Store, onInputsAdded: () => void = () => {}, hostedBase: () => string | undefined = () => undefined) {
  const toApi = (i: Input): api.Input => inputToApi(i, hostedBase());
  return typedRpcs({
    PostInputs: {
      access: 'app-write',
      async handle(ctx, req) {
        const list = req.inputs ?? [];
        checkBatch(list.length, 'PostInputs');
        refuseUnsupported(req);
        const inputs = list.map((raw, i) => parseNewInput(asJson(raw), i, { userId: ctx.app!.userId, appId: ctx.app!.id, now: ctx.now }));
        const dups = duplicateIds(inputs.map((i) => i.id));
        if (dups.length > 0)
          throw new ApiError(Code.DATABASE_DUPLICATE_KEY, `Input id ${quoted(dups)} appears more than once in this request; input ids are unique per app.`);
        // The body's decoding and these checks ran in this turn (tens of ms at the caps); the
        // transaction's first statements (synchronous on SQLite) start in the next, after other requests.
        await nextTurn();
        await store.transaction(async (tx) => {
          const datasetPks = await datasetPksFor(tx, ctx, inputs);
          await tx.concepts.ensure(
            ctx.app!.userId,
            ctx.app!.id,
            inputs.flatMap((i) => i.concepts.map((c) => c.id)),
            ctx.now,
          );
          await tx.inputs.create(inputs, datasetPks).catch((e: unknown) => {
            throw e instanceof DuplicateKeyError
              ? new ApiError(
                  Code.DATABASE_DUPLICATE_KEY,
                  `Input id '${e.key}' already exists in ${where(ctx)}; choose another id or leave id empty for a generated one.`,
                )
              : e;
          });
        });
        onInputsAdded();
        return {
          inputs: (
            await findInputs(
              store,
              ctx,
              inputs.map((i) => i.id),
            )
          ).map(toApi),
        };
      },
    },
    GetInput: {
      access: 'app-read',
      async handle(ctx, req) {
        return { input: toApi(await findInput(store, ctx, req.input_id)) };
      },
    },
    ListInputs: {
      access: 'app-read',
      async handle(ctx, req) {
        const ids = req.ids ?? [];
        checkCount(ids.length, 'ListInputs', 'ids', Code.INPUT_INVALID_REQUEST);
        const statusCode = req.status?.code ?? 0;
        const inputs = await store.inputs.list({
          userId: ctx.app!.userId,
          appId: ctx.app!.id,
          page: pageOf(req, Code.INPUT_INVALID_REQUEST),
          ...(ids.length > 0 ? { ids } : {}),
          ...(statusCode ? { statusCode } : {}),
        });
        return { inputs: inputs.map(toApi) };
      },
    },
    PatchInputs: {
      access: 'app-write',
      async handle(ctx, req) {
        const action = parsePatchAction(req.action);
        const list = req.inputs ?? [];
        checkBatch(list.length, 'PatchInputs');
        const ids = list.map((raw, i) => {
          if (!raw.id) throw new ApiError(Code.INPUT_INVALID_REQUEST, `inputs[${i}].id is required: PatchInputs names the inputs to change.`);
          if (raw.dataset_ids?.length)
            throw new ApiError(Code.INPUT_INVALID_ARGUMENT, `inputs[${i}].dataset_ids cannot be patched; add inputs to a dataset with PostDatasetInputs.`);
          return raw.id;
        });
        const dups = duplicateIds(ids);
        if (dups.length > 0)
          throw new ApiError(Code.INPUT_INVALID_REQUEST, `Input ${quoted(dups)} appears more than once in this request; send one entry per input.`);
        // Rows are locked in id order, so concurrent patches of overlapping inputs cannot deadlock.
        const order = [...list.entries()].sort(([, a], [, b]) => ((a.id ?? '') < (b.id ?? '') ? -1 : 1));
        await store.transaction(async (tx) => {
          for (const [i, raw] of order) {
            const cur = await findInput(tx, ctx, raw.id, true);
            const next = patchAnnotations(cur, raw.data ?? {}, action, `inputs[${i}]`);
            await tx.concepts.ensure(
              ctx.app!.userId,
              ctx.app!.id,
              next.concepts.map((c) => c.id),
              ctx.now,
            );
            await tx.inputs.updateAnnotations(cur.pk, next.concepts, next.metadata, ctx.now, next.geo);
          }
        });
        return { inputs: (await findInputs(store, ctx, ids)).map(toApi) };
      },
    },
    DeleteInput: {
      access: 'app-write',
      async handle(ctx, req) {
        const input = await findInput(store, ctx, req.input_id);
        await store.inputs.delete([input.pk]);
        return {};
      },
    },
    DeleteInputs: {
      access: 'app-write',
      async handle(ctx, req) {
        const ids = [...new Set(req.ids ?? [])];
        checkBatch(ids.length, 'DeleteInputs', 'ids');
        // All or nothing: an unknown id fails the call before anything is deleted.
        await store.transaction(async (tx) => {
          const inputs = await findInputs(tx, ctx, ids);
          await tx.inputs.delete(inputs.map((i) => i.pk));
        });
        return {};
      },
    },
    GetInputCount: {
      access: 'app-read',
      async handle(ctx) {
        return { counts: inputCountsToApi(await store.inputs.countByStatus(ctx.app!.userId, ctx.app!.id)) };
      },
    },
  });
}
