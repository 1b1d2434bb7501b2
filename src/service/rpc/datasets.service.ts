import { ApiError, DuplicateKeyError } from '../../domain/errors.js';
import { isValidId, newId } from '../../domain/ids.js';
import { checkBatch, duplicateIds } from '../../domain/input-rules.js';
import type { Dataset, DatasetVersion, SnapshotInput } from '../../domain/inputs.js';
import { isJsonObject, type JsonObject } from '../../domain/json.js';
import { checkCount, MAX_DESCRIPTION_CHARS, MAX_NOTES_BYTES } from '../../domain/limits.js';
import { Code } from '../../domain/status-codes.js';
import type * as api from '../../gen/api.js';
import type { Repos, Store } from '../../ports/store.js';
import { type CallContext, typedRpcs } from '../core/context.js';
import { pageOf } from '../core/paging.js';
import { exportInfoOf } from '../exports/export-info.js';
import { datasetToApi, datasetVersionToApi, inputToApi } from '../mappers/input.mapper.js';
import { ts } from '../mappers/time.js';
import { findInputs } from './inputs.service.js';

// Dataset requests are refused with 11100, as app requests are: Clarifai has no dataset argument code.
export const bad = (details: string): ApiError => new ApiError(Code.CONN_BAD_REQUEST_FORMAT, details);
export const notFound = (details: string): ApiError => new ApiError(Code.CONN_DOES_NOT_EXIST, details);

export function refuse<T extends object>(raw: T, fields: ReadonlyArray<keyof T & string>, path: string, hint: string): void {
  for (const f of fields) if (raw[f] !== undefined && raw[f] !== null && raw[f] !== false) throw bad(`${path}.${f} is not supported by modelkeep; ${hint}`);
}

/** Same limits as on models, with the dataset's own status code. */
export function checkText(value: string, path: string, notes = false): void {
  const size = notes ? Buffer.byteLength(value, 'utf8') : value.length;
  const max = notes ? MAX_NOTES_BYTES : MAX_DESCRIPTION_CHARS;
  if (size > max) throw bad(`${path} is ${size} ${notes ? 'bytes' : 'characters'}; the limit is ${max}.`);
}

function idOf(raw: { id?: string }, path: string): string {
  const id = raw.id || newId();
  if (!isValidId(id)) throw bad(`${path}.id '${id.slice(0, 140)}' is invalid: 1-128 letters, digits, '_' or '-', starting with a letter or digit.`);
  return id;
}

export function metadataOf(raw: { metadata?: JsonObject }, path: string): JsonObject {
  if (raw.metadata === undefined || raw.metadata === null) return {};
  if (!isJsonObject(raw.metadata)) throw bad(`${path}.metadata must be a JSON object.`);
  return raw.metadata;
}

function newDataset(raw: api.Dataset, i: number, ctx: CallContext): Dataset {
  const path = `datasets[${i}]`;
  refuse(
    raw,
    ['default_annotation_filter', 'default_processing_info', 'version', 'image', 'bookmark_origin'],
    path,
    'send id, description, notes and metadata.',
  );
  const description = raw.description ?? '';
  const notes = raw.notes ?? '';
  checkText(description, `${path}.description`);
  checkText(notes, `${path}.notes`, true);
  return {
    pk: newId(),
    userId: ctx.app!.userId,
    appId: ctx.app!.id,
    id: idOf(raw, path),
    description,
    notes,
    metadata: metadataOf(raw, path),
    createdAt: ctx.now,
    modifiedAt: ctx.now,
  };
}

export async function findDataset(repos: Repos, ctx: CallContext, rawId: unknown, forUpdate = false): Promise<Dataset> {
  const id = String(rawId ?? '');
  if (!id) throw bad('dataset_id is required.');
  const d = await repos.datasets.get(ctx.app!.userId, ctx.app!.id, id, forUpdate);
  if (!d) throw notFound(`Dataset '${id}' does not exist in app '${ctx.app!.userId}/${ctx.app!.id}'. Create it with PostDatasets.`);
  return d;
}

