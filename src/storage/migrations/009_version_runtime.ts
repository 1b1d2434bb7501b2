import type { UntypedDb } from '../sql/untyped-db.js';
import { columnHelpers } from './columns.js';

/**
 * `model_versions.runtime`: what runs a version's predictions (decision 0036). 'plugin' — the model
 * type's built-in plugin, with what modelkeep trained; 'onnx' — an uploaded ONNX package (its graph and
 * config in the version's artifact). Set when the version is made and never changed; versions made
 * before this migration, and archives from older instances, are 'plugin'.
 */
export async function up(db: UntypedDb): Promise<void> {
  const { text } = columnHelpers(db);
  await db.schema
    .alterTable('model_versions')
    .addColumn('runtime', 'text', (c) => text(c).defaultTo('plugin'))
    .execute();
}
