import type { ExportStore } from '../../ports/artifacts.js';
import type { Ctx } from '../sql/context.js';
import { bytesToBuffer } from '../sql/training-rows.js';

/** Exported packages (migration 010): written once per version, replaced if exported again. */
export function exportRepo(ctx: Ctx): ExportStore {
  const { db } = ctx;
  return {
    async put(versionPk, bytes, createdAt) {
      const b = bytesToBuffer(bytes);
      await db
        .insertInto('model_version_exports')
        .values({ version_pk: versionPk, size: b.length, bytes: b, created_at: createdAt })
        .onConflict((oc) => oc.column('version_pk').doUpdateSet({ size: b.length, bytes: b, created_at: createdAt }))
        .execute();
    },

    async info(versionPk) {
      const r = await db.selectFrom('model_version_exports').select(['size', 'created_at']).where('version_pk', '=', versionPk).executeTakeFirst();
      return r ? { size: Number(r.size), createdAt: Number(r.created_at) } : undefined;
    },

    async get(versionPk) {
      const r = await db.selectFrom('model_version_exports').select('bytes').where('version_pk', '=', versionPk).executeTakeFirst();
      return r ? new Uint8Array(r.bytes) : undefined;
    },
  };
}
