import type { UntypedDb } from '../sql/untyped-db.js';
import { notifyOnChange } from './003_change_notifications.js';
import { columnHelpers } from './columns.js';

/**
 * `workflows` (decision 0033): a graph of model nodes per app. The graph is one JSON document
 * (`nodes`: id, model id, pinned version id or '', node_inputs, suppress_output): it is always read
 * and written whole, validated by the domain before it is stored, and never queried by parts except
 * "which workflows pin this version", which scans the app's few workflows.
 */
export async function up(db: UntypedDb): Promise<void> {
  const { text, req } = columnHelpers(db);
  await db.schema
    .createTable('workflows')
    .addColumn('user_id', 'text', text)
    .addColumn('app_id', 'text', text)
    .addColumn('id', 'text', text)
    .addColumn('description', 'text', text)
    .addColumn('metadata', 'text', text)
    .addColumn('nodes', 'text', text)
    .addColumn('created_at', 'bigint', req)
    .addColumn('modified_at', 'bigint', req)
    .addPrimaryKeyConstraint('workflows_pk', ['user_id', 'app_id', 'id'])
    .addForeignKeyConstraint('workflows_app_fk', ['user_id', 'app_id'], 'apps', ['user_id', 'id'], (f) => f.onDelete('cascade'))
    .execute();
  await notifyOnChange(db, 'workflows');
}
