import { sql, type Kysely, type Selectable } from 'kysely';
import { DuplicateKeyError } from '../domain/errors.js';
import type { ModelVersion } from '../domain/entities.js';
import type { VersionListQuery, VersionRepo, VersionSortField } from '../ports/store.js';
import type { DialectName } from './backend.js';
import { count, inList, limitOffset, TRAINED, type Ctx } from './context.js';
import { versionFromRow, versionMutableRow, versionToRow } from './rows.js';
import type { DB, ModelVersionsTable } from './schema.js';

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
 * models.num_inputs mirrors the latest version's total_input_count so that sorting models by it
 * is an index scan. Every version write calls this in its transaction. On PostgreSQL the model row
 * is locked first and the value computed by a later statement, whose snapshot then includes every
 * version committed by the writers that held the lock before: the last writer always leaves the
 * right value. SQLite writers are serialised already.
 */
async function refreshNumInputs(db: Kysely<DB>, dialect: DialectName, modelPk: string): Promise<void> {
  if (dialect === 'postgres') {
    await db.selectFrom('models').select('pk').where('pk', '=', modelPk).forNoKeyUpdate().execute();
  }
  await sql`update models set num_inputs = latest.n
    from (select coalesce((select total_input_count from model_versions where model_pk = ${modelPk}
                           order by created_at desc, id desc limit 1), 0) as n) as latest
    where models.pk = ${modelPk} and models.num_inputs <> latest.n`.execute(db);
}

export function versionRepo(ctx: Ctx): VersionRepo {
  const { db, hot, dialect } = ctx;
  const one = (rows: Selectable<ModelVersionsTable>[]) => (rows[0] ? versionFromRow(rows[0]) : undefined);

  return {
    async create(version: ModelVersion) {
      const row = versionToRow(version);
      await ctx.atomic(async (tx) => {
        const res = await tx.insertInto('model_versions').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
        if (count(res.numInsertedOrUpdatedRows) === 0) throw new DuplicateKeyError('model version', version.id);
        if (version.concepts.length > 0) await insertConcepts(tx, dialect, row.pk, row.concepts);
        await refreshNumInputs(tx, dialect, row.model_pk);
      });
    },

    get: async (modelPk, versionId) => one(await hot.versionById.run(db, [modelPk, versionId])),

    getByPk: async (pk) => one(await hot.versionByPk.run(db, [pk])),

    async update(version) {
      await ctx.atomic(async (tx) => {
        const r = await tx
          .updateTable('model_versions')
          .set(versionMutableRow(version))
          .where('pk', '=', version.pk)
          .returning('model_pk')
          .executeTakeFirst();
        if (r) await refreshNumInputs(tx, dialect, r.model_pk);
      });
    },

    /** Concepts and jobs of the version go by ON DELETE CASCADE. */
    async delete(pk) {
      return ctx.atomic(async (tx) => {
        const r = await tx.deleteFrom('model_versions').where('pk', '=', pk).returning('model_pk').executeTakeFirst();
        if (r) await refreshNumInputs(tx, dialect, r.model_pk);
        return r !== undefined;
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
