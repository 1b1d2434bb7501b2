// `modelkeep export` / `import`: the archive format (format.ts), writing one (export.ts), reading one (import.ts).

export { archivableApps, exportApp } from './app-archive/export.js';
export { ARCHIVE_FORMAT, ARCHIVE_TABLES, ARCHIVE_VERSION, ArchiveError, type ArchiveFooter, type ArchiveHeader, NOT_ARCHIVED } from './app-archive/format.js';
export { type ImportResult, type ImportTarget, importApp } from './app-archive/import.js';
