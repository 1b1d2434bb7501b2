import type { UntypedDb } from '../sql/untyped-db.js';

/**
 * `inputs.turn`: the input's place in the processing queue, so claims go round the apps instead of
 * oldest first (decision 0034). An app's new inputs take turns after its own last one and after the
 * queue's head, so a backlog of one app never holds another app's new inputs behind it. Rows made
 * before this migration are 0: they are claimed first, oldest first, as they would have been.
 */
export async function up(db: UntypedDb): Promise<void> {
  await db.schema
    .alterTable('inputs')
    .addColumn('turn', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  // The claim (pending first by turn) and the queue's head; replaces the oldest-first claim index.
  await db.schema.dropIndex('inputs_status_created_idx').execute();
  await db.schema.createIndex('inputs_status_turn_idx').on('inputs').columns(['status_code', 'turn', 'created_at', 'pk']).execute();
  // An app's last turn. (No index on turn alone: planners then walk it from processed rows' turns up.)
  await db.schema.createIndex('inputs_app_turn_idx').on('inputs').columns(['user_id', 'app_id', 'turn']).execute();
}
