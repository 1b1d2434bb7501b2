import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { REINDEX_STATUSES } from '../../domain/base-workflow.js';
import type { InputKind, InputLabel } from '../../domain/inputs.js';
import { Code } from '../../domain/status-codes.js';
import type { InputRepo, TrainingRow } from '../../ports/inputs-store.js';
import { type Ctx, count, inList, LABEL_READ_INPUTS } from '../sql/context.js';
import type { DB } from '../sql/schema.js';
import { bytesToBuffer, vectorToBytes } from '../sql/training-rows.js';
import { claimStatement } from './input-claim.js';

/**
 * The turn after which an app's new inputs queue (decision 0034): after the app's own last input and
 * after the queue's head (the lowest pending turn, less one; the highest turn of all when nothing is
 * pending), so a new app's inputs are claimed next while a busy app's go behind its own backlog.
 * Index lookups on (status_code, turn) and (user_id, app_id, turn), read in the inserting transaction.
 * Two concurrent inserts may read the same value and share turns: ties go oldest first, so that only
 * orders them, never loses one.
 */
export async function lastTurn(db: Kysely<DB>, userId: string, appId: string): Promise<number> {
  const maxIn = async (status: number): Promise<number | undefined> => {
    const r = await db
      .selectFrom('inputs')
      .select((eb) => eb.fn.max('turn').as('t'))
      .where('status_code', '=', status)
      .executeTakeFirst();
    return r?.t === null || r?.t === undefined ? undefined : Number(r.t);
  };
  const head = await db
    .selectFrom('inputs')
    .select((eb) => eb.fn.min('turn').as('t'))
    .where('status_code', '=', Code.INPUT_PENDING)
    .executeTakeFirst();
  let queue = head?.t === null || head?.t === undefined ? undefined : Number(head.t) - 1;
  // Nothing pending: the last turn handed out, by status so the status index answers each.
  if (queue === undefined) {
    queue = 0;
    for (const s of [Code.INPUT_IN_PROGRESS, Code.INPUT_SUCCESS, Code.INPUT_FAILED]) queue = Math.max(queue, (await maxIn(s)) ?? 0);
  }
  const own = await db
    .selectFrom('inputs')
    .select((eb) => eb.fn.max('turn').as('t'))
    .where('user_id', '=', userId)
    .where('app_id', '=', appId)
    .executeTakeFirst();
  return Math.max(queue, Number(own?.t ?? 0));
}

type ProcessingPart = Pick<InputRepo, 'claim' | 'finish' | 'trainingRows' | 'markForReindex' | 'claimReindex' | 'finishReindex'>;

/** A claimed row as the processor sees it (the claim and the re-index claim return the same columns). */
function claimedInput(r: {
  pk: string;
  id: string;
  user_id: string;
  app_id: string;
  kind: string;
  text_raw: string | null;
  image_url: string | null;
  attempts: number;
}) {
  return {
    pk: r.pk,
    id: r.id,
    userId: r.user_id,
    appId: r.app_id,
    kind: r.kind as InputKind,
    text: r.text_raw,
    imageUrl: r.kind === 'image' ? r.image_url : null,
    textUrl: r.kind === 'text' ? r.image_url : null,
    attempts: r.attempts,
  };
}

/**
 * The input-processing queue lives on the input rows themselves (status + lease columns), so
 * processing is durable without a separate queue: a claim is an UPDATE, a crashed processor's
 * claim expires and is taken again, and every result write is conditional on still holding it.
 */
