import { sql } from 'kysely';
import { DuplicateKeyError } from '../../domain/errors.js';
import type { ArtifactStore } from '../../ports/artifacts.js';
import type { ConceptRepo, EmbeddingRepo } from '../../ports/inputs-store.js';
import { type Ctx, count, inList, limitOffset } from '../sql/context.js';
import { bytesToBuffer, conceptFromRow, conceptToRow, vectorFromBytes } from '../sql/training-rows.js';
import { LIKE_ESCAPE, wildcardToLike } from './search.js';

export function conceptRepo(ctx: Ctx): ConceptRepo {
  const { db } = ctx;
  return {
    /**
     * ON CONFLICT DO NOTHING: concurrent PostInputs naming the same new concept both succeed. Sorted,
     * so two transactions inserting the same concepts lock them in one order (no PostgreSQL deadlock).
     */
    async ensure(userId, appId, ids, now) {
      const unique = [...new Set(ids)].sort();
      if (unique.length === 0) return;
      // One SQL text whatever the number of ids (the ids travel as one JSON array): a cached statement,
      // and no insert builder per call (PostModelVersions and PostInputs call this every time).
      const list = JSON.stringify(unique);
      await (ctx.dialect === 'postgres'
        ? sql`insert into concepts (user_id, app_id, id, name, created_at, modified_at)
              select ${userId}, ${appId}, e.id, e.id, ${now}::bigint, ${now}::bigint
              from jsonb_array_elements_text(${list}::jsonb) with ordinality as e(id, ord) order by e.ord
              on conflict do nothing`
        : sql`insert into concepts (user_id, app_id, id, name, created_at, modified_at)
              select ${userId}, ${appId}, value, value, ${now}, ${now} from json_each(${list}) where true
              on conflict do nothing`
      ).execute(db);
    },

    /** Taken ids are looked up first so the error names them; the insert's count still catches a concurrent create. */
    async create(concepts) {
      if (concepts.length === 0) return;
      const first = concepts[0]!;
      const ids = concepts.map((c) => c.id);
      await ctx.atomic(async (tx) => {
        const taken = await tx
          .selectFrom('concepts')
          .select('id')
          .where('user_id', '=', first.userId)
          .where('app_id', '=', first.appId)
          .where(inList(ctx.dialect, 'id', ids))
          .execute();
        if (taken.length > 0) throw new DuplicateKeyError('concept', taken.map((t) => t.id).join("', '"));
        const res = await tx
          .insertInto('concepts')
          .values(concepts.map(conceptToRow))
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst();
        if (count(res.numInsertedOrUpdatedRows) < concepts.length) throw new DuplicateKeyError('concept', ids.join("', '"));
      });
    },

    async get(userId, appId, id) {
      const r = await db.selectFrom('concepts').selectAll().where('user_id', '=', userId).where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
      return r && conceptFromRow(r);
    },

    /** Primary-key order, so a page is an index range scan. */
    async list(userId, appId, page, idContains) {
      const { limit, offset } = limitOffset(page);
      let qb = db.selectFrom('concepts').selectAll().where('user_id', '=', userId).where('app_id', '=', appId);
      if (idContains) qb = qb.where(sql<boolean>`lower(id) like ${wildcardToLike(`*${idContains}*`)} escape ${LIKE_ESCAPE}`);
      const rows = await qb.orderBy('id', 'asc').limit(limit).offset(offset).execute();
      return rows.map(conceptFromRow);
    },

    async rename(userId, appId, id, name, now) {
      const res = await db
        .updateTable('concepts')
        .set({ name, modified_at: now })
        .where('user_id', '=', userId)
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .executeTakeFirst();
      return count(res.numUpdatedRows) > 0;
    },
  };
}

