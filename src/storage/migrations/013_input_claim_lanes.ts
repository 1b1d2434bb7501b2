import { sql } from 'kysely';
import type { UntypedDb } from '../sql/untyped-db.js';

/**
 * One claim index per lane (decision 0034, addendum "each lane its own walk"). The claim's fetch lane
 * (`image_url is not null`) and local lane (`image_url is null`) each walk a partial index in the claim's
 * order (status_code, then turn, created_at, pk), so a lane with nothing queued finds that in one index
 * probe instead of passing every queued input of the other lane. The lane is the index predicate itself,
 * not a column: no writer can set it wrong and no row needs a backfill (both planners take the partial
 * index because the claim's lane filter is the predicate verbatim). inputs_status_turn_idx stays: the
 * 'any' claim and the queue head read it over both lanes. Each input has an entry in exactly one of these,
 * so together they cost one index entry per input, as one index on (status_code, lane, …) would.
 */
export async function up(db: UntypedDb): Promise<void> {
  const cols = ['status_code', 'turn', 'created_at', 'pk'];
  await db.schema.createIndex('inputs_fetch_claim_idx').on('inputs').columns(cols).where(sql.ref('image_url'), 'is not', null).execute();
  await db.schema.createIndex('inputs_local_claim_idx').on('inputs').columns(cols).where(sql.ref('image_url'), 'is', null).execute();
}
