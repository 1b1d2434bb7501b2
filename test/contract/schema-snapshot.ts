import Database from 'better-sqlite3';
import pg from 'pg';

/** Tables -> sorted column / index / foreign-key descriptions, in a form both dialects can produce. */
export type SchemaSnapshot = Record<string, { columns: string[]; indexes: string[]; foreignKeys: string[] }>;

const INTERNAL = /^(kysely_|sqlite_)/;

export function snapshotSqlite(file: string): SchemaSnapshot {
  const db = new Database(file, { readonly: true });
  try {
    const out: SchemaSnapshot = {};
    const tables = db.prepare(`select name from sqlite_master where type = 'table'`).all() as { name: string }[];
    for (const { name } of tables.filter((t) => !INTERNAL.test(t.name))) {
      const cols = db.prepare(`select name, type, "notnull" as nn from pragma_table_info(?)`).all(name) as { name: string; type: string; nn: number }[];
      const idx = db.prepare(`select name, "unique" as u, origin from pragma_index_list(?)`).all(name) as { name: string; u: number; origin: string }[];
      const fks = db
        .prepare(`select id, "table" as ref, "from" as col, "to" as refcol, on_delete from pragma_foreign_key_list(?) order by id, seq`)
        .all(name) as {
        id: number;
        ref: string;
        col: string;
        refcol: string;
        on_delete: string;
      }[];
      const grouped = new Map<number, typeof fks>();
      for (const f of fks) grouped.set(f.id, [...(grouped.get(f.id) ?? []), f]);
      out[name] = {
        columns: cols.map((c) => `${c.name} ${c.type.toLowerCase()}${c.nn ? ' not null' : ''}`).sort(),
        indexes: idx
          .map((i) => {
            const on = (db.prepare(`select name from pragma_index_info(?) order by seqno`).all(i.name) as { name: string }[]).map((c) => c.name);
            const kind = i.origin === 'pk' ? 'primary' : i.u ? 'unique' : 'index';
            return `${kind} (${on.join(', ')})`;
          })
          .sort(),
        foreignKeys: [...grouped.values()]
          .map((g) => `(${g.map((f) => f.col).join(', ')}) -> ${g[0]!.ref}(${g.map((f) => f.refcol).join(', ')}) on delete ${g[0]!.on_delete.toLowerCase()}`)
          .sort(),
      };
    }
    return out;
  } finally {
    db.close();
  }
}

const PG_DELETE: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

export async function snapshotPostgres(connectionString: string, schema: string): Promise<SchemaSnapshot> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const out: SchemaSnapshot = {};
    const q = async <R extends pg.QueryResultRow>(text: string, values: unknown[]) => (await client.query<R>(text, values)).rows;
    const tables = await q<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = $1`, [schema]);
    for (const { name } of tables.filter((t) => !INTERNAL.test(t.name))) {
      const cols = await q<{ name: string; type: string; nullable: string }>(
        `select column_name as name, data_type as type, is_nullable as nullable from information_schema.columns where table_schema = $1 and table_name = $2`,
        [schema, name],
      );
      const idx = await q<{ cols: string[]; uniq: boolean; pk: boolean }>(
        `select array(select a.attname from unnest(i.indkey) with ordinality k(n, ord) join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.n order by k.ord)::text[] as cols,
                i.indisunique as uniq, i.indisprimary as pk
         from pg_index i where i.indrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass`,
        [schema, name],
      );
      const fks = await q<{ cols: string[]; ref: string; refcols: string[]; del: string }>(
        `select array(select a.attname from unnest(c.conkey) with ordinality k(n, ord) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.ord)::text[] as cols,
                cr.relname as ref,
                array(select a.attname from unnest(c.confkey) with ordinality k(n, ord) join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.ord)::text[] as refcols,
                c.confdeltype as del
         from pg_constraint c join pg_class cr on cr.oid = c.confrelid
         where c.contype = 'f' and c.conrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass`,
        [schema, name],
      );
      out[name] = {
        columns: cols.map((c) => `${c.name} ${c.type}${c.nullable === 'NO' ? ' not null' : ''}`).sort(),
        indexes: idx.map((i) => `${i.pk ? 'primary' : i.uniq ? 'unique' : 'index'} (${i.cols.join(', ')})`).sort(),
        foreignKeys: fks.map((f) => `(${f.cols.join(', ')}) -> ${f.ref}(${f.refcols.join(', ')}) on delete ${PG_DELETE[f.del] ?? f.del}`).sort(),
      };
    }
    return out;
  } finally {
    await client.end();
  }
}
