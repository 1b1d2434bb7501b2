import { type ColumnDefinitionBuilder, PostgresAdapter, sql } from 'kysely';
import type { UntypedDb } from '../sql/untyped-db.js';

export type Col = (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;

/**
 * Column modifiers every migration uses. PostgreSQL text compares by locale by default; "C" gives
 * the byte order SQLite's BINARY uses, so ORDER BY name / id pages identically on both backends.
 */
export function columnHelpers(db: UntypedDb): { pg: boolean; text: Col; textNull: Col; req: Col } {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  return {
    pg,
    text: pg ? (c) => c.modifyFront(sql`collate "C"`).notNull() : (c) => c.notNull(),
    textNull: pg ? (c) => c.modifyFront(sql`collate "C"`) : (c) => c,
    req: (c) => c.notNull(),
  };
}
