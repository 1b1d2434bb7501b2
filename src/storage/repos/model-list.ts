import { type Kysely, type SqlBool, sql } from 'kysely';
import type { ModelListQuery, ModelSortField } from '../../ports/store.js';
import { limitOffset, MODEL_COLUMNS, TRAINED } from '../sql/context.js';
import type { DB } from '../sql/schema.js';
import { LIKE_ESCAPE, wildcardToLike, wordPattern } from './search.js';

/** Each sort is served by the index (user_id, app_id, <column>, id) when the query names an app. */
const SORT_COLUMN = {
  name: 'name',
  modified_at: 'modified_at',
  created_at: 'created_at',
  num_inputs: 'num_inputs',
} as const satisfies Record<ModelSortField, string>;

const like = (column: 'id' | 'name' | 'search_text', pattern: string) =>
  column === 'search_text'
    ? sql<SqlBool>`${sql.ref(`models.${column}`)} like ${pattern} escape ${LIKE_ESCAPE}`
    : sql<SqlBool>`lower(${sql.ref(`models.${column}`)}) like ${pattern} escape ${LIKE_ESCAPE}`;

/**
 * The ListModels query. Exported so tests can EXPLAIN it. Paging is LIMIT/OFFSET over the sort
 * index (its cost grows with the offset, not with the number of models), or by key after a given
 * row (`after`: constant cost at any depth). The tie-break on id runs
 * in the sort's direction so one index scan (forward or backward) yields the order.
 */
export function modelListQuery(db: Kysely<DB>, q: ModelListQuery) {
  let qb = db.selectFrom('models').select(MODEL_COLUMNS).where('models.user_id', '=', q.userId);
  if (q.appId !== undefined) qb = qb.where('models.app_id', '=', q.appId);

  if (q.namePattern !== undefined && q.namePattern !== '') {
    const p = wildcardToLike(q.namePattern);
    qb = qb.where((eb) => eb.or([like('id', p), like('name', p)]));
  }

  if (q.words) {
    for (const group of q.words.groups) {
      const patterns = group.map(wordPattern).filter((p): p is string => p !== undefined);
      if (patterns.length > 0) qb = qb.where((eb) => eb.or(patterns.map((p) => like('search_text', p))));
    }
    for (const word of q.words.exclude) {
      const p = wordPattern(word);
      if (p !== undefined) qb = qb.where((eb) => eb.not(like('search_text', p)));
    }
  }

  if (q.modelTypeIds !== undefined) {
    // An empty list restricts to no type at all (e.g. input_fields no type accepts).
    qb = q.modelTypeIds.length === 0 ? qb.where(sql<SqlBool>`1 = 0`) : qb.where('models.model_type_id', 'in', q.modelTypeIds);
  }

  if (q.trainedOnly) {
    qb = qb.where((eb) =>
      eb.exists(
        eb.selectFrom('model_versions as v').select(sql.lit(1).as('one')).whereRef('v.model_pk', '=', 'models.pk').where('v.status_code', '=', TRAINED),
      ),
    );
  }

  const dir = q.sort.ascending ? 'asc' : 'desc';
  const { limit, offset } = limitOffset(q.page);
  const column = `models.${SORT_COLUMN[q.sort.field]}` as const;
  if (q.after) {
    // A row-value comparison in the order's direction: one range scan of the same index, whatever the depth.
    const cmp = sql.raw(q.sort.ascending ? '>' : '<');
    qb = qb.where(sql<SqlBool>`(${sql.ref(column)}, ${sql.ref('models.id')}) ${cmp} (${q.after.value}, ${q.after.id})`);
  }
  return qb
    .orderBy(column, dir)
    .orderBy('models.id', dir)
    .limit(limit)
    .offset(q.after ? 0 : offset);
}
