import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { UntypedDb } from '../sql/untyped-db.js';
import * as m001 from './001_initial.js';
import * as m002 from './002_training_data.js';
import * as m003 from './003_change_notifications.js';
import * as m004 from './004_app_default_workflow.js';
import * as m005 from './005_annotations_geo.js';
import * as m006 from './006_concept_language.js';
import * as m007 from './007_input_turns.js';
import * as m008 from './008_workflows.js';
import * as m009 from './009_version_runtime.js';
import * as m010 from './010_model_version_exports.js';
import * as m011 from './011_dataset_version_exports.js';
import * as m012 from './012_artifact_parts.js';
import * as m013 from './013_input_claim_lanes.js';

/**
 * Every migration, in order, for both dialects. Forward-only: add a new numbered file, never edit
 * a shipped one (the migrator refuses a database whose history differs from this list).
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '001_initial': m001,
  '002_training_data': m002,
  '003_change_notifications': m003,
  '004_app_default_workflow': m004,
  '005_annotations_geo': m005,
  '006_concept_language': m006,
  '007_input_turns': m007,
  '008_workflows': m008,
  '009_version_runtime': m009,
  '010_model_version_exports': m010,
  '011_dataset_version_exports': m011,
  '012_artifact_parts': m012,
  '013_input_claim_lanes': m013,
};

/** In-code provider: migrations are bundled with the build, nothing is read from disk at run time. */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...migrations }),
};

/**
 * Applies every pending migration. `migrationTableSchema` pins Kysely's bookkeeping tables to the
 * schema the tables go to (PostgreSQL), so another schema's `kysely_migration` is never mistaken for ours.
 */
export async function migrateToLatest(db: UntypedDb, migrationTableSchema?: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).map((r) => r.migrationName);
}
