/** Flags of `modelkeep export` / `import` / `backup` / `restore` (not settings: parsed by their commands). */
export type ArchiveFlags = Partial<Record<'app' | 'out' | 'in' | 'as', string>> & { all?: boolean };
