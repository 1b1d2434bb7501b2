// What `modelkeep` needs of export / import for every command (parsing their flags, the usage text),
// apart from the archive code itself (zlib streams, the app-archive format), which main.ts loads only
// for those two commands.

/** Flags of `modelkeep export` / `import` (not settings: they are taken out before the config is read). */
export const ARCHIVE_FLAGS = ['app', 'out', 'in', 'as'] as const;
export type ArchiveFlags = Partial<Record<(typeof ARCHIVE_FLAGS)[number], string>>;

export const ARCHIVE_USAGE = `  modelkeep export --app <user>/<app> --out <file>        write a whole app (models, versions with their
                                                         trained artifacts, concepts, inputs, datasets) to a
                                                         gzipped JSON Lines file
  modelkeep import --in <file> [--as <user>/<app>]        create the app from such a file (same ids and statuses)`;
