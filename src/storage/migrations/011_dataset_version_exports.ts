import type { UntypedDb } from '../sql/untyped-db.js';
import { notifyOnChange } from './003_change_notifications.js';
import { columnHelpers } from './columns.js';

/**
 * `dataset_version_exports`: the archives PutDatasetVersionExports made of a dataset version, one per
 * format (decision 0046). An export is made once and kept, as Clarifai keeps it (the client polls the
 * same PUT and reads the same url): its bytes are the version's inputs and labels when it was made,
 * whatever happens to the inputs later. They go with their version (ON DELETE CASCADE). Derived data:
 * app archives leave them out (a PUT makes them again).
 */
export async function up(db: UntypedDb): Promise<void> {
  const { text, req } = columnHelpers(db);
  await db.schema
    .createTable('dataset_version_exports')
    .addColumn('version_pk', 'text', (c) => text(c).references('dataset_versions.pk').onDelete('cascade'))
    .addColumn('format', 'text', text)
    .addColumn('archive', 'bytea', req)
    .addColumn('created_at', 'bigint', req)
    .addPrimaryKeyConstraint('dataset_version_exports_pk', ['version_pk', 'format'])
    .execute();
  await notifyOnChange(db, 'dataset_version_exports');
}
