import type { DatasetVersion } from '../../domain/inputs.js';
import { checkCount } from '../../domain/limits.js';
import { Code, describe } from '../../domain/status-codes.js';
import type { Store } from '../../ports/store.js';
import { type ApiObject, typedRpcs } from '../core/context.js';
import { type ArchiveFormat, buildArchive, exportedInput } from '../exports/dataset-archive.js';
import { FORMAT_NUMBERS, madeExportToApi } from '../exports/export-info.js';
import { bad, findDatasetVersion, notFound } from './datasets.service.js';

const FORMAT_OF = new Map<number, ArchiveFormat | 'COCO'>(Object.entries(FORMAT_NUMBERS).map(([name, n]) => [n, name as ArchiveFormat | 'COCO']));

/** The archive of a version in `format`: its frozen inputs that still exist, oldest key first, each with the labels it froze. */
async function archiveOf(store: Store, v: DatasetVersion, format: ArchiveFormat, base: string | undefined, encodeBatch: (b: ApiObject) => Uint8Array) {
  const frozen = await store.datasets.versionInputs(v.pk);
  const byPk = new Map((await store.inputs.getByPks(frozen.map((f) => f.inputPk))).map((i) => [i.pk, i]));
  const inputs = frozen.flatMap((f) => {
    const input = byPk.get(f.inputPk);
    return input ? [exportedInput(input, f, base)] : [];
  });
  return buildArchive(format, inputs, encodeBatch);
}

/**
 * PutDatasetVersionExports (decision 0046). An export is made at once, in the call, and kept: the
 * answer is 64200 with the url and size on the first call already, and the same archive on every
 * later one — Clarifai's client polls this PUT while the status is 64201 / 64203 and then reads the
 * url (clarifai-python, clarifai/client/dataset.py, Dataset.archive_zip). COCO describes regions
 * (boxes, masks), which modelkeep does not keep: that export answers 64202 saying so.
 */
export function datasetExportRpcs(store: Store, encodeBatch: (batch: ApiObject) => Uint8Array, hostedBase: () => string | undefined = () => undefined) {
  return typedRpcs({
    PutDatasetVersionExports: {
      access: 'app-write',
      async handle(ctx, req) {
        const list = req.exports ?? [];
        if (list.length === 0)
          throw bad('PutDatasetVersionExports needs the exports to make in "exports", e.g. {"exports": [{"format": "CLARIFAI_DATA_PROTOBUF"}]}.');
        checkCount(list.length, 'PutDatasetVersionExports', 'exports', Code.CONN_BAD_REQUEST_FORMAT);
        const formats = list.map((e, i) => {
          const set = Object.keys(e).filter((k) => k !== 'format' && !(k === 'include_embeddings' && e.include_embeddings === false));
          if (set.length > 0)
            throw bad(`exports[${i}].${set[0]} cannot be set: only the format of an export is chosen (embeddings are not exported); the rest is computed.`);
          const format = FORMAT_OF.get(Number(e.format ?? 0));
          if (!format) throw bad(`exports[${i}].format is required: CLARIFAI_DATA_PROTOBUF (1), CLARIFAI_DATA_JSON (3) or COCO (2).`);
          return format;
        });
        const v = await findDatasetVersion(store, ctx, req.dataset_id, req.dataset_version_id);
        const base = hostedBase();
        const made = new Map<string, ApiObject>();
        for (const format of new Set(formats)) {
          if (format === 'COCO') {
            made.set(format, {
              format: FORMAT_NUMBERS.COCO,
              status: {
                code: Code.DATASET_VERSION_EXPORT_FAILED,
                description: describe(Code.DATASET_VERSION_EXPORT_FAILED),
                details:
                  'COCO describes regions (bounding boxes, masks); modelkeep keeps image-level concepts only, so there is nothing to write. Export CLARIFAI_DATA_PROTOBUF or CLARIFAI_DATA_JSON.',
              },
            });
            continue;
          }
          const kept =
            (await store.datasets.getExport(v.pk, format)) ??
            (await store.datasets.putExport(v.pk, format, await archiveOf(store, v, format, base, encodeBatch), ctx.now));
          if (!kept) throw notFound(`Dataset version '${v.id}' was deleted while it was exported.`);
          made.set(format, madeExportToApi(v, format, kept.archive.byteLength, base, ctx.now));
        }
        return { exports: formats.map((f) => made.get(f)!) };
      },
    },
  });
}
