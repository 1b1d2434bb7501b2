import type { UntypedDb } from '../sql/untyped-db.js';
import { columnHelpers } from './columns.js';

/**
 * The initial schema. Column types are chosen so both dialects report the same declared types
 * (text, integer, bigint, double precision), which the schema-parity test compares.
 * Child tables reference their parent with ON DELETE CASCADE: deleting an app or a model removes
 * everything under it in one statement, and on PostgreSQL a version inserted while its model is
 * being deleted cannot survive as an orphan.
 */
export async function up(db: UntypedDb): Promise<void> {
  const { text, textNull, req } = columnHelpers(db);

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => text(c).primaryKey())
    .addColumn('created_at', 'bigint', req)
    .execute();

  await db.schema
    .createTable('apps')
    .addColumn('user_id', 'text', text)
    .addColumn('id', 'text', text)
    .addColumn('name', 'text', text)
    .addColumn('description', 'text', text)
    .addColumn('default_language', 'text', text)
    .addColumn('visibility', 'integer', req)
    .addColumn('metadata', 'text', text)
    .addColumn('created_at', 'bigint', req)
    .addColumn('modified_at', 'bigint', req)
    .addPrimaryKeyConstraint('apps_pk', ['user_id', 'id'])
    .addForeignKeyConstraint('apps_user_fk', ['user_id'], 'users', ['id'], (f) => f.onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('user_id', 'text', text)
    .addColumn('id', 'text', text)
    .addColumn('kind', 'text', text)
    .addColumn('token_hash', 'text', text)
    .addColumn('description', 'text', text)
    .addColumn('scopes', 'text', text)
    .addColumn('app_ids', 'text', text)
    .addColumn('app_id', 'text', textNull)
    .addColumn('created_at', 'bigint', req)
    .addColumn('expires_at', 'bigint')
    .addPrimaryKeyConstraint('api_keys_pk', ['user_id', 'id'])
    .addForeignKeyConstraint('api_keys_user_fk', ['user_id'], 'users', ['id'], (f) => f.onDelete('cascade'))
    .addForeignKeyConstraint('api_keys_app_fk', ['user_id', 'app_id'], 'apps', ['user_id', 'id'], (f) => f.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('api_keys_token_hash_uq').unique().on('api_keys').column('token_hash').execute();
  await db.schema.createIndex('api_keys_app_idx').on('api_keys').columns(['user_id', 'app_id']).execute();

  await db.schema
    .createTable('models')
    .addColumn('pk', 'text', (c) => text(c).primaryKey())
    .addColumn('user_id', 'text', text)
    .addColumn('app_id', 'text', text)
    .addColumn('id', 'text', text)
    .addColumn('name', 'text', text)
    .addColumn('model_type_id', 'text', text)
    .addColumn('description', 'text', text)
    .addColumn('notes', 'text', text)
    .addColumn('metadata', 'text', text)
    .addColumn('visibility', 'integer', req)
    .addColumn('toolkits', 'text', text)
    .addColumn('use_cases', 'text', text)
    .addColumn('languages', 'text', text)
    .addColumn('check_consents', 'text', text)
    .addColumn('presets', 'text', textNull)
    .addColumn('default_eval_info', 'text', textNull)
    .addColumn('workflow_recommended', 'integer')
    .addColumn('num_inputs', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('search_text', 'text', text)
    .addColumn('created_at', 'bigint', req)
    .addColumn('modified_at', 'bigint', req)
    .addUniqueConstraint('models_user_app_id_uq', ['user_id', 'app_id', 'id'])
    .addForeignKeyConstraint('models_app_fk', ['user_id', 'app_id'], 'apps', ['user_id', 'id'], (f) => f.onDelete('cascade'))
    .execute();
  // One index per ListModels sort, each ending in id (the tie-break), so a page is an index range scan.
  for (const col of ['modified_at', 'created_at', 'name', 'num_inputs']) {
    await db.schema.createIndex(`models_${col}_idx`).on('models').columns(['user_id', 'app_id', col, 'id']).execute();
  }

  await db.schema
    .createTable('model_versions')
    .addColumn('pk', 'text', (c) => text(c).primaryKey())
    .addColumn('model_pk', 'text', (c) => text(c).references('models.pk').onDelete('cascade'))
    .addColumn('id', 'text', text)
    .addColumn('user_id', 'text', text)
    .addColumn('app_id', 'text', text)
    .addColumn('status_code', 'integer', req)
    .addColumn('status_details', 'text', text)
    .addColumn('percent_completed', 'integer', req)
    .addColumn('concepts', 'text', text)
    .addColumn('total_input_count', 'integer', req)
    .addColumn('description', 'text', text)
    .addColumn('license', 'text', text)
    .addColumn('visibility', 'integer', req)
    .addColumn('metadata', 'text', text)
    .addColumn('output_info', 'text', text)
    .addColumn('input_info', 'text', text)
    .addColumn('train_info', 'text', text)
    .addColumn('import_info', 'text', text)
    .addColumn('train_log', 'text', text)
    .addColumn('metrics', 'text', textNull)
    .addColumn('created_at', 'bigint', req)
    .addColumn('modified_at', 'bigint', req)
    .addColumn('completed_at', 'bigint')
    .addUniqueConstraint('model_versions_model_id_uq', ['model_pk', 'id'])
    .execute();
  // Serves the default version sort and "latest version of a model" (newest created_at, then id).
  await db.schema.createIndex('model_versions_created_idx').on('model_versions').columns(['model_pk', 'created_at', 'id']).execute();

  await db.schema
    .createTable('model_version_concepts')
    .addColumn('version_pk', 'text', (c) => text(c).references('model_versions.pk').onDelete('cascade'))
    .addColumn('position', 'integer', req)
    .addColumn('concept_id', 'text', text)
    .addColumn('name', 'text', text)
    .addColumn('value', 'double precision', req)
    .addPrimaryKeyConstraint('model_version_concepts_pk', ['version_pk', 'position'])
    .execute();
  // (concept_id, version_pk): "versions having concept X", and the per-version probe of the concept_ids filter.
  await db.schema.createIndex('model_version_concepts_concept_idx').on('model_version_concepts').columns(['concept_id', 'version_pk']).execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => text(c).primaryKey())
    .addColumn('kind', 'text', text)
    .addColumn('version_pk', 'text', (c) => text(c).references('model_versions.pk').onDelete('cascade'))
    .addColumn('state', 'text', text)
    .addColumn('attempts', 'integer', req)
    .addColumn('payload', 'text', text)
    .addColumn('lease_owner', 'text', textNull)
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('last_error', 'text', text)
    .addColumn('created_at', 'bigint', req)
    .addColumn('updated_at', 'bigint', req)
    .execute();
  await db.schema.createIndex('jobs_state_created_idx').on('jobs').columns(['state', 'created_at']).execute();
  await db.schema.createIndex('jobs_version_idx').on('jobs').column('version_pk').execute();
}
