import type { UntypedDb } from '../sql/untyped-db.js';
import { notifyOnChange } from './003_change_notifications.js';
import { columnHelpers } from './columns.js';

/**
 * `artifact_parts`: an artifact larger than one part (an uploaded model of up to
 * MODELKEEP_MAX_MODEL_BYTES) is kept as `artifacts.bytes` (its first part) plus numbered parts here,
 * `artifacts.parts` counting them. One value near 1 GiB is more than SQLite's longest value
 * (1,000,000,000 bytes) and than a PostgreSQL bytea sent as hex text can be in a Node.js string; parts
 * of a few MiB fit both, and an app archive writes them a row each. Artifacts written before this
 * migration have `parts` 0 and are read as before.
 */
export async function up(db: UntypedDb): Promise<void> {
  const { text, req } = columnHelpers(db);
  await db.schema
    .alterTable('artifacts')
    .addColumn('parts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('artifact_parts')
    .addColumn('version_pk', 'text', (c) => text(c).references('artifacts.version_pk').onDelete('cascade'))
    .addColumn('seq', 'integer', req)
    .addColumn('bytes', 'bytea', req)
    .addPrimaryKeyConstraint('artifact_parts_pk', ['version_pk', 'seq'])
    .execute();
  await notifyOnChange(db, 'artifact_parts');
}
