import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { EvaluationListQuery, EvaluationSortField } from '../../ports/store.js';
import type { DialectName } from '../sql/backend.js';
import { limitOffset } from '../sql/context.js';
import type { DB } from '../sql/schema.js';

// ListEvaluations in SQL: a version keeps its latest evaluation as JSON text in model_versions.metrics
// (and the dataset it trained on in train_info), so filters and sorts read into that JSON with each
// dialect's functions. A value of the wrong JSON type counts as absent, as the service's mapper
// treats it: a number sort puts absent values below every number, a text sort treats them as ''.

type Column = 'v.metrics' | 'v.train_info';

/** The JSON number at `path` of a JSON text column, or NULL when absent or not a number. */
function jsonNumber(dialect: DialectName, column: Column, path: string[]): RawBuilder<number | null> {
  const col = sql.ref(column);
  if (dialect === 'postgres') {
    const at = sql`(${col}::jsonb #> ${`{${path.join(',')}}`}::text[])`;
    return sql<number | null>`(case when jsonb_typeof(${at}) = 'number' then (${at})::text::float8 end)`;
  }
  const p = `$.${path.join('.')}`;
  return sql<number | null>`(case when json_type(${col}, ${p}) in ('integer', 'real') then json_extract(${col}, ${p}) end)`;
}

/** The JSON string at `path`, or '' when absent or not a string; byte order on both backends. */
function jsonText(dialect: DialectName, column: Column, path: string[]): RawBuilder<string> {
  const col = sql.ref(column);
  if (dialect === 'postgres') {
    const at = sql`(${col}::jsonb #> ${`{${path.join(',')}}`}::text[])`;
    return sql<string>`(case when jsonb_typeof(${at}) = 'string' then (${at} #>> '{}') else '' end collate "C")`;
  }
  const p = `$.${path.join('.')}`;
  return sql<string>`(case when json_type(${col}, ${p}) = 'text' then json_extract(${col}, ${p}) else '' end)`;
}

/** Below any metric (they lie in [0, 1]): where an absent number sorts. */
const ABSENT = -1e308;

function sortExpression(dialect: DialectName, field: EvaluationSortField): RawBuilder<unknown> {
  const metric = (name: string) => sql`coalesce(${jsonNumber(dialect, 'v.metrics', ['summary', name])}, ${ABSENT})`;
  switch (field) {
    case 'created_at':
      return sql`${sql.ref('v.created_at')}`;
    case 'model_id':
      return sql`${sql.ref('m.id')}`;
    case 'app_id':
      return sql`${sql.ref('m.app_id')}`;
    case 'roc_auc':
      return metric('macro_avg_roc_auc');
    case 'f1':
      return metric('macro_avg_f1_score');
    case 'precision':
      return metric('macro_avg_precision');
    case 'recall':
      return metric('macro_avg_recall');
    case 'eval_dataset_id':
      return jsonText(dialect, 'v.metrics', ['ground_truth_dataset', 'id']);
    case 'train_dataset_id':
      return jsonText(dialect, 'v.train_info', ['params', 'dataset_id']);
  }
}

/** The ListEvaluations query (exported so tests can run it on both backends): filtered, sorted and paged by the database. */
export function evaluationListQuery(db: Kysely<DB>, dialect: DialectName, q: EvaluationListQuery) {
  let qb = db
    .selectFrom('model_versions as v')
    .innerJoin('models as m', 'm.pk', 'v.model_pk')
    .selectAll('v')
    .select(['m.id as model_id', 'm.model_type_id as model_type_id'])
    .where('m.user_id', '=', q.userId)
    .where('m.app_id', '=', q.appId)
    .where('v.metrics', 'is not', null);
  if (!q.showFailed) {
    // 21310..21319 are the evaluation failures (EVALUATION_FAILED and its kin).
    const code = sql<number>`coalesce(${jsonNumber(dialect, 'v.metrics', ['status', 'code'])}, 0)`;
    qb = qb.where(sql<SqlBool>`not (${code} between 21310 and 21319)`);
  }
  if (q.modelTypeId) qb = qb.where('m.model_type_id', '=', q.modelTypeId);
  if (q.evalDatasetIds && q.evalDatasetIds.length > 0)
    qb = qb.where(sql<SqlBool>`${jsonText(dialect, 'v.metrics', ['ground_truth_dataset', 'id'])} in (${sql.join(q.evalDatasetIds)})`);
  if (q.trainDatasetIds && q.trainDatasetIds.length > 0)
    qb = qb.where(sql<SqlBool>`${jsonText(dialect, 'v.train_info', ['params', 'dataset_id'])} in (${sql.join(q.trainDatasetIds)})`);
  for (const conceptId of q.conceptIds ?? []) {
    qb = qb.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('model_version_concepts as c').select(sql.lit(1).as('one')).where('c.concept_id', '=', conceptId).whereRef('c.version_pk', '=', 'v.pk'),
      ),
    );
  }
  const dir = q.sort.ascending ? sql.raw('asc') : sql.raw('desc');
  const { limit, offset } = limitOffset(q.page);
  // The tie-break on pk runs in the sort's direction, as the in-memory order it replaces did.
  return qb
    .orderBy(sql`${sortExpression(dialect, q.sort.field)} ${dir}`)
    .orderBy(sql`${sql.ref('v.pk')} ${dir}`)
    .limit(limit)
    .offset(offset);
}
