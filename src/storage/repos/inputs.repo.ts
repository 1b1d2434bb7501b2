import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely, Selectable } from 'kysely';
import { DuplicateKeyError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import type { Input, NamedLabel, NewInput } from '../../domain/inputs.js';
import { Code } from '../../domain/status-codes.js';
import type { InputRepo } from '../../ports/inputs-store.js';
import type { DialectName } from '../sql/backend.js';
import { type Ctx, count, inList, insertInParts, LABEL_READ_INPUTS, limitOffset } from '../sql/context.js';
import type { DB } from '../sql/schema.js';
import type { InputsTable } from '../sql/schema-training.js';
import { bytesToBuffer, inputFromRow, labelRows } from '../sql/training-rows.js';
import { inputProcessingRepo, lastTurn } from './input-processing.repo.js';

/** Labels with the concept's current name, LABEL_READ_INPUTS inputs per query with a turn between. */
async function namedLabels(db: Kysely<DB>, dialect: DialectName, pks: string[]) {
  const all = [];
  for (let i = 0; i < pks.length; i += LABEL_READ_INPUTS) {
    // A big read also waits a turn before its first part: PostInputs reads its answer right after its COMMIT.
    if (pks.length > LABEL_READ_INPUTS) await nextTurn();
    const part = await db
      .selectFrom('input_labels as l')
      .innerJoin('inputs as i', 'i.pk', 'l.input_pk')
      .leftJoin('concepts as c', (j) => j.onRef('c.user_id', '=', 'i.user_id').onRef('c.app_id', '=', 'i.app_id').onRef('c.id', '=', 'l.concept_id'))
      .select(['l.input_pk', 'l.concept_id', 'l.value', 'c.name'])
      .where(inList(dialect, 'l.input_pk', pks.slice(i, i + LABEL_READ_INPUTS)))
      .orderBy('l.input_pk')
      .orderBy('l.position')
      .execute();
    all.push(...part);
  }
  return all;
}

/** Adds labels (with the concept's current name) and dataset ids. */
export async function hydrateInputs(db: Kysely<DB>, dialect: DialectName, rows: Selectable<InputsTable>[]): Promise<Input[]> {
  if (rows.length === 0) return [];
  const pks = rows.map((r) => r.pk);
  const labels = await namedLabels(db, dialect, pks);
  const datasets = await db
    .selectFrom('dataset_inputs as di')
    .innerJoin('datasets as d', 'd.pk', 'di.dataset_pk')
    .select(['di.input_pk', 'd.id'])
    .where(inList(dialect, 'di.input_pk', pks))
    .orderBy('d.id')
    .execute();
  const byInput = new Map<string, NamedLabel[]>();
  for (const l of labels) {
    const list = byInput.get(l.input_pk) ?? [];
    list.push({ id: l.concept_id, name: l.name ?? l.concept_id, value: l.value });
    byInput.set(l.input_pk, list);
  }
  const dsByInput = new Map<string, string[]>();
  for (const d of datasets) dsByInput.set(d.input_pk, [...(dsByInput.get(d.input_pk) ?? []), d.id]);
  return rows.map((r) => inputFromRow(r, byInput.get(r.pk) ?? [], dsByInput.get(r.pk) ?? []));
}

export function inputRepo(ctx: Ctx): InputRepo {
  const { db, dialect } = ctx;
  const inApp = (userId: string, appId: string) => db.selectFrom('inputs').selectAll().where('user_id', '=', userId).where('app_id', '=', appId);

  return {
    ...inputProcessingRepo(ctx),

    /**
     * One multi-row insert per table. ON CONFLICT DO NOTHING instead of catching the violation, so a
     * PostgreSQL transaction stays usable; a short count means an id was taken, and the throw rolls
     * back everything written here.
     */
    async create(inputs: NewInput[], datasetPks: string[][]) {
      if (inputs.length === 0) return;
      await ctx.atomic(async (tx) => {
        // Each app's inputs take that app's next turns, oldest first (decision 0034).
        const last = new Map<string, number>();
        const turnOf = new Map<string, number>();
        for (const i of [...inputs].sort((a, b) => a.createdAt - b.createdAt)) {
          const app = JSON.stringify([i.userId, i.appId]);
          const t = (last.get(app) ?? (await lastTurn(tx, i.userId, i.appId))) + 1;
          last.set(app, t);
          turnOf.set(i.pk, t);
        }
        const rows = inputs.map((i) => ({
          pk: i.pk,
          user_id: i.userId,
          app_id: i.appId,
          id: i.id,
          kind: i.kind,
          text_raw: i.text,
          image_url: i.imageUrl ?? i.textUrl ?? null,
          image_info: null, // image_url: the data's URL, whichever kind
          metadata: JSON.stringify(i.metadata),
          status_code: Code.INPUT_PENDING,
          status_details: '',
          attempts: 0,
          lease_owner: null,
          lease_expires_at: null,
          created_at: i.createdAt,
          modified_at: i.createdAt,
          annotation_id: i.annotationId ?? newId(),
          geo: i.geo ? JSON.stringify(i.geo) : null,
          turn: turnOf.get(i.pk)!,
        }));
        const res = await tx
          .insertInto('inputs')
          .values(rows)
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst();
        if (count(res.numInsertedOrUpdatedRows) < rows.length) {
          const ours = new Set(rows.map((r) => r.pk));
          const taken = await tx
            .selectFrom('inputs')
            .select(['id', 'pk'])
            .where('user_id', '=', inputs[0]!.userId)
            .where('app_id', '=', inputs[0]!.appId)
            .where(
              inList(
                dialect,
                'id',
                inputs.map((i) => i.id),
              ),
            )
            .execute();
          throw new DuplicateKeyError(
            'input',
            taken
              .filter((t) => !ours.has(t.pk))
              .map((t) => t.id)
              .join("', '"),
          );
        }
        const labels = inputs.flatMap((i) => labelRows(i.pk, i.concepts));
        await insertInParts(labels, (part) => tx.insertInto('input_labels').values(part).execute());
        const blobs = inputs.flatMap((i) => (i.imageBytes ? [{ input_pk: i.pk, bytes: bytesToBuffer(i.imageBytes) }] : []));
        if (blobs.length > 0) await tx.insertInto('input_blobs').values(blobs).execute();
        const members = inputs.flatMap((i, n) => (datasetPks[n] ?? []).map((d) => ({ dataset_pk: d, input_pk: i.pk, created_at: i.createdAt })));
        await insertInParts(members, (part) => tx.insertInto('dataset_inputs').values(part).execute());
      });
    },

    async get(userId, appId, id, forUpdate = false) {
      const q = inApp(userId, appId).where('id', '=', id);
      const r = await (forUpdate && dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
      return r && (await hydrateInputs(db, dialect, [r]))[0];
    },

    async getMany(userId, appId, ids) {
      if (ids.length === 0) return [];
      return hydrateInputs(
        db,
        dialect,
        await inApp(userId, appId)
          .where(inList(dialect, 'id', ids))
          .execute(),
      );
    },

    async getByPks(pks) {
      if (pks.length === 0) return [];
      return hydrateInputs(
        db,
        dialect,
        await db
          .selectFrom('inputs')
          .selectAll()
          .where(inList(dialect, 'pk', pks))
          .execute(),
      );
    },

    async list(q) {
      const { limit, offset } = limitOffset(q.page);
      let qb = inApp(q.userId, q.appId);
      if (q.ids && q.ids.length > 0) qb = qb.where(inList(dialect, 'id', q.ids));
      if (q.statusCode !== undefined) qb = qb.where('status_code', '=', q.statusCode);
      const after = q.after;
      if (after)
        qb = qb.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
      const rows = await qb.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
      return hydrateInputs(db, dialect, rows);
    },

    /** A label that stays keeps the annotation holding it; a new one goes to the input-level annotation. */
    async updateAnnotations(pk, concepts, metadata, now, geo) {
      await ctx.atomic(async (tx) => {
        const held = new Map(
          (await tx.selectFrom('input_labels').select(['concept_id', 'annotation_pk']).where('input_pk', '=', pk).execute()).map((r) => [
            r.concept_id,
            r.annotation_pk,
          ]),
        );
        await tx
          .updateTable('inputs')
          .set({ metadata: JSON.stringify(metadata), modified_at: now, ...(geo !== undefined ? { geo: geo ? JSON.stringify(geo) : null } : {}) })
          .where('pk', '=', pk)
          .execute();
        await tx.deleteFrom('input_labels').where('input_pk', '=', pk).execute();
        const rows = labelRows(pk, concepts).map((r) => ({ ...r, annotation_pk: held.get(r.concept_id) ?? null }));
        if (rows.length > 0) await tx.insertInto('input_labels').values(rows).execute();
      });
    },

    /** Blobs, labels, embeddings and dataset memberships go by ON DELETE CASCADE. */
    async delete(pks) {
      if (pks.length === 0) return 0;
      const res = await db
        .deleteFrom('inputs')
        .where(inList(dialect, 'pk', pks))
        .executeTakeFirst();
      return count(res.numDeletedRows);
    },

    async recordTrainedOn(versionPk, userId, appId, inputIds) {
      await ctx.atomic(async (tx) => {
        await tx.deleteFrom('model_version_inputs').where('version_pk', '=', versionPk).execute();
        if (inputIds.length === 0) return;
        await tx
          .insertInto('model_version_inputs')
          .columns(['version_pk', 'input_pk'])
          .expression((eb) =>
            eb
              .selectFrom('inputs')
              .select([eb.val(versionPk).as('version_pk'), 'pk'])
              .where('user_id', '=', userId)
              .where('app_id', '=', appId)
              .where(inList(dialect, 'id', [...new Set(inputIds)])),
          )
          .execute();
      });
    },

    async trainedOn(versionPk, page) {
      const { limit, offset } = limitOffset(page);
      const rows = await db
        .selectFrom('inputs')
        .selectAll()
        .where('pk', 'in', db.selectFrom('model_version_inputs').select('input_pk').where('version_pk', '=', versionPk))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      return hydrateInputs(db, dialect, rows);
    },

    async countByStatus(userId, appId) {
      const rows = await db
        .selectFrom('inputs')
        .select((eb) => ['status_code', eb.fn.countAll<number>().as('n')])
        .where('user_id', '=', userId)
        .where('app_id', '=', appId)
        .groupBy('status_code')
        .execute();
      return new Map(rows.map((r) => [r.status_code, Number(r.n)]));
    },

    async imageBytes(pk) {
      const r = await db.selectFrom('input_blobs').select('bytes').where('input_pk', '=', pk).executeTakeFirst();
      return r ? new Uint8Array(r.bytes) : undefined;
    },
  };
}
