import { sql } from 'kysely';
import type { UntypedDb } from '../sql/untyped-db.js';
import { columnHelpers } from './columns.js';

/** The channel every modelkeep table notifies on commit; the payload is the table's schema. */
export const CHANGES_CHANNEL = 'modelkeep_changes';

/**
 * Makes `table` NOTIFY CHANGES_CHANNEL when a row changes (PostgreSQL delivers it at commit, once
 * per transaction and schema). Every migration that creates a table calls this for it: processes
 * reuse answers until they hear of a change (src/storage/changes/pg-change-listener.ts). No-op on SQLite,
 * where PRAGMA data_version tells the same.
 */
export async function notifyOnChange(db: UntypedDb, table: string): Promise<void> {
  if (!columnHelpers(db).pg) return;
  await sql`create trigger ${sql.id(`${table}_changes`)} after insert or update or delete on ${sql.table(table)}
    for each row execute function modelkeep_notify_change()`.execute(db);
}

/** Existing tables at the time of this migration; later migrations call notifyOnChange themselves. */
const TABLES = [
  'users',
  'apps',
  'api_keys',
  'models',
  'model_versions',
  'model_version_concepts',
  'jobs',
  'concepts',
  'inputs',
  'input_labels',
  'input_blobs',
  'input_embeddings',
  'datasets',
  'dataset_inputs',
  'dataset_versions',
  'dataset_version_inputs',
  'artifacts',
];

export async function up(db: UntypedDb): Promise<void> {
  if (!columnHelpers(db).pg) return;
  await sql`create function modelkeep_notify_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify(${sql.lit(CHANGES_CHANNEL)}, tg_table_schema);
      return null;
    end $$`.execute(db);
  for (const t of TABLES) await notifyOnChange(db, t);
}