/** Reads a dataset version by the request's ids, 11101 when either is missing. */
export async function findDatasetVersion(store: Repos, ctx: CallContext, datasetId: unknown, versionId: unknown): Promise<DatasetVersion> {
  const d = await findDataset(store, ctx, datasetId);
  const vid = String(versionId ?? '');
  const v = vid ? await store.datasets.getVersion(d.pk, vid) : undefined;
  if (!v) throw notFound(`Dataset '${d.id}' has no version '${vid}'. ListDatasetVersions lists them; PostDatasetVersions makes one.`);
  return v;
}

/** Freezes the dataset's current members with their current labels. */
async function snapshot(tx: Repos, ctx: CallContext, d: Dataset): Promise<{ inputs: SnapshotInput[]; counts: DatasetVersion['counts'] }> {
  const rows = await tx.inputs.trainingRows({ userId: d.userId, appId: d.appId, conceptIds: [], datasetPk: d.pk });
  const inputs = rows.map((r) => ({ inputPk: r.pk, labels: r.labels }));
  const positiveTags = inputs.reduce((n, s) => n + s.labels.filter((l) => l.value > 0).length, 0);
  return { inputs, counts: { inputs: inputs.length, unlabeled: inputs.filter((s) => s.labels.length === 0).length, positiveTags } };
}

const duplicate =
  (what: string, ctx: CallContext) =>
  (e: unknown): never => {
    throw e instanceof DuplicateKeyError
      ? new ApiError(Code.DATABASE_DUPLICATE_KEY, `${what} '${e.key}' already exists in app '${ctx.app!.id}'; choose another id.`)
      : e;
  };

