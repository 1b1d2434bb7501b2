import type { UntypedDb } from '../sql/untyped-db.js';
import { columnHelpers } from './columns.js';

/**
 * `concepts.language`: Clarifai's concept resources carry `language` (its docs show "en" on
 * PostConcepts / ListConcepts answers), settable on PostConcepts. Concepts made before this
 * migration, made implicitly by PostInputs / PostModelVersions, or imported from older archives are 'en'.
 */
export async function up(db: UntypedDb): Promise<void> {
  const { text } = columnHelpers(db);
  await db.schema
    .alterTable('concepts')
    .addColumn('language', 'text', (c) => text(c).defaultTo('en'))
    .execute();
}
