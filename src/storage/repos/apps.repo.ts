import { type SqlBool, sql } from 'kysely';
import type { AppFilter, AppListOrder } from '../../domain/app-search.js';
import type { App } from '../../domain/entities.js';
import { DuplicateKeyError } from '../../domain/errors.js';
import type { AppRepo } from '../../ports/store.js';
import { type Ctx, count, limitOffset } from '../sql/context.js';
import { appFromRow, appToRow } from '../sql/rows.js';
import { LIKE_ESCAPE, likeLiteral, wildcardToLike } from './search.js';

const like = (column: 'id' | 'name' | 'description', pattern: string) =>
  sql<SqlBool>`lower(${sql.ref(`apps.${column}`)}) like ${pattern} escape ${LIKE_ESCAPE}`;

export function appRepo(ctx: Ctx): AppRepo {
  const { db } = ctx;
  return {
    async get(userId, appId) {
      const r = await db.selectFrom('apps').selectAll().where('user_id', '=', userId).where('id', '=', appId).executeTakeFirst();
      return r && appFromRow(r);
    },

    async getForUpdate(userId, appId) {
      let q = db.selectFrom('apps').selectAll().where('user_id', '=', userId).where('id', '=', appId);
      if (ctx.dialect === 'postgres') q = q.forNoKeyUpdate();
      const r = await q.executeTakeFirst();
      return r && appFromRow(r);
    },

    async update(app: App) {
      const row = appToRow(app);
      const res = await db
        .updateTable('apps')
        .set({
          name: row.name,
          description: row.description,
          default_language: row.default_language,
          default_workflow_id: row.default_workflow_id,
          visibility: row.visibility,
          metadata: row.metadata,
          modified_at: row.modified_at,
        })
        .where('user_id', '=', app.userId)
        .where('id', '=', app.id)
        .executeTakeFirst();
      return count(res.numUpdatedRows) > 0;
    },

    async create(app: App) {
      const res = await db
        .insertInto('apps')
        .values(appToRow(app))
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (count(res.numInsertedOrUpdatedRows) === 0) throw new DuplicateKeyError('app', app.id);
    },

    /**
     * By id ascending unless `order` says otherwise (ListApps: modified_at descending by default); ties
     * by id in the sort's direction. The filter is appMatches and the relevance rank appRelevance
     * (src/domain/app-search.ts) in SQL.
     */
    async list(userId, page, filter?: AppFilter, order?: AppListOrder) {
      const { limit, offset } = limitOffset(page);
      let q = db.selectFrom('apps').selectAll().where('user_id', '=', userId);
      for (const t of filter?.terms ?? []) {
        const p = `%${likeLiteral(t)}%`;
        q = q.where((eb) => eb.or([like('id', p), like('name', p), like('description', p)]));
      }
      if (filter?.namePattern !== undefined) {
        const p = wildcardToLike(filter.namePattern);
        q = q.where((eb) => eb.or([like('id', p), like('name', p)]));
      }
      if (filter?.idPattern !== undefined) q = q.where(like('id', wildcardToLike(filter.idPattern)));
      if (order?.visibility !== undefined) q = q.where('visibility', '=', order.visibility);
      const field = order?.sort.field ?? 'id';
      const dir = order?.sort.ascending === false ? 'desc' : 'asc';
      const term = filter?.terms?.[0];
      if (field === 'relevance' && term !== undefined) {
        const prefix = `${likeLiteral(term)}%`;
        // Best first when descending (the default): the rank grows as relevance falls.
        const rank = sql<number>`case when lower(apps.id) = ${term} then 0 when ${like('id', prefix)} then 1 when ${like('name', prefix)} then 2 else 3 end`;
        q = q.orderBy(rank, dir === 'desc' ? 'asc' : 'desc').orderBy('id', 'asc');
      } else {
        if (field !== 'id' && field !== 'relevance') q = q.orderBy(field, dir);
        q = q.orderBy('id', dir);
      }
      const rows = await q.limit(limit).offset(offset).execute();
      return rows.map(appFromRow);
    },

    /** One statement: ON DELETE CASCADE takes the models, versions, concepts, jobs and app keys. */
    async delete(userId, appId) {
      const res = await db.deleteFrom('apps').where('user_id', '=', userId).where('id', '=', appId).executeTakeFirst();
      return count(res.numDeletedRows) > 0;
    },
  };
}