/** Datasets group inputs; a dataset version is a frozen snapshot of its inputs and their labels, for reproducible training. */
/** `hostedBase`: the REST port's public URL, for the hosted image URLs of the inputs listed (hosted-images.ts). */
export function datasetRpcs(store: Store, hostedBase: () => string | undefined = () => undefined) {
  /** Versions as the API shows them, with the exports PutDatasetVersionExports made (export_info, freshly signed urls). */
  const withExportInfo = async (versions: DatasetVersion[], now: number) => {
    const info = await exportInfoOf(store.datasets, versions, hostedBase(), now);
    return versions.map((v) => {
      const out = datasetVersionToApi(v);
      const e = info.get(v.pk);
      if (e) out.export_info = e;
      return out;
    });
  };
  return typedRpcs({
    PostDatasets: {
      access: 'app-write',
      async handle(ctx, req) {
        const list = req.datasets ?? [];
        if (list.length === 0) throw bad('PostDatasets needs at least one dataset in "datasets".');
        checkCount(list.length, 'PostDatasets', 'datasets', Code.CONN_BAD_REQUEST_FORMAT);
        const datasets = list.map((raw, i) => newDataset(raw, i, ctx));
        const dups = duplicateIds(datasets.map((d) => d.id));
        if (dups.length > 0) throw new ApiError(Code.DATABASE_DUPLICATE_KEY, `Dataset '${dups.join("', '")}' appears more than once in this request.`);
        await store.transaction(async (tx) => {
          for (const d of datasets) await tx.datasets.create(d).catch(duplicate('Dataset', ctx));
        });
        return { datasets: datasets.map(datasetToApi) };
      },
    },
    GetDataset: {
      access: 'app-read',
      async handle(ctx, req) {
        return { dataset: datasetToApi(await findDataset(store, ctx, req.dataset_id)) };
      },
    },
    ListDatasets: {
      access: 'app-read',
      async handle(ctx, req) {
        refuse(req, ['starred_only', 'bookmark', 'search', 'id'], 'ListDatasets', 'list all datasets and page with page / per_page.');
        const list = await store.datasets.list(ctx.app!.userId, ctx.app!.id, pageOf(req, Code.CONN_BAD_REQUEST_FORMAT));
        return { datasets: list.map(datasetToApi) };
      },
    },
    PostDatasetInputs: {
      access: 'app-write',
      async handle(ctx, req) {
        refuse(req, ['search'], 'PostDatasetInputs', 'name the inputs in dataset_inputs[].input.id.');
        const list = req.dataset_inputs ?? [];
        checkBatch(list.length, 'PostDatasetInputs', 'dataset_inputs');
        const ids = [
          ...new Set(
            list.map((di, i) => {
              const id = di.input?.id ?? '';
              if (!id) throw new ApiError(Code.INPUT_INVALID_REQUEST, `dataset_inputs[${i}].input.id is required.`);
              return id;
            }),
          ),
        ];
        const inputs = await store.transaction(async (tx) => {
          const d = await findDataset(tx, ctx, req.dataset_id);
          const found = await findInputs(tx, ctx, ids);
          await tx.datasets.addInputs(
            d.pk,
            found.map((i) => i.pk),
            ctx.now,
          );
          return found;
        });
        const fresh = await findInputs(
          store,
          ctx,
          inputs.map((i) => i.id),
        );
        return { dataset_inputs: fresh.map((i) => ({ created_at: ts(ctx.now), input: inputToApi(i, hostedBase()) })) };
      },
    },
    ListDatasetInputs: {
      access: 'app-read',
      async handle(ctx, req) {
        const d = await findDataset(store, ctx, req.dataset_id);
        const members = await store.datasets.listInputs(d.pk, pageOf(req, Code.CONN_BAD_REQUEST_FORMAT));
        const byPk = new Map((await store.inputs.getByPks(members.map((m) => m.inputPk))).map((i) => [i.pk, i]));
        const rows = members.flatMap((m) => {
          const i = byPk.get(m.inputPk);
          return i ? [{ created_at: ts(m.addedAt), input: inputToApi(i, hostedBase()) }] : [];
        });
        return { dataset_inputs: rows };
      },
    },
    PostDatasetVersions: {
      access: 'app-write',
      async handle(ctx, req) {
        const list = req.dataset_versions ?? [];
        if (list.length === 0) throw bad('PostDatasetVersions needs the version to create in "dataset_versions" (an empty object is enough).');
        checkCount(list.length, 'PostDatasetVersions', 'dataset_versions', Code.CONN_BAD_REQUEST_FORMAT);
        const versions = await store.transaction(async (tx) => {
          const d = await findDataset(tx, ctx, req.dataset_id);
          const out: DatasetVersion[] = [];
          for (const [i, raw] of list.entries()) {
            const path = `dataset_versions[${i}]`;
            refuse(
              raw,
              ['annotation_filter_config', 'model_predict_config', 'embed_model_version_ids', 'export_info'],
              path,
              'a version snapshots every input of the dataset with its labels.',
            );
            const description = raw.description ?? '';
            checkText(description, `${path}.description`);
            const { inputs, counts } = await snapshot(tx, ctx, d);
            const v: DatasetVersion = {
              pk: newId(),
              datasetPk: d.pk,
              datasetId: d.id,
              userId: d.userId,
              appId: d.appId,
              id: idOf(raw, path),
              description,
              metadata: metadataOf(raw, path),
              statusCode: Code.DATASET_VERSION_READY,
              counts,
              createdAt: ctx.now,
              modifiedAt: ctx.now,
            };
            await tx.datasets.createVersion(v, inputs).catch(duplicate('Dataset version', ctx));
            out.push(v);
          }
          return out;
        });
        return { dataset_versions: versions.map(datasetVersionToApi) };
      },
    },
    GetDatasetVersion: {
      access: 'app-read',
      async handle(ctx, req) {
        const v = await findDatasetVersion(store, ctx, req.dataset_id, req.dataset_version_id);
        return { dataset_version: (await withExportInfo([v], ctx.now))[0] };
      },
    },
    ListDatasetVersions: {
      access: 'app-read',
      async handle(ctx, req) {
        const d = await findDataset(store, ctx, req.dataset_id);
        const list = await store.datasets.listVersions(d.pk, pageOf(req, Code.CONN_BAD_REQUEST_FORMAT));
        return { dataset_versions: await withExportInfo(list, ctx.now) };
      },
    },
  });
}
