import { ApiError } from '../../domain/errors.js';
import { duplicateIds } from '../../domain/input-rules.js';
import type { DatasetVersion } from '../../domain/inputs.js';
import { isJsonObject, type JsonObject } from '../../domain/json.js';
import { checkCount } from '../../domain/limits.js';
import { applyPatch, parsePatchAction } from '../../domain/patch.js';
import { Code } from '../../domain/status-codes.js';
import type { Repos, Store } from '../../ports/store.js';
import { type CallContext, typedRpcs } from '../core/context.js';
import { datasetToApi, datasetVersionToApi, inputToApi } from '../mappers/input.mapper.js';
import { ts } from '../mappers/time.js';
import { bad, checkText, findDataset, metadataOf, notFound, refuse } from './datasets.service.js';
import { findInputs } from './inputs.service.js';

const quoted = (ids: string[]): string => ids.map((id) => `'${id}'`).join(', ');

/** The ids a Delete… request names: at least one, at most the call limit, each once. */
function idList(raw: unknown, rpc: string, field: string): string[] {
  const ids = Array.isArray(raw) ? raw.map(String) : [];
  if (ids.length === 0) throw bad(`${rpc} needs at least one id in "${field}".`);
  checkCount(ids.length, rpc, field, Code.CONN_BAD_REQUEST_FORMAT);
  if (ids.some((id) => id === '')) throw bad(`${rpc}: ${field} contains an empty id.`);
  return [...new Set(ids)];
}

/** Entries of a Patch* request: each names its id once. */
function patchEntries<T extends { id?: string }>(list: T[], rpc: string, field: string): T[] {
  if (list.length === 0) throw bad(`${rpc} needs at least one entry in "${field}".`);
  checkCount(list.length, rpc, field, Code.CONN_BAD_REQUEST_FORMAT);
  list.forEach((raw, i) => {
    if (!raw.id) throw bad(`${field}[${i}].id is required: ${rpc} names what to change.`);
  });
  const dups = duplicateIds(list.map((raw) => String(raw.id)));
  if (dups.length > 0) throw bad(`${quoted(dups)} appears more than once in ${field}; send one entry per id.`);
  return list;
}

