import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openSqliteDatabase } from './sqlite.js';

/** A backup or restore that cannot be done; the message says why and what to do. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** The migrations table every modelkeep database has (Kysely's). */
const isModelkeepDatabase = (db: Database.Database): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'").get() !== undefined;

function checkIntegrity(file: string): void {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const result = db.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new BackupError(`${file} failed SQLite's integrity check (${String(result)}).`);
    if (!isModelkeepDatabase(db)) throw new BackupError(`${file} is an SQLite database but not a modelkeep one (no migrations table).`);
  } finally {
    db.close();
  }
}

/**
 * `modelkeep backup`: SQLite's online backup API copies a consistent snapshot while a server keeps
 * serving (and writing) — pages changed during the copy are copied again. The copy is then
 * integrity-checked. Refuses to overwrite an existing file.
 */
export async function backupSqlite(file: string, out: string, progress: (pct: number) => void = () => undefined): Promise<{ bytes: number }> {
  if (!existsSync(file)) throw new BackupError(`there is no database at ${file}; check --data-dir / MODELKEEP_DATABASE_URL.`);
  if (existsSync(out)) throw new BackupError(`${out} already exists; choose a new file name (a backup never overwrites one).`);
  const db = openSqliteDatabase(file);
  try {
    if (!isModelkeepDatabase(db)) throw new BackupError(`${file} is not a modelkeep database.`);
    await db.backup(out, {
      progress: ({ totalPages, remainingPages }) => (progress(totalPages ? Math.round((100 * (totalPages - remainingPages)) / totalPages) : 100), 256),
    });
  } finally {
    db.close();
  }
  checkIntegrity(out);
  return { bytes: statSync(out).size };
}

/**
 * `modelkeep restore`: replaces the database file with a checked backup. The server must be stopped:
 * a clean stop removes the `-wal` / `-shm` files, so their presence means a process still has the
 * database open (or stopped uncleanly: start and stop it once to fold the WAL in). The replaced
 * database is kept beside it as `<file>.before-restore-<time>`.
 */
export function restoreSqlite(backup: string, file: string, now = Date.now()): { keptAs: string | undefined } {
  if (!existsSync(backup)) throw new BackupError(`there is no backup at ${backup}.`);
  checkIntegrity(backup);
  if (existsSync(`${file}-wal`) || existsSync(`${file}-shm`)) {
    throw new BackupError(
      `${file} is in use (its -wal / -shm files exist): stop the server and every worker using it first. After an unclean stop, start and stop the server once.`,
    );
  }
  let keptAs: string | undefined;
  if (existsSync(file)) {
    keptAs = `${file}.before-restore-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
    renameSync(file, keptAs);
  }
  // Copied through SQLite (not the filesystem) so the restored file is a clean, checkpointed database.
  const src = new Database(backup, { readonly: true, fileMustExist: true });
  try {
    src.exec(`VACUUM INTO '${file.replace(/'/g, "''")}'`);
  } catch (e) {
    rmSync(file, { force: true });
    if (keptAs) renameSync(keptAs, file);
    throw e;
  } finally {
    src.close();
  }
  return { keptAs };
}
