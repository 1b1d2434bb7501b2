import { type Kysely, type Selectable, type SqlBool, sql } from 'kysely';
import type { ModelVersion } from '../../domain/entities.js';
import { DuplicateKeyError } from '../../domain/errors.js';
import type { VersionListQuery, VersionRepo, VersionSortField } from '../../ports/store.js';
import type { DialectName } from '../sql/backend.js';
import { type Ctx, count, inList, limitOffset, TRAINED, VERSION_INSERT_COLUMNS } from '../sql/context.js';
import { versionFromRow, versionMutableRow, versionToRow } from '../sql/rows.js';
import type { DB, ModelVersionsTable } from '../sql/schema.js';
import { evaluationListQuery } from './evaluation-list.js';
import { LIKE_ESCAPE, likeLiteral } from './search.js';

const SORT_COLUMN = {
  created_at: 'created_at',
  status_code: 'status_code',
  num_inputs: 'total_input_count',
  description: 'description',
} as const satisfies Record<VersionSortField, string>;

/** One INSERT for any number of concepts, expanding the JSON the version row already carries. */
async function insertConcepts(db: Kysely<DB>, dialect: DialectName, versionPk: string, conceptsJson: string): Promise<void> {
  await (dialect === 'postgres'
    ? sql`insert into model_version_concepts (version_pk, position, concept_id, name, value)
          select ${versionPk}, e.ord - 1, e.c->>'id', e.c->>'name', (e.c->>'value')::float8
          from jsonb_array_elements(${conceptsJson}::jsonb) with ordinality as e(c, ord)`
    : sql`insert into model_version_concepts (version_pk, position, concept_id, name, value)
          select ${versionPk}, key, json_extract(value, '$.id'), json_extract(value, '$.name'), json_extract(value, '$.value')
          from json_each(${conceptsJson})`
  ).execute(db);
}

/**
 * models.num_inputs mirrors the latest version's total_input_count so that sorting models by it is
 * an index scan; every version write recomputes it in its transaction. On PostgreSQL the writer
 * first locks the model row (FOR NO KEY UPDATE), and the recompute is a later statement whose
 * snapshot therefore includes every version committed by writers that held the lock before: the
 * last writer always leaves the right value. SQLite writers are serialised already.
 * Every version write takes the model lock FIRST (model before version, the order a service that
 * calls models.getForUpdate also uses), so two writers never wait on each other in a cycle; for an
 * insert this also means its foreign-key FOR KEY SHARE on the model is not held while queueing,
 * which could deadlock with a concurrent PatchModelIds (a key change needs FOR UPDATE).
 */
async function lockModel(db: Kysely<DB>, dialect: DialectName, modelPk: string): Promise<void> {
  if (dialect === 'postgres') {
    await db.selectFrom('models').select('pk').where('pk', '=', modelPk).forNoKeyUpdate().execute();
  }
}

async function recomputeNumInputs(db: Kysely<DB>, modelPk: string): Promise<void> {
  await sql`update models set num_inputs = latest.n
    from (select coalesce((select total_input_count from model_versions where model_pk = ${modelPk}
                           order by created_at desc, id desc limit 1), 0) as n) as latest
    where models.pk = ${modelPk} and models.num_inputs <> latest.n`.execute(db);
}