export function inputProcessingRepo(ctx: Ctx): ProcessingPart {
  const { db, dialect } = ctx;
  return {
    /** claimStatement, its rows handed out in the claim's order. */
    async claim(workerId, limit, leaseUntil, now, lane = 'any') {
      const rows = await claimStatement(db, dialect, { workerId, limit, leaseUntil, now, lane }).execute();
      // RETURNING order is unspecified: hand them out in the claim's order.
      rows.sort((a, b) => Number(a.turn) - Number(b.turn) || a.created_at - b.created_at || (a.pk < b.pk ? -1 : 1));
      return rows.map(claimedInput);
    },

    /** The guarded status update runs first: if it matches nothing, nothing else is written. */
    async finish(pk, workerId, result, now) {
      return ctx.atomic(async (tx) => {
        const res = await tx
          .updateTable('inputs')
          .set({
            status_code: result.ok ? Code.INPUT_SUCCESS : Code.INPUT_FAILED,
            status_details: result.ok ? '' : result.details,
            image_info: result.ok && result.imageInfo ? JSON.stringify(result.imageInfo) : null,
            ...(result.ok && result.fetchedText !== undefined ? { text_raw: result.fetchedText } : {}),
            lease_owner: null,
            lease_expires_at: null,
            modified_at: now,
          })
          .where('pk', '=', pk)
          .where('status_code', '=', Code.INPUT_IN_PROGRESS)
          .where('lease_owner', '=', workerId)
          .executeTakeFirst();
        if (count(res.numUpdatedRows) === 0) return false;
        if (!result.ok) return true;
        if (result.fetchedBytes) {
          const bytes = bytesToBuffer(result.fetchedBytes);
          await tx
            .insertInto('input_blobs')
            .values({ input_pk: pk, bytes })
            .onConflict((oc) => oc.column('input_pk').doUpdateSet({ bytes }))
            .execute();
        }
        for (const e of result.embeddings) {
          const row = { input_pk: pk, embedder_id: e.embedderId, dim: e.vector.length, vector: vectorToBytes(e.vector) };
          await tx
            .insertInto('input_embeddings')
            .values(row)
            .onConflict((oc) => oc.columns(['input_pk', 'embedder_id']).doUpdateSet({ dim: row.dim, vector: row.vector }))
            .execute();
        }
        return true;
      });
    },

    async markForReindex(userId, appId, kind, embedderId, now) {
      return ctx.atomic(async (tx) => {
        await tx
          .updateTable('inputs')
          .set({ status_code: Code.INPUT_PENDING, lease_owner: null, lease_expires_at: null, modified_at: now })
          .where('user_id', '=', userId)
          .where('app_id', '=', appId)
          .where('kind', '=', kind)
          .where('status_code', '=', Code.INPUT_IN_PROGRESS)
          .execute();
        const res = await tx
          .updateTable('inputs')
          .set({ status_code: Code.INPUT_REINDEX_PENDING, status_details: '', lease_owner: null, lease_expires_at: null, attempts: 0, modified_at: now })
          .where('user_id', '=', userId)
          .where('app_id', '=', appId)
          .where('kind', '=', kind)
          .where('status_code', 'in', [Code.INPUT_SUCCESS, ...REINDEX_STATUSES])
          .where((eb) =>
            eb.not(
              eb.exists(
                eb.selectFrom('input_embeddings as e').select('e.input_pk').whereRef('e.input_pk', '=', 'inputs.pk').where('e.embedder_id', '=', embedderId),
              ),
            ),
          )
          .executeTakeFirst();
        return count(res.numUpdatedRows);
      });
    },

    async claimReindex(workerId, limit, leaseUntil, now) {
      let next = db
        .selectFrom('inputs')
        .select('pk')
        .where((eb) =>
          eb.or([
            eb('status_code', '=', Code.INPUT_REINDEX_PENDING),
            eb.and([eb('status_code', '=', Code.INPUT_REINDEX_IN_PROGRESS), eb('lease_expires_at', '<', now)]),
          ]),
        )
        .orderBy('created_at', 'asc')
        .orderBy('pk', 'asc')
        .limit(limit);
      if (dialect === 'postgres') next = next.forUpdate().skipLocked();
      const rows = await db
        .updateTable('inputs')
        .set({ status_code: Code.INPUT_REINDEX_IN_PROGRESS, lease_owner: workerId, lease_expires_at: leaseUntil, attempts: sql`attempts + 1` })
        .where('pk', 'in', next)
        .returning(['pk', 'id', 'user_id', 'app_id', 'kind', 'text_raw', 'image_url', 'attempts', 'created_at'])
        .execute();
      rows.sort((a, b) => a.created_at - b.created_at || (a.pk < b.pk ? -1 : 1));
      return rows.map(claimedInput);
    },

    /** Guarded like finish: only the holder of the 30503 lease writes; the earlier vectors stay on failure. */
    async finishReindex(pk, workerId, result, now) {
      return ctx.atomic(async (tx) => {
        const res = await tx
          .updateTable('inputs')
          .set({
            status_code: result.ok ? Code.INPUT_REINDEX_SUCCESS : Code.INPUT_REINDEX_FAILED,
            status_details: result.ok ? '' : result.details,
            lease_owner: null,
            lease_expires_at: null,
            modified_at: now,
          })
          .where('pk', '=', pk)
          .where('status_code', '=', Code.INPUT_REINDEX_IN_PROGRESS)
          .where('lease_owner', '=', workerId)
          .executeTakeFirst();
        if (count(res.numUpdatedRows) === 0) return false;
        if (!result.ok) return true;
        for (const e of result.embeddings) {
          const row = { input_pk: pk, embedder_id: e.embedderId, dim: e.vector.length, vector: vectorToBytes(e.vector) };
          await tx
            .insertInto('input_embeddings')
            .values(row)
            .onConflict((oc) => oc.columns(['input_pk', 'embedder_id']).doUpdateSet({ dim: row.dim, vector: row.vector }))
            .execute();
        }
        return true;
      });
    },

    async trainingRows(q) {
      let qb = db.selectFrom('inputs').select(['pk', 'id', 'kind', 'status_code']).where('user_id', '=', q.userId).where('app_id', '=', q.appId);
      if (q.datasetPk !== undefined) {
        qb = qb.where('pk', 'in', db.selectFrom('dataset_inputs').select('input_pk').where('dataset_pk', '=', q.datasetPk));
      }
      if (q.inputPks !== undefined) qb = qb.where(inList(dialect, 'pk', q.inputPks));
      if (q.conceptIds.length > 0) {
        qb = qb.where(
          'pk',
          'in',
          db
            .selectFrom('input_labels')
            .select('input_pk')
            .where(inList(dialect, 'concept_id', q.conceptIds)),
        );
      }
      const rows = await qb.orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
      if (rows.length === 0) return [];
      // Labels of LABEL_READ_INPUTS inputs per query, a turn of the event loop between them: one read of
      // 512 inputs × 128 labels held the process for the whole result (PostDatasetVersions, issue 18).
      const byInput = new Map<string, InputLabel[]>();
      for (let i = 0; i < rows.length; i += LABEL_READ_INPUTS) {
        if (i > 0) await nextTurn();
        const labels = await db
          .selectFrom('input_labels')
          .select(['input_pk', 'concept_id', 'value'])
          .where(
            inList(
              dialect,
              'input_pk',
              rows.slice(i, i + LABEL_READ_INPUTS).map((r) => r.pk),
            ),
          )
          .orderBy('input_pk')
          .orderBy('position')
          .execute();
        for (const l of labels) {
          const list = byInput.get(l.input_pk);
          if (list) list.push({ id: l.concept_id, value: l.value });
          else byInput.set(l.input_pk, [{ id: l.concept_id, value: l.value }]);
        }
      }
      return rows.map((r): TrainingRow => ({ pk: r.pk, id: r.id, kind: r.kind as InputKind, statusCode: r.status_code, labels: byInput.get(r.pk) ?? [] }));
    },
  };
}
