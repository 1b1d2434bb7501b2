import type { User } from '../../domain/entities.js';
import { DuplicateKeyError } from '../../domain/errors.js';
import type { UserRepo } from '../../ports/store.js';
import { type Ctx, count } from '../sql/context.js';

export function userRepo(ctx: Ctx): UserRepo {
  const { db } = ctx;
  return {
    async get(id) {
      const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return r && { id: r.id, createdAt: r.created_at };
    },

    async count() {
      const r = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    async create(user: User) {
      // ON CONFLICT DO NOTHING instead of catching the violation: on PostgreSQL a failed statement
      // would abort the caller's transaction, on SQLite it would not; this way both behave alike.
      const res = await db
        .insertInto('users')
        .values({ id: user.id, created_at: user.createdAt })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (count(res.numInsertedOrUpdatedRows) === 0) throw new DuplicateKeyError('user', user.id);
    },
  };
}