export function versionRepo(ctx: Ctx): VersionRepo {
  const { db, hot, dialect } = ctx;
  const one = (rows: Selectable<ModelVersionsTable>[]) => (rows[0] ? versionFromRow(rows[0]) : undefined);

  /** Versions of the app's models that keep an evaluation, with their model's id and type. */
  const evaluated = (userId: string, appId: string) =>
    db
      .selectFrom('model_versions as v')
      .innerJoin('models as m', 'm.pk', 'v.model_pk')
      .selectAll('v')
      .select(['m.id as model_id', 'm.model_type_id as model_type_id'])
      .where('m.user_id', '=', userId)
      .where('m.app_id', '=', appId)
      .where('v.metrics', 'is not', null);

  return {
    async listEvaluations(q) {
      const rows = await evaluationListQuery(db, dialect, q).execute();
      return rows.map((r) => ({ modelId: r.model_id, modelTypeId: r.model_type_id, version: versionFromRow(r) }));
    },

    async mentioningInInputInfo(userId, appId, text) {
      const rows = await db
        .selectFrom('model_versions as v')
        .innerJoin('models as m', 'm.pk', 'v.model_pk')
        .selectAll('v')
        .select('m.id as model_id')
        .where('m.user_id', '=', userId)
        .where('m.app_id', '=', appId)
        .where(sql<SqlBool>`v.input_info like ${`%${likeLiteral(text)}%`} escape ${LIKE_ESCAPE}`)
        .orderBy('v.created_at')
        .execute();
      return rows.map((r) => ({ modelId: r.model_id, version: versionFromRow(r) }));
    },

    async findEvaluated(userId, appId, evaluationId) {
      const id = dialect === 'postgres' ? sql<string>`(v.metrics::jsonb ->> 'id')` : sql<string>`json_extract(v.metrics, '$.id')`;
      const r = await evaluated(userId, appId).where(id, '=', evaluationId).orderBy('v.created_at', 'desc').executeTakeFirst();
      return r && { modelId: r.model_id, modelTypeId: r.model_type_id, version: versionFromRow(r) };
    },

    async create(version: ModelVersion) {
      const row = versionToRow(version);
      await ctx.atomic(async (tx) => {
        await lockModel(tx, dialect, row.model_pk);
        const res = await hot.insertVersion.execute(
          tx,
          VERSION_INSERT_COLUMNS.map((c) => row[c]),
        );
        if (count(res.numAffectedRows) === 0) throw new DuplicateKeyError('model version', version.id);
        if (version.concepts.length > 0) await insertConcepts(tx, dialect, row.pk, row.concepts);
        await recomputeNumInputs(tx, row.model_pk);
      });
    },

    get: async (modelPk, versionId) => one(await hot.versionById.run(db, [modelPk, versionId])),

    getByPk: async (pk) => one(await hot.versionByPk.run(db, [pk])),

    async update(version) {
      await ctx.atomic(async (tx) => {
        await lockModel(tx, dialect, version.modelPk);
        const res = await tx.updateTable('model_versions').set(versionMutableRow(version)).where('pk', '=', version.pk).executeTakeFirst();
        if (count(res.numUpdatedRows) > 0) await recomputeNumInputs(tx, version.modelPk);
      });
    },

    /**
     * Model lock first, as every version write: PatchModelVersions holds it while it reads and
     * rewrites a version, so on PostgreSQL a training status written meanwhile is never overwritten
     * by the patch's stale copy (the version would look stuck in 21101).
     */
    async updateTraining(pk, f) {
      return ctx.atomic(async (tx) => {
        const modelPk = (await tx.selectFrom('model_versions').select('model_pk').where('pk', '=', pk).executeTakeFirst())?.model_pk;
        if (!modelPk) return false;
        await lockModel(tx, dialect, modelPk);
        const res = await tx
          .updateTable('model_versions')
          .set({
            ...(f.status ? { status_code: f.status.code, status_details: f.status.details, percent_completed: f.status.percentCompleted } : {}),
            ...(f.totalInputCount !== undefined ? { total_input_count: f.totalInputCount } : {}),
            ...(f.completedAt !== undefined ? { completed_at: f.completedAt } : {}),
            ...(f.trainLog !== undefined ? { train_log: f.trainLog } : {}),
            ...(f.modifiedAt !== undefined ? { modified_at: f.modifiedAt } : {}),
            ...(f.metrics !== undefined ? { metrics: f.metrics === null ? null : JSON.stringify(f.metrics) } : {}),
            ...(f.inputInfo !== undefined ? { input_info: JSON.stringify(f.inputInfo) } : {}),
          })
          .where('pk', '=', pk)
          .executeTakeFirst();
        if (count(res.numUpdatedRows) === 0) return false;
        if (f.totalInputCount !== undefined) await recomputeNumInputs(tx, modelPk);
        return true;
      });
    },

    /** Concepts and jobs of the version go by ON DELETE CASCADE. */
    async delete(pk) {
      return ctx.atomic(async (tx) => {
        if (dialect === 'postgres') {
          const v = await tx.selectFrom('model_versions').select('model_pk').where('pk', '=', pk).executeTakeFirst();
          if (!v) return false;
          await lockModel(tx, dialect, v.model_pk);
        }
        const r = await tx.deleteFrom('model_versions').where('pk', '=', pk).returning('model_pk').executeTakeFirst();
        if (!r) return false;
        await recomputeNumInputs(tx, r.model_pk);
        return true;
      });
    },

    async list(q: VersionListQuery) {
      let qb = db.selectFrom('model_versions').selectAll().where('model_pk', '=', q.modelPk);
      for (const conceptId of q.conceptIds ?? []) {
        qb = qb.where(({ exists, selectFrom }) =>
          exists(
            selectFrom('model_version_concepts as c')
              .select(sql.lit(1).as('one'))
              .where('c.concept_id', '=', conceptId)
              .whereRef('c.version_pk', '=', 'model_versions.pk'),
          ),
        );
      }
      if (q.trainedOnly) qb = qb.where('status_code', '=', TRAINED);
      const dir = q.sort.ascending ? 'asc' : 'desc';
      const { limit, offset } = limitOffset(q.page);
      const rows = await qb.orderBy(SORT_COLUMN[q.sort.field], dir).orderBy('id', dir).limit(limit).offset(offset).execute();
      return rows.map(versionFromRow);
    },

    /**
     * One query whatever the number of models: for each model, an index probe on
     * (model_pk, created_at, id) read backwards picks its newest version's pk.
     */
    async latestOf(modelPks, opts = {}) {
      const out = new Map<string, ModelVersion>();
      if (modelPks.length === 1) {
        const pk = modelPks[0]!;
        const v = one(await (opts.trainedOnly ? hot.latestTrained : hot.latest).run(db, [pk]));
        if (v) out.set(pk, v);
        return out;
      }
      if (modelPks.length === 0) return out;
      const rows = await db
        .selectFrom('model_versions')
        .selectAll()
        .where('pk', 'in', (eb) =>
          eb
            .selectFrom('models as m')
            .select((eb2) => {
              let newest = eb2.selectFrom('model_versions as w').select('w.pk').whereRef('w.model_pk', '=', 'm.pk');
              if (opts.trainedOnly) newest = newest.where('w.status_code', '=', TRAINED);
              return newest.orderBy('w.created_at', 'desc').orderBy('w.id', 'desc').limit(1).$asScalar().as('latest');
            })
            .where(inList(dialect, 'm.pk', modelPks))
            .$narrowType<{ latest: string }>(),
        )
        .execute();
      for (const r of rows) out.set(r.model_pk, versionFromRow(r));
      return out;
    },
  };
}
