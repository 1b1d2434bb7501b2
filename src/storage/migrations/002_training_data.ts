import type { UntypedDb } from '../sql/untyped-db.js';
import { columnHelpers } from './columns.js';

/**
 * Training data: inputs (with their bytes, labels and embeddings), app concepts, datasets with
 * frozen versions, and trained artifacts. Same conventions as 001: text columns collate "C" on
 * PostgreSQL, children cascade from their parent so deleting an app / input / version cleans up.
 * Binary columns are declared `bytea` on both dialects: PostgreSQL's type, and on SQLite a name
 * with NUMERIC affinity, which stores Buffers as BLOBs unchanged (only text is ever converted) —
 * so the schema-parity test sees one type.
 */
export async function up(db: UntypedDb): Promise<void> {
  const { text, textNull, req } = columnHelpers(db);

  await db.schema
    .createTable('concepts')
    .addColumn('user_id', 'text', text)
    .addColumn('app_id', 'text', text)
    .addColumn('id', 'text', text)
    .addColumn('name', 'text', text)
    .addColumn('created_at', 'bigint', req)
    .addColumn('modified_at', 'bigint', req)
    .addPrimaryKeyConstraint('concepts_pk', ['user_id', 'app_id', 'id'])
    .addForeignKeyConstraint('concepts_app_fk', ['user_id', 'app_id'], 'apps', ['user_id', 'id'], (f) => f.onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('inputs')
    .addColumn('pk', 'text', (c) => text(c).primaryKey())
    .addColumn('user_id', 'text', text)
    .addColumn('app_id', 'text', text)
    .addColumn('id', 'text', text)
    .addColumn('kind', 'text', text)
    .addColumn('text_raw', 'text', textNull)
    .addColumn('image_url', 'text', textNull)
    .addColumn('image_info', 'text', textNull)
    .addColumn('metadata', 'text', text)
    .addColumn('status_code', 'integer', req)
    .addColumn('status_details', 'text', text)
    .addColumn('attempts', 'integer', req)
    .addColumn('lease_owner', 'text', textNull)
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('created_at', 'bigint', req)
    .addColumn('modified_at', 'bigint', req)
    .addUniqueConstraint('inputs_user_app_id_uq', ['user_id', 'app_id', 'id'])
    .addForeignKeyConstraint('inputs_app_fk', ['user_id', 'app_id'], 'apps', ['user_id', 'id'], (f) => f.onDelete('cascade'))
    .execute();
  // ListInputs (newest first), the processor's claim (oldest pending first), GetInputCount.
  await db.schema.createIndex('inputs_created_idx').on('inputs').columns(['user_id', 'app_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('inputs_status_created_idx').on('inputs').columns(['status_code', 'created_at']).execute();
  await db.schema.createIndex('inputs_app_status_idx').on('inputs').columns(['user_id', 'app_id', 'status_code']).execute();

  await db.schema
    .createTable('input_labels')
    .addColumn('input_pk', 'text', (c) => text(c).references('inputs.pk').onDelete('cascade'))
    .addColumn('concept_id', 'text', text)
    .addColumn('position', 'integer', req)
    .addColumn('value', 'double precision', req)
    .addPrimaryKeyConstraint('input_labels_pk', ['input_pk', 'concept_id'])
    .execute();
  // "inputs labelled with concept X": the default training selection.
  await db.schema.createIndex('input_labels_concept_idx').on('input_labels').columns(['concept_id', 'input_pk']).execute();

  await db.schema
    .createTable('input_blobs')
    .addColumn('input_pk', 'text', (c) => text(c).primaryKey().references('inputs.pk').onDelete('cascade'))
    .addColumn('bytes', 'bytea', req)
    .execute();

  await db.schema
    .createTable('input_embeddings')
    .addColumn('input_pk', 'text', (c) => text(c).references('inputs.pk').onDelete('cascade'))
    .addColumn('embedder_id', 'text', text)
    .addColumn('dim', 'integer', req)
    .addColumn('vector', 'bytea', req)
    .addPrimaryKeyConstraint('input_embeddings_pk', ['input_pk', 'embedder_id'])
    .execute();

  await db.schema
    .createTable('datasets')
    .addColumn('pk', 'text', (c) => text(c).primaryKey())
    .addColumn('user_id', 'text', text)
    .addColumn('app_id', 'text', text)
    .addColumn('id', 'text', text)
    .addColumn('description', 'text', text)
    .addColumn('notes', 'text', text)
    .addColumn('metadata', 'text', text)
    .addColumn('created_at', 'bigint', req)
    .addColumn('modified_at', 'bigint', req)
    .addUniqueConstraint('datasets_user_app_id_uq', ['user_id', 'app_id', 'id'])
    .addForeignKeyConstraint('datasets_app_fk', ['user_id', 'app_id'], 'apps', ['user_id', 'id'], (f) => f.onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('dataset_inputs')
    .addColumn('dataset_pk', 'text', (c) => text(c).references('datasets.pk').onDelete('cascade'))
    .addColumn('input_pk', 'text', (c) => text(c).references('inputs.pk').onDelete('cascade'))
    .addColumn('created_at', 'bigint', req)
    .addPrimaryKeyConstraint('dataset_inputs_pk', ['dataset_pk', 'input_pk'])
    .execute();
  await db.schema.createIndex('dataset_inputs_input_idx').on('dataset_inputs').column('input_pk').execute();
  await db.schema.createIndex('dataset_inputs_added_idx').on('dataset_inputs').columns(['dataset_pk', 'created_at', 'input_pk']).execute();

  await db.schema
    .createTable('dataset_versions')
    .addColumn('pk', 'text', (c) => text(c).primaryKey())
    .addColumn('dataset_pk', 'text', (c) => text(c).references('datasets.pk').onDelete('cascade'))
    .addColumn('id', 'text', text)
    .addColumn('user_id', 'text', text)
    .addColumn('app_id', 'text', text)
    .addColumn('description', 'text', text)
    .addColumn('metadata', 'text', text)
    .addColumn('status_code', 'integer', req)
    .addColumn('inputs_count', 'integer', req)
    .addColumn('unlabeled_count', 'integer', req)
    .addColumn('positive_tags_count', 'integer', req)
    .addColumn('created_at', 'bigint', req)
    .addColumn('modified_at', 'bigint', req)
    .addUniqueConstraint('dataset_versions_dataset_id_uq', ['dataset_pk', 'id'])
    .execute();
  await db.schema.createIndex('dataset_versions_created_idx').on('dataset_versions').columns(['dataset_pk', 'created_at', 'id']).execute();
  await db.schema.createIndex('dataset_versions_app_id_idx').on('dataset_versions').columns(['user_id', 'app_id', 'id']).execute();

  // The frozen membership and labels. An input deleted later drops out of the snapshot: it has no data left to train on.
  await db.schema
    .createTable('dataset_version_inputs')
    .addColumn('version_pk', 'text', (c) => text(c).references('dataset_versions.pk').onDelete('cascade'))
    .addColumn('input_pk', 'text', (c) => text(c).references('inputs.pk').onDelete('cascade'))
    .addColumn('labels', 'text', text)
    .addPrimaryKeyConstraint('dataset_version_inputs_pk', ['version_pk', 'input_pk'])
    .execute();
  await db.schema.createIndex('dataset_version_inputs_input_idx').on('dataset_version_inputs').column('input_pk').execute();

  await db.schema
    .createTable('artifacts')
    .addColumn('version_pk', 'text', (c) => text(c).primaryKey().references('model_versions.pk').onDelete('cascade'))
    .addColumn('bytes', 'bytea', req)
    .addColumn('created_at', 'bigint', req)
    .execute();
}
