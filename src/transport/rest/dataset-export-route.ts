import type { FastifyInstance } from 'fastify';
import { newId } from '../../domain/ids.js';
import { statusOf } from '../../service/core/status.js';
import type { ExportDownload } from '../../service/exports/export-download.js';
import type { ExportTarget } from '../../service/exports/export-url.js';
import { httpStatusFor } from './http-status.js';
import { send } from './replies.js';

export type DatasetExportReader = (t: ExportTarget, expires: string, signature: string) => Promise<ExportDownload>;

/** Dataset version export archives at their signed URLs (decision 0046): the signature in the query is the credential. */
export function registerDatasetExportDownloads(app: FastifyInstance, read: DatasetExportReader): void {
  app.get('/exports/users/:user/apps/:app/datasets/:dataset/versions/:version/:file', async (req, reply) => {
    const p = req.params as { user: string; app: string; dataset: string; version: string; file: string };
    const q = req.query as { expires?: unknown; signature?: unknown };
    const r = await read(
      { userId: p.user, appId: p.app, datasetId: p.dataset, versionId: p.version, file: p.file },
      typeof q.expires === 'string' ? q.expires : '',
      typeof q.signature === 'string' ? q.signature : '',
    );
    if (!r.ok) return send(reply.code(httpStatusFor(r.code)), r.code, { status: statusOf(r.code, r.details, newId()) });
    return reply
      .code(200)
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="${r.fileName.replace(/[^\w.-]/g, '_')}"`)
      .header('cache-control', 'private, no-store')
      .send(Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength));
  });
}
