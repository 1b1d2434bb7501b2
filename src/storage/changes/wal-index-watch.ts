import { ShmFile } from './shm-file.js';

/** WalIndexHdr is 48 bytes and sits twice at the start of the -shm file (https://sqlite.org/walformat.html). */
const HEADER_BYTES = 96;

/**
 * Tells whether any connection — another process's included — committed to a SQLite database in WAL
 * mode since the last look, for one pread of its wal-index header instead of a read transaction
 * (`PRAGMA data_version`: two fcntl locks and an fstat, ~2× the cost; a fifth of a cached GetModel).
 * Every commit rewrites that header (its change counter and frame count) before it returns, writing
 * copy 1, a barrier, then copy 0; two equal copies are a consistent read. Checkpoints and WAL resets
 * change it too, which only costs a needless reload. `version()` is undefined when the file cannot
 * be read (callers then ask SQLite itself).
 */
export class WalIndexWatch {
  readonly #shm: ShmFile;
  readonly #buf = Buffer.alloc(HEADER_BYTES);
  readonly #last = Buffer.alloc(HEADER_BYTES);
  #version = 0;

  constructor(databaseFile: string) {
    this.#shm = new ShmFile(databaseFile);
  }

  version(): number | undefined {
    if (!this.#shm.read(this.#buf)) return undefined;
    const torn = this.#buf.compare(this.#buf, 0, 48, 48, 96) !== 0;
    if (torn || !this.#buf.equals(this.#last)) {
      // A torn read is a commit in progress: count it, and look again next time.
      this.#buf.copy(this.#last);
      this.#version++;
    }
    return this.#version;
  }

  close(): void {
    this.#shm.close();
  }
}
