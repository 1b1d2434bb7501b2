import type { UntypedDb } from '../sql/untyped-db.js';
import { columnHelpers } from './columns.js';

/**
 * `apps.default_workflow_id`: PostApps stores what Clarifai's own CI sends ("name" +
 * "default_workflow_id", no id; decision 0011) and GetApp / ListApps return it. Rows made before
 * this migration, and archives exported before it, get '' (none), which is what the API omits.
 */
export async function up(db: UntypedDb): Promise<void> {
  const { text } = columnHelpers(db);
  await db.schema
    .alterTable('apps')
    .addColumn('default_workflow_id', 'text', (c) => text(c).defaultTo(''))
    .execute();
}
