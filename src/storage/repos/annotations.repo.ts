import { sql } from 'kysely';
import { DuplicateKeyError } from '../../domain/errors.js';
import type { Annotation, NamedLabel } from '../../domain/inputs.js';
import type { AnnotationQuery, AnnotationRepo } from '../../ports/inputs-store.js';
import { type Ctx, count, inList, limitOffset } from '../sql/context.js';
import { labelRows } from '../sql/training-rows.js';

interface AnnotationRow {
  pk: string;
  input_pk: string;
  input_id: string;
  user_id: string;
  app_id: string;
  id: string;
  input_level: number;
  created_at: number;
  modified_at: number;
}

/**
 * Annotations over the one label store (`input_labels`, decision 0019): the input-level annotation
 * of each input is the input row itself (id `inputs.annotation_id`, labels with annotation_pk NULL);
 * the others are rows of `annotations`. Reads are a UNION of both, so paging spans them.
 */
export function annotationRepo(ctx: Ctx): AnnotationRepo {
  const { db, dialect } = ctx;

  /** Both kinds of annotation of the app's inputs, filtered, as one row set. */
  const rowsOf = (q: Omit<AnnotationQuery, 'page'> & { inputPks?: string[] }) => {
    const inputs = () => {
      let b = db.selectFrom('inputs as i').where('i.user_id', '=', q.userId).where('i.app_id', '=', q.appId);
      if (q.inputIds) b = b.where(inList(dialect, 'i.id', q.inputIds));
      if (q.inputPks) b = b.where(inList(dialect, 'i.pk', q.inputPks));
      return b;
    };
    let own = inputs().select([
      'i.pk as pk',
      'i.pk as input_pk',
      'i.id as input_id',
      'i.user_id as user_id',
      'i.app_id as app_id',
      sql<string>`coalesce(i.annotation_id, i.pk)`.as('id'),
      sql<number>`1`.as('input_level'),
      'i.created_at as created_at',
      'i.modified_at as modified_at',
    ]);
    let added = inputs()
      .innerJoin('annotations as a', 'a.input_pk', 'i.pk')
      .select([
        'a.pk as pk',
        'a.input_pk as input_pk',
        'i.id as input_id',
        'i.user_id as user_id',
        'i.app_id as app_id',
        'a.id as id',
        sql<number>`0`.as('input_level'),
        'a.created_at as created_at',
        'a.modified_at as modified_at',
      ]);
    if (q.ids) {
      own = own.where(inList(dialect, 'i.annotation_id', q.ids));
      added = added.where(inList(dialect, 'a.id', q.ids));
    }
    return db.selectFrom(own.unionAll(added).as('u')).selectAll();
  };

  /** Adds each annotation's labels (with the concept's current name): one query for the page. */
  const hydrate = async (rows: AnnotationRow[]): Promise<Annotation[]> => {
    if (rows.length === 0) return [];
    const labels = await db
      .selectFrom('input_labels as l')
      .innerJoin('inputs as i', 'i.pk', 'l.input_pk')
      .leftJoin('concepts as c', (j) => j.onRef('c.user_id', '=', 'i.user_id').onRef('c.app_id', '=', 'i.app_id').onRef('c.id', '=', 'l.concept_id'))
      .select(['l.input_pk', 'l.annotation_pk', 'l.concept_id', 'l.value', 'c.name'])
      .where(inList(dialect, 'l.input_pk', [...new Set(rows.map((r) => r.input_pk))]))
      .orderBy('l.input_pk')
      .orderBy('l.position')
      .execute();
    const byAnnotation = new Map<string, NamedLabel[]>();
    for (const l of labels) {
      const key = l.annotation_pk ?? l.input_pk;
      byAnnotation.set(key, [...(byAnnotation.get(key) ?? []), { id: l.concept_id, name: l.name ?? l.concept_id, value: l.value }]);
    }
    return rows.map((r) => ({
      pk: r.pk,
      inputPk: r.input_pk,
      inputId: r.input_id,
      userId: r.user_id,
      appId: r.app_id,
      id: r.id,
      inputLevel: Number(r.input_level) === 1,
      concepts: byAnnotation.get(r.pk) ?? [],
      createdAt: Number(r.created_at),
      modifiedAt: Number(r.modified_at),
    }));
  };

  return {
    async list(q) {
      const { limit, offset } = limitOffset(q.page);
      // Oldest first, as Clarifai documents ListAnnotations ("Annotations will be returned from oldest to
      // newest"); an input-level annotation comes before one added in the same millisecond.
      const rows = await rowsOf(q).orderBy('created_at', 'asc').orderBy('input_level', 'desc').orderBy('pk', 'asc').limit(limit).offset(offset).execute();
      return hydrate(rows as AnnotationRow[]);
    },

    async ofInputs(userId, appId, inputPks) {
      if (inputPks.length === 0) return [];
      const rows = await rowsOf({ userId, appId, inputPks }).orderBy('input_level', 'desc').orderBy('created_at', 'asc').orderBy('pk', 'asc').execute();
      return hydrate(rows as AnnotationRow[]);
    },

    async create(a) {
      await ctx.atomic(async (tx) => {
        const res = await tx
          .insertInto('annotations')
          .values({ pk: a.pk, input_pk: a.inputPk, id: a.id, created_at: a.now, modified_at: a.now })
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst();
        if (count(res.numInsertedOrUpdatedRows) === 0) throw new DuplicateKeyError('annotation', a.id);
        await writeLabels(tx, a.inputPk, a.pk, a.labels, a.now);
      });
    },

    async setLabels(inputPk, annotationPk, labels, now) {
      await ctx.atomic(async (tx) => {
        let del = tx.deleteFrom('input_labels').where('input_pk', '=', inputPk);
        del = annotationPk === null ? del.where('annotation_pk', 'is', null) : del.where('annotation_pk', '=', annotationPk);
        await del.execute();
        await writeLabels(tx, inputPk, annotationPk, labels, now);
        if (annotationPk !== null) await tx.updateTable('annotations').set({ modified_at: now }).where('pk', '=', annotationPk).execute();
      });
    },

    async delete(pks) {
      if (pks.length === 0) return 0;
      return ctx.atomic(async (tx) => {
        await tx
          .deleteFrom('input_labels')
          .where(inList(dialect, 'annotation_pk', pks))
          .execute();
        const res = await tx
          .deleteFrom('annotations')
          .where(inList(dialect, 'pk', pks))
          .executeTakeFirst();
        return count(res.numDeletedRows);
      });
    },
  };
}

/** Appends labels after the input's last position (the input's concepts list in the order they were added), and touches the input. */
async function writeLabels(tx: Ctx['db'], inputPk: string, annotationPk: string | null, labels: { id: string; value: number }[], now: number): Promise<void> {
  if (labels.length > 0) {
    const last = await tx
      .selectFrom('input_labels')
      .select((eb) => eb.fn.max('position').as('p'))
      .where('input_pk', '=', inputPk)
      .executeTakeFirst();
    const first = last?.p === null || last?.p === undefined ? 0 : Number(last.p) + 1;
    await tx
      .insertInto('input_labels')
      .values(labelRows(inputPk, labels, annotationPk, first))
      .execute();
  }
  await tx.updateTable('inputs').set({ modified_at: now }).where('pk', '=', inputPk).execute();
}
