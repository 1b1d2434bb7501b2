import { BackupError, backupSqlite, restoreSqlite, sqliteFile } from '../app/offline-store.js';
import type { Config } from '../config/config.js';
import type { ArchiveFlags } from './archive-flags.js';

export { BackupError };

const PG_GUIDANCE =
  'On PostgreSQL use its own tools: `pg_dump --format=custom --file=modelkeep.dump "$MODELKEEP_DATABASE_URL"` while the servers run (a consistent snapshot), and `pg_restore --clean --dbname=… modelkeep.dump` with them stopped; `modelkeep export --app <user>/<app>` writes one app to a portable archive.';

/** `modelkeep backup --out <file>`: a consistent copy of the SQLite database, safe while the server runs. */
export async function backupCommand(cfg: Config, flags: ArchiveFlags, write: (text: string) => void): Promise<void> {
  if (!cfg.databaseUrl.startsWith('sqlite:')) throw new BackupError(`backup copies SQLite databases. ${PG_GUIDANCE}`);
  if (!flags.out) throw new BackupError('give the file to write: modelkeep backup --out <file>');
  const file = sqliteFile(cfg.databaseUrl);
  let shown = -1;
  const { bytes } = await backupSqlite(file, flags.out, (pct) => {
    if (pct >= shown + 25 || pct === 100) write(`  ${(shown = pct)}%\n`);
  });
  write(`backed up ${file} to ${flags.out} (${bytes} bytes, integrity ok)\n`);
}

/** `modelkeep restore --in <file>`: puts a backup in place of the database (servers stopped). */
export async function restoreCommand(cfg: Config, flags: ArchiveFlags, write: (text: string) => void): Promise<void> {
  if (!cfg.databaseUrl.startsWith('sqlite:')) throw new BackupError(`restore replaces SQLite databases. ${PG_GUIDANCE}`);
  if (!flags.in) throw new BackupError('give the backup to restore: modelkeep restore --in <file>');
  const file = sqliteFile(cfg.databaseUrl);
  const { keptAs } = restoreSqlite(flags.in, file);
  write(`restored ${flags.in} to ${file}${keptAs ? `; the database it replaced is kept as ${keptAs}` : ''}\n`);
}
