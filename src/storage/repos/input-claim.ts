import { type Kysely, sql } from 'kysely';
import { Code } from '../../domain/status-codes.js';
import type { ClaimLane } from '../../ports/inputs-store.js';
import type { DialectName } from '../sql/backend.js';
import type { DB } from '../sql/schema.js';

export interface ClaimArgs {
  workerId: string;
  limit: number;
  leaseUntil: number;
  now: number;
  lane: ClaimLane;
}

/**
 * The claim's one statement (exported so bench/input-claim.ts can EXPLAIN exactly it). One statement on
 * both dialects, like jobs.claim; PostgreSQL skips rows another processor is claiming. By turn, then
 * oldest first: apps take turns (lastTurn). The turn is fixed at insert, so the claim needs no window
 * over the claimable rows, which PostgreSQL cannot combine with FOR UPDATE SKIP LOCKED without
 * concurrent claimers under-claiming.
 *
 * Claimable is "pending, or in progress with an expired lease": one OR over two statuses, which neither
 * planner reads in claim order from inputs_status_turn_idx (SQLite sorted every pending row in a temp
 * B-tree, PostgreSQL seq-scanned and sorted: ~40 ms a claim at 100k queued). So each status is its own
 * ordered, limited walk of that index (status_code = ?, then turn, created_at, pk: the claim's order),
 * and the claim takes the first `limit` of the two (at most 2 × limit rows); on PostgreSQL each walk
 * locks its rows (SKIP LOCKED), so a concurrent claimer may skip a row this one locked and did not
 * take, for the length of this statement only.
 *
 * A lane's walks read that lane's partial index (migration 013: `inputs_fetch_claim_idx` where
 * `image_url is not null`, `inputs_local_claim_idx` where `image_url is null`, same columns), so a lane
 * with nothing queued costs one probe however deep the other lane is. Both planners match a partial
 * index only when the query states its predicate: keep the lane filters exactly these two terms.
 */
export function claimStatement(db: Kysely<DB>, dialect: DialectName, { workerId, limit, leaseUntil, now, lane }: ClaimArgs) {
  const walk = (status: number) => {
    let q = db
      .selectFrom('inputs')
      .select(['pk', 'turn', 'created_at'])
      .where('status_code', '=', status)
      .orderBy('turn', 'asc')
      .orderBy('created_at', 'asc')
      .orderBy('pk', 'asc')
      .limit(limit);
    if (status === Code.INPUT_IN_PROGRESS) q = q.where('lease_expires_at', '<', now);
    if (lane === 'fetch') q = q.where('image_url', 'is not', null);
    if (lane === 'local') q = q.where('image_url', 'is', null);
    if (dialect === 'postgres') q = q.forUpdate().skipLocked();
    return q;
  };
  // Compound members cannot carry ORDER BY / LIMIT themselves on SQLite: each is a derived table.
  const both = db
    .selectFrom(walk(Code.INPUT_PENDING).as('p'))
    .selectAll()
    .unionAll(db.selectFrom(walk(Code.INPUT_IN_PROGRESS).as('e')).selectAll())
    .as('c');
  const next = db.selectFrom(both).select('c.pk').orderBy('c.turn', 'asc').orderBy('c.created_at', 'asc').orderBy('c.pk', 'asc').limit(limit);
  return db
    .updateTable('inputs')
    .set({ status_code: Code.INPUT_IN_PROGRESS, lease_owner: workerId, lease_expires_at: leaseUntil, attempts: sql`attempts + 1` })
    .where('pk', 'in', next)
    .returning(['pk', 'id', 'user_id', 'app_id', 'kind', 'text_raw', 'image_url', 'attempts', 'created_at', 'turn']);
}
