import { createHmac, timingSafeEqual } from 'node:crypto';

// Download URLs of dataset version exports. Clarifai answers a URL its client fetches with a fresh
// requests.Session() carrying no Authorization header (clarifai-python,
// clarifai/datasets/export/inputs_annotations.py, DatasetExportReader._download_temp_archive): a
// pre-signed URL. Ours are signed too: an HMAC over the path and the expiry, keyed by the dataset
// version's internal key — a random UUID the API never shows — so every process that reads the
// database can check one, the URL outlives restarts, and deleting the version revokes it.

/** Path prefix on the REST port (outside /v2, so no proto binding can collide). */
export const EXPORT_PATH = '/exports';
/** How long a URL answers (each PutDatasetVersionExports / GetDatasetVersion signs a fresh one). */
export const EXPORT_URL_TTL_MS = 60 * 60 * 1000;

export interface ExportTarget {
  userId: string;
  appId: string;
  datasetId: string;
  versionId: string;
  /** The archive's file name: the format's name in lower case, `.zip`. */
  file: string;
}

const seg = encodeURIComponent;

export function exportPath(t: ExportTarget): string {
  return `${EXPORT_PATH}/users/${seg(t.userId)}/apps/${seg(t.appId)}/datasets/${seg(t.datasetId)}/versions/${seg(t.versionId)}/${seg(t.file)}`;
}

function signature(versionPk: string, t: ExportTarget, expires: number): string {
  return createHmac('sha256', versionPk)
    .update(`${exportPath(t)}\n${expires}`)
    .digest('hex');
}

/** The signed URL of an export, valid until now + EXPORT_URL_TTL_MS. */
export function signedExportUrl(base: string, versionPk: string, t: ExportTarget, now: number): string {
  const expires = now + EXPORT_URL_TTL_MS;
  return `${base}${exportPath(t)}?expires=${expires}&signature=${signature(versionPk, t, expires)}`;
}

/** Why a download is refused, or undefined when the URL is this version's, unaltered and not expired. */
export function checkExportSignature(versionPk: string, t: ExportTarget, expires: string, sig: string, now: number): string | undefined {
  const at = /^\d{1,16}$/.test(expires) ? Number(expires) : Number.NaN;
  if (!Number.isFinite(at) || !/^[0-9a-f]{64}$/.test(sig)) return 'the URL lacks its expires and signature parameters';
  const want = Buffer.from(signature(versionPk, t, at), 'hex');
  if (!timingSafeEqual(want, Buffer.from(sig, 'hex'))) return 'the signature does not match this URL';
  if (at < now) return 'the URL has expired';
  return undefined;
}
