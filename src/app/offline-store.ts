/**
 * What the command line does to a database without a server (export / import, backup / restore, migrate):
 * the CLI reaches storage only through this module, so the composition root stays the one place that
 * knows which adapters exist (issue 12 item 3: cli imports app only).
 */
export { ArchiveError, archivableApps, exportApp, importApp } from '../storage/app-archive.js';
export { migrate, openKyselyStore, sqliteFile } from '../storage/open-store.js';
export { BackupError, backupSqlite, restoreSqlite } from '../storage/sqlite-backup.js';
