import { type Kysely, sql } from 'kysely';
import { DuplicateKeyError } from '../../domain/errors.js';
import type { InputLabel } from '../../domain/inputs.js';
import type { DatasetExport, DatasetRepo } from '../../ports/inputs-store.js';
import { type Ctx, count, inList, insertInParts, limitOffset } from '../sql/context.js';
import type { DB } from '../sql/schema.js';
import { bytesToBuffer, datasetFromRow, datasetToRow, datasetVersionFromRow, datasetVersionToRow } from '../sql/training-rows.js';

export function datasetRepo(ctx: Ctx): DatasetRepo {
  const { db, dialect } = ctx;
  const datasets = (userId: string, appId: string) => db.selectFrom('datasets').selectAll().where('user_id', '=', userId).where('app_id', '=', appId);
  const versions = () => db.selectFrom('dataset_versions as v').innerJoin('datasets as d', 'd.pk', 'v.dataset_pk').selectAll('v').select('d.id as dataset_id');

  return {
    async create(d) {
      const res = await db
        .insertInto('datasets')
        .values(datasetToRow(d))
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (count(res.numInsertedOrUpdatedRows) === 0) throw new DuplicateKeyError('dataset', d.id);
    },

    async get(userId, appId, id, forUpdate = false) {
      const q = datasets(userId, appId).where('id', '=', id);
      const r = await (forUpdate && dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
      return r && datasetFromRow(r);
    },

    async update(d) {
      await db
        .updateTable('datasets')
        .set({ description: d.description, notes: d.notes, metadata: JSON.stringify(d.metadata), modified_at: d.modifiedAt })
        .where('pk', '=', d.pk)
        .execute();
    },

    /** Memberships, versions and their frozen inputs go by ON DELETE CASCADE. */
    async delete(pks) {
      if (pks.length === 0) return 0;
      const res = await db
        .deleteFrom('datasets')
        .where(inList(dialect, 'pk', pks))
        .executeTakeFirst();
      return count(res.numDeletedRows);
    },

    async getMany(userId, appId, ids) {
      if (ids.length === 0) return [];
      return (
        await datasets(userId, appId)
          .where(inList(dialect, 'id', ids))
          .execute()
      ).map(datasetFromRow);
    },

    /** Newest first, as Clarifai lists datasets by default. */
    async list(userId, appId, page) {
      const { limit, offset } = limitOffset(page);
      const rows = await datasets(userId, appId).orderBy('created_at', 'desc').orderBy('id', 'asc').limit(limit).offset(offset).execute();
      return rows.map(datasetFromRow);
    },

    async addInputs(datasetPk, inputPks, now) {
      const unique = [...new Set(inputPks)];
      if (unique.length === 0) return 0;
      const res = await db
        .insertInto('dataset_inputs')
        .values(unique.map((input_pk) => ({ dataset_pk: datasetPk, input_pk, created_at: now })))
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return count(res.numInsertedOrUpdatedRows);
    },

    async listInputs(datasetPk, page) {
      const { limit, offset } = limitOffset(page);
      const rows = await db
        .selectFrom('dataset_inputs')
        .select(['input_pk', 'created_at'])
        .where('dataset_pk', '=', datasetPk)
        .orderBy('created_at', 'asc')
        .orderBy('input_pk', 'asc')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map((r) => ({ inputPk: r.input_pk, addedAt: r.created_at }));
    },

    async inputPks(datasetPk) {
      const rows = await db.selectFrom('dataset_inputs').select('input_pk').where('dataset_pk', '=', datasetPk).execute();
      return rows.map((r) => r.input_pk);
    },

    async members(datasetPk, inputPks) {
      if (inputPks.length === 0) return [];
      const rows = await db
        .selectFrom('dataset_inputs')
        .select(['input_pk', 'created_at'])
        .where('dataset_pk', '=', datasetPk)
        .where(inList(dialect, 'input_pk', inputPks))
        .execute();
      return rows.map((r) => ({ inputPk: r.input_pk, addedAt: r.created_at }));
    },

    async removeInputs(datasetPk, inputPks) {
      if (inputPks.length === 0) return 0;
      const res = await db
        .deleteFrom('dataset_inputs')
        .where('dataset_pk', '=', datasetPk)
        .where(inList(dialect, 'input_pk', inputPks))
        .executeTakeFirst();
      return count(res.numDeletedRows);
    },

    async updateVersion(v) {
      await db
        .updateTable('dataset_versions')
        .set({ description: v.description, metadata: JSON.stringify(v.metadata), modified_at: v.modifiedAt })
        .where('pk', '=', v.pk)
        .execute();
    },

    async deleteVersions(pks) {
      if (pks.length === 0) return 0;
      const res = await db
        .deleteFrom('dataset_versions')
        .where(inList(dialect, 'pk', pks))
        .executeTakeFirst();
      return count(res.numDeletedRows);
    },

    async createVersion(v, inputs) {
      await ctx.atomic(async (tx) => {
        const res = await tx
          .insertInto('dataset_versions')
          .values(datasetVersionToRow(v))
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst();
        if (count(res.numInsertedOrUpdatedRows) === 0) throw new DuplicateKeyError('dataset version', v.id);
        await insertInParts(inputs, (part) =>
          tx
            .insertInto('dataset_version_inputs')
            .values(part.map((s) => ({ version_pk: v.pk, input_pk: s.inputPk, labels: JSON.stringify(s.labels) })))
            .execute(),
        );
      });
    },

    async getVersion(datasetPk, versionId) {
      const r = await versions().where('v.dataset_pk', '=', datasetPk).where('v.id', '=', versionId).executeTakeFirst();
      return r && datasetVersionFromRow(r);
    },

    async findVersionInApp(userId, appId, versionId) {
      const rows = await versions().where('v.user_id', '=', userId).where('v.app_id', '=', appId).where('v.id', '=', versionId).execute();
      return rows.map(datasetVersionFromRow);
    },

    async listVersions(datasetPk, page) {
      const { limit, offset } = limitOffset(page);
      const rows = await versions()
        .where('v.dataset_pk', '=', datasetPk)
        .orderBy('v.created_at', 'desc')
        .orderBy('v.id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map(datasetVersionFromRow);
    },

    async versionInputs(versionPk) {
      const rows = await db
        .selectFrom('dataset_version_inputs')
        .select(['input_pk', 'labels'])
        .where('version_pk', '=', versionPk)
        .orderBy('input_pk')
        .execute();
      return rows.map((r) => ({ inputPk: r.input_pk, labels: JSON.parse(r.labels) as InputLabel[] }));
    },

    async putExport(versionPk, format, archive, now) {
      return ctx.atomic(async (tx) => {
        const exists = await tx.selectFrom('dataset_versions').select('pk').where('pk', '=', versionPk).executeTakeFirst();
        if (!exists) return undefined;
        await tx
          .insertInto('dataset_version_exports')
          .values({ version_pk: versionPk, format, archive: bytesToBuffer(archive), created_at: now })
          .onConflict((oc) => oc.doNothing())
          .execute();
        return readExport(tx, versionPk, format);
      });
    },

    getExport: (versionPk, format) => readExport(db, versionPk, format),

    async exportsOf(versionPks) {
      if (versionPks.length === 0) return [];
      const rows = await db
        .selectFrom('dataset_version_exports')
        .select(['version_pk', 'format', 'created_at', sql<number>`length(archive)`.as('size')])
        .where(inList(dialect, 'version_pk', versionPks))
        .orderBy('version_pk')
        .orderBy('format')
        .execute();
      return rows.map((r) => ({ versionPk: r.version_pk, format: r.format, size: Number(r.size), createdAt: Number(r.created_at) }));
    },
  };
}

async function readExport(db: Kysely<DB>, versionPk: string, format: string): Promise<DatasetExport | undefined> {
  const r = await db
    .selectFrom('dataset_version_exports')
    .select(['format', 'archive', 'created_at'])
    .where('version_pk', '=', versionPk)
    .where('format', '=', format)
    .executeTakeFirst();
  return r && { format: r.format, archive: new Uint8Array(r.archive), createdAt: Number(r.created_at) };
}
