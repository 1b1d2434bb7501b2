import type { DatasetVersion } from '../../domain/inputs.js';
import { Code, describe } from '../../domain/status-codes.js';
import type { DatasetRepo } from '../../ports/inputs-store.js';
import type { ApiObject } from '../core/context.js';
import type { ArchiveFormat } from './dataset-archive.js';
import { signedExportUrl } from './export-url.js';

/** DatasetVersionExportFormat's numbers (resources.proto). */
export const FORMAT_NUMBERS: Record<ArchiveFormat | 'COCO', number> = { CLARIFAI_DATA_PROTOBUF: 1, COCO: 2, CLARIFAI_DATA_JSON: 3 };
/** DatasetVersionExportInfo's field of each format. */
const INFO_FIELDS: Record<ArchiveFormat, string> = { CLARIFAI_DATA_PROTOBUF: 'clarifai_data_protobuf', CLARIFAI_DATA_JSON: 'clarifai_data_json' };

export const exportFile = (format: string): string => `${format.toLowerCase()}.zip`;

/** A made export as the API shows it: format, 64200, a freshly signed url, its size in bytes (uint64: a string). */
export function madeExportToApi(v: DatasetVersion, format: ArchiveFormat, size: number, base: string | undefined, now: number): ApiObject {
  const out: ApiObject = {
    format: FORMAT_NUMBERS[format],
    status: { code: Code.DATASET_VERSION_EXPORT_SUCCESS, description: describe(Code.DATASET_VERSION_EXPORT_SUCCESS) },
    size: String(size),
  };
  if (base) out.url = signedExportUrl(base, v.pk, { userId: v.userId, appId: v.appId, datasetId: v.datasetId, versionId: v.id, file: exportFile(format) }, now);
  return out;
}

/** `export_info` of each version that has exports (GetDatasetVersion, ListDatasetVersions); versions without any are absent. */
export async function exportInfoOf(
  datasets: DatasetRepo,
  versions: readonly DatasetVersion[],
  base: string | undefined,
  now: number,
): Promise<Map<string, ApiObject>> {
  const byPk = new Map(versions.map((v) => [v.pk, v]));
  const out = new Map<string, ApiObject>();
  for (const e of await datasets.exportsOf([...byPk.keys()])) {
    const v = byPk.get(e.versionPk);
    const field = INFO_FIELDS[e.format as ArchiveFormat];
    if (!v || !field) continue;
    const info = out.get(v.pk) ?? {};
    info[field] = madeExportToApi(v, e.format as ArchiveFormat, e.size, base, now);
    out.set(v.pk, info);
  }
  return out;
}