export function embeddingRepo(ctx: Ctx): EmbeddingRepo {
  const { db, dialect } = ctx;
  return {
    async getMany(inputPks, embedderId) {
      const out = new Map<string, Float32Array>();
      if (inputPks.length === 0) return out;
      const rows = await db
        .selectFrom('input_embeddings')
        .select(['input_pk', 'vector'])
        .where('embedder_id', '=', embedderId)
        .where(inList(dialect, 'input_pk', inputPks))
        .execute();
      for (const r of rows) out.set(r.input_pk, vectorFromBytes(r.vector));
      return out;
    },

    async listFor(inputPk) {
      const rows = await db.selectFrom('input_embeddings').select(['embedder_id', 'dim']).where('input_pk', '=', inputPk).orderBy('embedder_id').execute();
      return rows.map((r) => ({ embedderId: r.embedder_id, dim: r.dim }));
    },
  };
}

/**
 * Bytes per stored part of an artifact (migration 012): small enough for any database value and for
 * one app-archive line, large enough that a 1 GiB model is ~256 rows.
 */
export const ARTIFACT_PART_BYTES = 4 * 1024 * 1024;

/**
 * ArtifactStore over `artifacts` (the first part) and `artifact_parts` (the rest): inside
 * transaction() it writes with the caller's result. Parts are views of the caller's bytes, never copies.
 */
export function artifactRepo(ctx: Ctx): ArtifactStore {
  const { db } = ctx;
  const repo: ArtifactStore = {
    async put(versionPk, bytes) {
      const b = bytesToBuffer(bytes);
      const parts = Math.max(0, Math.ceil(b.length / ARTIFACT_PART_BYTES) - 1);
      const first = b.subarray(0, ARTIFACT_PART_BYTES);
      const now = Date.now(); // bookkeeping only: the port takes no clock
      await db
        .insertInto('artifacts')
        .values({ version_pk: versionPk, bytes: first, created_at: now, parts })
        .onConflict((oc) => oc.column('version_pk').doUpdateSet({ bytes: first, created_at: now, parts }))
        .execute();
      await db.deleteFrom('artifact_parts').where('version_pk', '=', versionPk).execute();
      for (let seq = 1; seq <= parts; seq++) {
        const part = b.subarray(seq * ARTIFACT_PART_BYTES, (seq + 1) * ARTIFACT_PART_BYTES);
        await db.insertInto('artifact_parts').values({ version_pk: versionPk, seq, bytes: part }).execute();
      }
    },

    async get(versionPk) {
      const r = await db.selectFrom('artifacts').select(['bytes', 'parts']).where('version_pk', '=', versionPk).executeTakeFirst();
      if (!r) return undefined;
      if (r.parts === 0) return new Uint8Array(r.bytes);
      // One part at a time into one buffer: never every part and their concatenation at once. Every
      // part but the last is as long as the first, so (parts + 1) × first bounds the whole.
      const out = new Uint8Array(r.bytes.length * (r.parts + 1));
      out.set(r.bytes, 0);
      let total = r.bytes.length;
      for (let seq = 1; seq <= r.parts; seq++) {
        const p = await db.selectFrom('artifact_parts').select('bytes').where('version_pk', '=', versionPk).where('seq', '=', seq).executeTakeFirst();
        if (!p || total + p.bytes.length > out.length) throw new Error(`the artifact of version ${versionPk} is damaged at part ${seq} of ${r.parts}`);
        out.set(p.bytes, total);
        total += p.bytes.length;
      }
      return out.subarray(0, total);
    },

    async head(versionPk, bytes) {
      const n = Math.max(0, Math.floor(bytes));
      const part = ctx.dialect === 'postgres' ? sql<Buffer>`substring(bytes from 1 for ${n})` : sql<Buffer>`substr(bytes, 1, ${n})`;
      const r = await db
        .selectFrom('artifacts')
        .select([part.as('head'), 'parts'])
        .where('version_pk', '=', versionPk)
        .executeTakeFirst();
      if (!r) return undefined;
      // The first part holds a package's header but for a very large one (a big tokenizer.json): then read on.
      if (r.head.length >= n || r.parts === 0) return new Uint8Array(r.head);
      return (await repo.get(versionPk))?.subarray(0, n);
    },
  };
  return repo;
}
