import { type RawBuilder, sql } from 'kysely';
import { SYSTEM_APP_ID, SYSTEM_USER_ID } from '../../domain/system-app.js';
import type { KyselyStore } from '../kysely-store.js';
import { migrations } from '../migrations/index.js';
import type { UntypedDb } from '../sql/untyped-db.js';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_TABLES,
  ARCHIVE_VERSION,
  ArchiveError,
  type ArchiveFooter,
  type ArchiveHeader,
  encodeValue,
  type Row,
  type TableSpec,
} from './format.js';

function scopeOf(spec: TableSpec, userId: string, appId: string): { from: RawBuilder<unknown>; where: RawBuilder<unknown> } {
  const t = sql.table(spec.name);
  if (spec.via) {
    const p = sql.table(spec.via.parent);
    return {
      from: sql`${t} as t join ${p} as p on p.${sql.ref(spec.via.parentKey)} = t.${sql.ref(spec.via.column)}`,
      where: sql`p.user_id = ${userId} and p.app_id = ${appId}`,
    };
  }
  const appCol = spec.name === 'apps' ? 'id' : 'app_id';
  return { from: sql`${t} as t`, where: sql`t.user_id = ${userId} and t.${sql.ref(appCol)} = ${appId}` };
}

/**
 * Writes the app as archive lines to `sink` (one JSON document per call, no newline). Reads in one
 * read-only snapshot (PostgreSQL REPEATABLE READ; SQLite a deferred read transaction, which in WAL
 * mode does not block writers), paging each table by its primary key so memory stays flat.
 * Throws ArchiveError when the app does not exist.
 */
export async function exportApp(
  store: KyselyStore,
  userId: string,
  appId: string,
  sink: (line: string) => Promise<void>,
  now = Date.now(),
): Promise<ArchiveFooter> {
  const db = store.db as unknown as UntypedDb;
  return db.connection().execute(async (conn) => {
    await sql.raw(store.dialect === 'postgres' ? 'begin isolation level repeatable read read only' : 'begin').execute(conn);
    try {
      const app = await sql`select id from apps where user_id = ${userId} and id = ${appId}`.execute(conn);
      if (app.rows.length === 0) throw new ArchiveError(`app ${userId}/${appId} does not exist`);
      const header: ArchiveHeader = {
        format: ARCHIVE_FORMAT,
        version: ARCHIVE_VERSION,
        app: { user_id: userId, app_id: appId },
        exported_at: new Date(now).toISOString(),
        migrations: Object.keys(migrations),
        tables: ARCHIVE_TABLES.map((s) => s.name),
      };
      await sink(JSON.stringify(header));
      const counts: Record<string, number> = {};
      for (const spec of ARCHIVE_TABLES) {
        counts[spec.name] = 0;
        const { from, where } = scopeOf(spec, userId, appId);
        const keyCols = sql.join(spec.key.map((k) => sql`t.${sql.ref(k)}`));
        let after: unknown[] | undefined;
        for (;;) {
          const page = sql`select t.* from ${from} where ${where}${after ? sql` and (${keyCols}) > (${sql.join(after)})` : sql``} order by ${keyCols} limit ${sql.lit(spec.page ?? 500)}`;
          const { rows } = await page.execute(conn);
          for (const r of rows as Row[]) {
            const out: Row = {};
            for (const [k, v] of Object.entries(r)) out[k] = encodeValue(v);
            await sink(JSON.stringify({ table: spec.name, row: out }));
          }
          counts[spec.name] = (counts[spec.name] ?? 0) + rows.length;
          if (rows.length < (spec.page ?? 500)) break;
          const last = rows[rows.length - 1] as Row;
          after = spec.key.map((k) => last[k]);
        }
      }
      const footer: ArchiveFooter = { end: true, rows: counts };
      await sink(JSON.stringify(footer));
      return footer;
    } finally {
      await sql`rollback`.execute(conn);
    }
  });
}

/**
 * Every app `modelkeep export --all` writes, by user then app id: all but the system app clarifai/main,
 * which every instance creates for itself (importing it would collide with the new instance's own).
 */
export async function archivableApps(store: KyselyStore): Promise<{ userId: string; appId: string }[]> {
  const db = store.db as unknown as UntypedDb;
  const { rows } = await sql<{ user_id: string; id: string }>`select user_id, id from apps order by user_id, id`.execute(db);
  return rows.filter((r) => !(r.user_id === SYSTEM_USER_ID && r.id === SYSTEM_APP_ID)).map((r) => ({ userId: r.user_id, appId: r.id }));
}
