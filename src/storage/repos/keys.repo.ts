import type { ApiKey } from '../../domain/entities.js';
import { DuplicateKeyError } from '../../domain/errors.js';
import type { KeyRepo } from '../../ports/store.js';
import { type Ctx, count, limitOffset } from '../sql/context.js';
import { keyFromRow, keyToRow } from '../sql/rows.js';

export function keyRepo(ctx: Ctx): KeyRepo {
  const { db, hot } = ctx;
  return {
    async findByTokenHash(tokenHash) {
      const [r] = await hot.keyByTokenHash.run(db, [tokenHash]);
      return r && keyFromRow(r);
    },

    async get(userId, id) {
      const r = await db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
      return r && keyFromRow(r);
    },

    async create(key: ApiKey) {
      // The FK from (user_id, app_id) is what makes DeleteApp take the app's keys with it.
      if (key.kind === 'app' && key.appIds.length !== 1) {
        throw new TypeError(`app key '${key.id}' must be bound to exactly one app, got ${key.appIds.length}`);
      }
      const res = await db
        .insertInto('api_keys')
        .values(keyToRow(key))
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (count(res.numInsertedOrUpdatedRows) === 0) throw new DuplicateKeyError('key', key.id);
    },

    /** Newest first. */
    async listByUser(userId, page) {
      const { limit, offset } = limitOffset(page);
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map(keyFromRow);
    },

    async delete(userId, id) {
      const res = await db.deleteFrom('api_keys').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
      return count(res.numDeletedRows) > 0;
    },
  };
}
