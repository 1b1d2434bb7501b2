/**
 * Trained artifacts (classifier weights, cluster centres, …), one per model version. Kept in the
 * database so every API process and worker can read them without a shared file system.
 */
export interface ArtifactStore {
  put(versionPk: string, bytes: Uint8Array): Promise<void>;
  get(versionPk: string): Promise<Uint8Array | undefined>;
  /** The first `bytes` bytes (all of them when shorter), read without loading the rest: an uploaded package's config. */
  head(versionPk: string, bytes: number): Promise<Uint8Array | undefined>;
}

/** What GetModelVersionExport shows of a stored export, without its bytes. */
export interface ExportInfo {
  size: number;
  createdAt: number;
}

/** Exported packages (decision 0041), one per trained version, in the database like its artifact. */
export interface ExportStore {
  put(versionPk: string, bytes: Uint8Array, createdAt: number): Promise<void>;
  info(versionPk: string): Promise<ExportInfo | undefined>;
  get(versionPk: string): Promise<Uint8Array | undefined>;
}
