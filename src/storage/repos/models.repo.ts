import { sql } from 'kysely';
import type { Model } from '../../domain/entities.js';
import { DuplicateKeyError } from '../../domain/errors.js';
import type { ModelRepo } from '../../ports/store.js';
import { type Ctx, count, inList, MODEL_COLUMNS } from '../sql/context.js';
import { isUniqueViolation } from '../sql/errors.js';
import { modelFromRow, modelToRow } from '../sql/rows.js';
import { modelListQuery } from './model-list.js';

export function modelRepo(ctx: Ctx): ModelRepo {
  const { db, hot, dialect } = ctx;
  return {
    async get(userId, appId, modelId) {
      const [r] = await hot.modelById.run(db, [userId, appId, modelId]);
      return r && modelFromRow(r);
    },

    /**
     * PostgreSQL: FOR NO KEY UPDATE, not FOR UPDATE. It serialises writers of the model just the
     * same, but does not block the FOR KEY SHARE lock that each new version's foreign key takes,
     * so PostModelVersions on the model keeps going while a PatchModels holds the row.
     * SQLite: a plain read; the transaction's BEGIN IMMEDIATE already excludes other writers.
     */
    async getForUpdate(userId, appId, modelId) {
      let qb = db.selectFrom('models').select(MODEL_COLUMNS).where('user_id', '=', userId).where('app_id', '=', appId).where('id', '=', modelId);
      if (dialect === 'postgres') qb = qb.forNoKeyUpdate();
      const r = await qb.executeTakeFirst();
      return r && modelFromRow(r);
    },

    async create(model: Model) {
      const res = await db
        .insertInto('models')
        .values({ ...modelToRow(model), num_inputs: 0 })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (count(res.numInsertedOrUpdatedRows) === 0) throw new DuplicateKeyError('model', model.id);
    },

    /**
     * A rename onto a taken id is refused by the NOT EXISTS guard rather than by the unique index,
     * so on PostgreSQL the caller's transaction stays usable (a violation would abort it); the index
     * still catches the race of two concurrent renames.
     */
    async update(model: Model) {
      const { pk, user_id, app_id, ...fields } = modelToRow(model);
      try {
        const res = await db
          .updateTable('models')
          .set(fields)
          .where('pk', '=', pk)
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('models as o')
                  .select(sql.lit(1).as('one'))
                  .whereRef('o.user_id', '=', 'models.user_id')
                  .whereRef('o.app_id', '=', 'models.app_id')
                  .where('o.id', '=', model.id)
                  .where('o.pk', '<>', pk),
              ),
            ),
          )
          .executeTakeFirst();
        if (count(res.numUpdatedRows) > 0) return;
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateKeyError('model', model.id);
        throw err;
      }
      const exists = await db.selectFrom('models').select('pk').where('pk', '=', pk).executeTakeFirst();
      if (exists) throw new DuplicateKeyError('model', model.id);
    },

    async list(query) {
      const rows = await modelListQuery(db, query).execute();
      return rows.map(modelFromRow);
    },

    /** Versions, their concepts and jobs go by ON DELETE CASCADE in the same statement. */
    async delete(pks) {
      if (pks.length === 0) return 0;
      const res = await db
        .deleteFrom('models')
        .where(inList(dialect, 'pk', pks))
        .executeTakeFirst();
      return count(res.numDeletedRows);
    },

    async listPks(userId, appId) {
      const rows = await db.selectFrom('models').select('pk').where('user_id', '=', userId).where('app_id', '=', appId).execute();
      return rows.map((r) => r.pk);
    },
  };
}
