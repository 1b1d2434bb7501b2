import { type SqlBool, sql } from 'kysely';
import type { AppFilter } from '../../domain/app-search.js';
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

    /** By id ascending: the primary key order, so no sort step. The filter is appMatches (src/domain/app-search.ts) in SQL. */
    async list(userId, page, filter?: AppFilter) {
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
      const rows = await q.orderBy('id', 'asc').limit(limit).offset(offset).execute();
      return rows.map(appFromRow);
    },

    /** One statement: ON DELETE CASCADE takes the models, versions, concepts, jobs and app keys. */
    async delete(userId, appId) {
      const res = await db.deleteFrom('apps').where('user_id', '=', userId).where('id', '=', appId).executeTakeFirst();
      return count(res.numDeletedRows) > 0;
    },
  };
}
