import { Code, type StatusCode } from '../../domain/status-codes.js';
import type { Clock } from '../../ports/clock.js';
import type { Store } from '../../ports/store.js';
import { exportFile } from './export-info.js';
import { checkExportSignature, type ExportTarget } from './export-url.js';

export type ExportDownload = { ok: true; bytes: Uint8Array; fileName: string } | { ok: false; code: StatusCode; details: string };

const FORMAT_OF_FILE = new Map(['CLARIFAI_DATA_PROTOBUF', 'CLARIFAI_DATA_JSON'].map((f) => [exportFile(f), f]));

/**
 * The archive behind a signed export URL (export-url.ts). The signature is the credential, as on a
 * pre-signed URL: no key is asked. A URL that names nothing, or whose signature does not match, is
 * 11101 (it reveals nothing about what exists); an expired one is 11008 saying to ask for a fresh URL.
 */
export function exportDownloader(store: Store, clock: Clock) {
  return async (t: ExportTarget, expires: string, signature: string): Promise<ExportDownload> => {
    const gone = (details: string): ExportDownload => ({ ok: false, code: Code.CONN_DOES_NOT_EXIST, details });
    const format = FORMAT_OF_FILE.get(t.file);
    const dataset = format ? await store.datasets.get(t.userId, t.appId, t.datasetId) : undefined;
    const version = dataset ? await store.datasets.getVersion(dataset.pk, t.versionId) : undefined;
    if (!format || !version) return gone('No export at this URL: PutDatasetVersionExports answers the URL of an export.');
    const refused = checkExportSignature(version.pk, t, expires, signature, clock.now());
    if (refused === 'the URL has expired')
      return {
        ok: false,
        code: Code.CONN_KEY_INVALID,
        details: 'This export URL has expired: PutDatasetVersionExports or GetDatasetVersion answers a fresh one.',
      };
    if (refused) return gone(`No export at this URL (${refused}): PutDatasetVersionExports answers the URL of an export.`);
    const kept = await store.datasets.getExport(version.pk, format);
    if (!kept) return gone(`Dataset version '${version.id}' has no ${format} export: make it with PutDatasetVersionExports.`);
    return { ok: true, bytes: kept.archive, fileName: `${dataset!.id}-${version.id}-${t.file}` };
  };
}
