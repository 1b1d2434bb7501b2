import type { FastifyInstance } from 'fastify';
import type { ExportReader } from '../../service/rpc/export-download.js';
import { byteRange } from './byte-range.js';
import { sendResult } from './replies.js';

/**
 * `GET /exports/users/{user}/apps/{app}/models/{model}/versions/{version}/model.zip`: an exported
 * package (decision 0041), the `export.url` of GetModelVersionExport, for a request with the app's
 * key (`Authorization: Key …`). Answers one byte range (206) when asked, as Clarifai's Python client
 * downloads exports in ranges.
 */
export function registerModelExportDownloads(app: FastifyInstance, read: ExportReader): void {
  app.get('/exports/users/:user/apps/:app/models/:model/versions/:version/model.zip', async (req, reply) => {
    const p = req.params as { user: string; app: string; model: string; version: string };
    const r = await read({ userId: p.user, appId: p.app, modelId: p.model, versionId: p.version }, req.headers.authorization);
    if (!r.ok) return sendResult(reply, r.result);
    const bytes = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    const range = byteRange(req.headers.range, bytes.length);
    reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="${p.model}-${p.version}.zip"`)
      .header('accept-ranges', 'bytes')
      .header('cache-control', 'private, no-store');
    if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${bytes.length}`).send();
    if (range === 'whole') return reply.code(200).send(bytes);
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${bytes.length}`)
      .send(bytes.subarray(range.start, range.end + 1));
  });
}
