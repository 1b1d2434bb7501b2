// `modelkeep export` / `import`: the archive format (format.ts), writing one (export.ts), reading one (import.ts).
export { ARCHIVE_FORMAT, ARCHIVE_TABLES, ARCHIVE_VERSION, ArchiveError, NOT_ARCHIVED, type ArchiveFooter, type ArchiveHeader } from './app-archive/format.js';
export { exportApp } from './app-archive/export.js';
export { importApp, type ImportResult, type ImportTarget } from './app-archive/import.js';