/** The fields of `raw` that the view has, as a patch (absent / null fields are not part of it). */
function patchOf(
  raw: { description?: string; notes?: string; metadata?: JsonObject },
  fields: ('description' | 'notes' | 'metadata')[],
  path: string,
): JsonObject {
  const p: JsonObject = {};
  for (const f of fields) {
    const v = raw[f];
    if (v === undefined || v === null) continue;
    if (f === 'metadata') p.metadata = metadataOf(raw, path);
    else p[f] = String(v);
  }
  return p;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const obj = (v: unknown): JsonObject => (isJsonObject(v) ? v : {});

async function findVersions(repos: Repos, ctx: CallContext, datasetPk: string, datasetId: string, ids: string[]): Promise<DatasetVersion[]> {
  const found: DatasetVersion[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const v = await repos.datasets.getVersion(datasetPk, id);
    if (v) found.push(v);
    else missing.push(id);
  }
  if (missing.length > 0)
    throw notFound(
      `Dataset '${datasetId}' has no version ${quoted(missing)} in app '${ctx.app!.userId}/${ctx.app!.id}'. ListDatasetVersions shows its versions.`,
    );
  return found;
}

/**
 * Changing and deleting datasets, their members and their versions. PATCH applies Clarifai's
 * merge / overwrite / remove to a view of the patchable fields (decision 0003): a dataset's
 * description, notes and metadata; a version's description and metadata (its frozen inputs and
 * labels never change). Deletes are all or nothing: an unknown id fails the call before anything goes.
 */
export function datasetManageRpcs(store: Store, hostedBase: () => string | undefined = () => undefined) {
  return typedRpcs({
    PatchDatasets: {
      access: 'app-write',
      async handle(ctx, req) {
        const action = parsePatchAction(req.action);
        const list = patchEntries(req.datasets ?? [], 'PatchDatasets', 'datasets');
        list.forEach((raw, i) =>
          refuse(
            raw,
            ['default_annotation_filter', 'default_processing_info', 'version', 'image', 'bookmark_origin'],
            `datasets[${i}]`,
            'PatchDatasets changes description, notes and metadata.',
          ),
        );
        // Rows are locked in id order, so concurrent patches of overlapping datasets cannot deadlock.
        const order = [...list.entries()].sort(([, a], [, b]) => (String(a.id) < String(b.id) ? -1 : 1));
        const out = await store.transaction(async (tx) => {
          const done = new Map<number, ReturnType<typeof datasetToApi>>();
          for (const [i, raw] of order) {
            const cur = await findDataset(tx, ctx, raw.id, true);
            const next = applyPatch(
              { description: cur.description, notes: cur.notes, metadata: cur.metadata },
              patchOf(raw, ['description', 'notes', 'metadata'], `datasets[${i}]`),
              action,
            );
            const d = { ...cur, description: str(next.description), notes: str(next.notes), metadata: obj(next.metadata), modifiedAt: ctx.now };
            checkText(d.description, `datasets[${i}].description`);
            checkText(d.notes, `datasets[${i}].notes`, true);
            await tx.datasets.update(d);
            done.set(i, datasetToApi(d));
          }
          return list.map((_, i) => done.get(i)!);
        });
        return { datasets: out };
      },
    },
    DeleteDatasets: {
      access: 'app-write',
      async handle(ctx, req) {
        const ids = idList(req.dataset_ids, 'DeleteDatasets', 'dataset_ids');
        await store.transaction(async (tx) => {
          const found = await tx.datasets.getMany(ctx.app!.userId, ctx.app!.id, ids);
          const missing = ids.filter((id) => !found.some((d) => d.id === id));
          if (missing.length > 0) throw notFound(`Dataset ${quoted(missing)} does not exist in app '${ctx.app!.userId}/${ctx.app!.id}'; nothing was deleted.`);
          await tx.datasets.delete(found.map((d) => d.pk));
        });
        return {};
      },
    },
    GetDatasetInput: {
      access: 'app-read',
      async handle(ctx, req) {
        const d = await findDataset(store, ctx, req.dataset_id);
        const inputId = req.input_id ?? '';
        if (!inputId) throw new ApiError(Code.INPUT_INVALID_REQUEST, 'input_id is required.');
        const [input] = await findInputs(store, ctx, [inputId]);
        const [member] = await store.datasets.members(d.pk, [input!.pk]);
        if (!member) throw notFound(`Input '${inputId}' is not in dataset '${d.id}'; add it with PostDatasetInputs.`);
        return { dataset_input: { created_at: ts(member.addedAt), input: inputToApi(input!, hostedBase()) } };
      },
    },
    DeleteDatasetInputs: {
      access: 'app-write',
      async handle(ctx, req) {
        const ids = idList(req.input_ids, 'DeleteDatasetInputs', 'input_ids');
        await store.transaction(async (tx) => {
          const d = await findDataset(tx, ctx, req.dataset_id);
          const inputs = await findInputs(tx, ctx, ids);
          const members = new Set(
            (
              await tx.datasets.members(
                d.pk,
                inputs.map((i) => i.pk),
              )
            ).map((m) => m.inputPk),
          );
          const outside = inputs.filter((i) => !members.has(i.pk)).map((i) => i.id);
          if (outside.length > 0) throw notFound(`Input ${quoted(outside)} is not in dataset '${d.id}'; nothing was removed.`);
          await tx.datasets.removeInputs(
            d.pk,
            inputs.map((i) => i.pk),
          );
        });
        return {};
      },
    },
    PatchDatasetVersions: {
      access: 'app-write',
      async handle(ctx, req) {
        const action = parsePatchAction(req.action);
        const list = patchEntries(req.dataset_versions ?? [], 'PatchDatasetVersions', 'dataset_versions');
        list.forEach((raw, i) =>
          refuse(
            raw,
            ['annotation_filter_config', 'model_predict_config', 'embed_model_version_ids', 'export_info'],
            `dataset_versions[${i}]`,
            "a version's inputs and labels are frozen; PatchDatasetVersions changes description and metadata.",
          ),
        );
        const out = await store.transaction(async (tx) => {
          const d = await findDataset(tx, ctx, req.dataset_id, true);
          const done: DatasetVersion[] = [];
          for (const [i, raw] of list.entries()) {
            const cur = await tx.datasets.getVersion(d.pk, String(raw.id));
            if (!cur) throw notFound(`Dataset '${d.id}' has no version '${String(raw.id)}'; nothing was changed.`);
            const next = applyPatch(
              { description: cur.description, metadata: cur.metadata },
              patchOf(raw, ['description', 'metadata'], `dataset_versions[${i}]`),
              action,
            );
            const v = { ...cur, description: str(next.description), metadata: obj(next.metadata), modifiedAt: ctx.now };
            checkText(v.description, `dataset_versions[${i}].description`);
            await tx.datasets.updateVersion(v);
            done.push(v);
          }
          return done;
        });
        return { dataset_versions: out.map(datasetVersionToApi) };
      },
    },
    DeleteDatasetVersions: {
      access: 'app-write',
      async handle(ctx, req) {
        const ids = idList(req.dataset_version_ids, 'DeleteDatasetVersions', 'dataset_version_ids');
        const d = await findDataset(store, ctx, req.dataset_id);
        await store.transaction(async (tx) => {
          const found = await findVersions(tx, ctx, d.pk, d.id, ids);
          await tx.datasets.deleteVersions(found.map((v) => v.pk));
        });
        return {};
      },
    },
  });
}
