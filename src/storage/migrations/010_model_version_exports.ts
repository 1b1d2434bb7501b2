import type { UntypedDb } from '../sql/untyped-db.js';
import { notifyOnChange } from './003_change_notifications.js';
import { columnHelpers } from './columns.js';

/**
 * `model_version_exports` (decision 0041): the package PutModelVersionExports built for a trained
 * version (a zip of model.onnx and config.json), kept in the database like the version's artifact so
 * every process serves the same bytes at the export's url. One per version; it goes with its version.
 * `size` is kept beside the bytes so GetModelVersionExport never reads the package.
 */
export async function up(db: UntypedDb): Promise<void> {
  const { text, req } = columnHelpers(db);
  await db.schema
    .createTable('model_version_exports')
    .addColumn('version_pk', 'text', (c) => text(c).primaryKey().references('model_versions.pk').onDelete('cascade'))
    .addColumn('size', 'bigint', req)
    .addColumn('bytes', 'bytea', req)
    .addColumn('created_at', 'bigint', req)
    .execute();
  await notifyOnChange(db, 'model_version_exports');
}
