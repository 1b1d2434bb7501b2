import { ApiError } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import type { Store } from '../../ports/store.js';
import type { Dispatcher, DispatchResult } from '../core/dispatcher.js';
import { findModel, findVersion } from './models.service.js';

export type ExportReader = (
  p: { userId: string; appId: string; modelId: string; versionId: string },
  authorization: string | undefined,
) => Promise<{ ok: true; value: Uint8Array } | { ok: false; result: DispatchResult }>;

/** Reads an exported package behind GetModelVersionExport's checks (key, scopes, app access): whoever may see the export may download it. */
export function exportReader(store: Store, dispatcher: Dispatcher): ExportReader {
  return (p, authorization) =>
    dispatcher.runAs(
      'GetModelVersionExport',
      'app-read',
      { user_app_id: { user_id: p.userId, app_id: p.appId }, model_id: p.modelId, version_id: p.versionId },
      authorization,
      async (ctx) => {
        const model = await findModel(store, ctx, p.modelId);
        const version = await findVersion(store, model, p.versionId);
        const bytes = await store.exports.get(version.pk);
        if (!bytes) throw new ApiError(Code.CONN_DOES_NOT_EXIST, `Model version '${version.id}' has not been exported; call PutModelVersionExports first.`);
        return bytes;
      },
    );
}
