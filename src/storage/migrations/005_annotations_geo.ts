import { sql } from 'kysely';
import type { UntypedDb } from '../sql/untyped-db.js';
import { notifyOnChange } from './003_change_notifications.js';
import { columnHelpers } from './columns.js';

/**
 * Annotations and geo (decision 0019).
 * - The labels stay in `input_labels` — one store behind GetInput, training and the annotation
 *   RPCs — each row now naming the annotation that holds it: `annotation_pk` NULL is the input's
 *   own input-level annotation (every input has one; its id is `inputs.annotation_id`), otherwise a
 *   row of `annotations`, made by PostAnnotations. NULL for the input-level one keeps rows written
 *   by older code (and archives exported before this migration) meaningful without a rewrite.
 * - `inputs.geo`: `data.geo.geo_point` as JSON {longitude, latitude}, NULL when the input has none.
 * - `model_version_inputs`: the inputs a trained version learned from (ListModelInputs), written with
 *   its TRAINED status. Versions trained before this migration have none recorded.
 * Inputs made before this migration get their pk as input-level annotation id.
 */
export async function up(db: UntypedDb): Promise<void> {
  const { text, textNull, req } = columnHelpers(db);
  await db.schema
    .createTable('annotations')
    .addColumn('pk', 'text', (c) => text(c).primaryKey())
    .addColumn('input_pk', 'text', (c) => text(c).references('inputs.pk').onDelete('cascade'))
    .addColumn('id', 'text', text)
    .addColumn('created_at', 'bigint', req)
    .addColumn('modified_at', 'bigint', req)
    .addUniqueConstraint('annotations_input_id_uq', ['input_pk', 'id'])
    .execute();
  // ListAnnotations by id across the app's inputs.
  await db.schema.createIndex('annotations_id_idx').on('annotations').column('id').execute();
  await db.schema.alterTable('input_labels').addColumn('annotation_pk', 'text', textNull).execute();
  await db.schema.createIndex('input_labels_annotation_idx').on('input_labels').column('annotation_pk').execute();
  await db.schema.alterTable('inputs').addColumn('annotation_id', 'text', textNull).execute();
  await db.schema.alterTable('inputs').addColumn('geo', 'text', textNull).execute();
  await sql`update inputs set annotation_id = pk`.execute(db);
  await notifyOnChange(db, 'annotations');

  await db.schema
    .createTable('model_version_inputs')
    .addColumn('version_pk', 'text', (c) => text(c).references('model_versions.pk').onDelete('cascade'))
    .addColumn('input_pk', 'text', (c) => text(c).references('inputs.pk').onDelete('cascade'))
    .addPrimaryKeyConstraint('model_version_inputs_pk', ['version_pk', 'input_pk'])
    .execute();
  await db.schema.createIndex('model_version_inputs_input_idx').on('model_version_inputs').column('input_pk').execute();
  await notifyOnChange(db, 'model_version_inputs');
}
