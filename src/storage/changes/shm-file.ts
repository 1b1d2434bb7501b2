import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';

/**
 * A SQLite database's wal-index (its `-shm` file, https://sqlite.org/walformat.html), read with one
 * pread of its first bytes: how the change watch sees commits and the background checkpoints see the
 * WAL's size, without a read transaction. Opened on first read; unreadable (no WAL yet, closed) is false.
 */
export class ShmFile {
  readonly #path: string;
  #fd: number | undefined;

  constructor(databaseFile: string) {
    this.#path = `${path.resolve(databaseFile)}-shm`;
  }

  /** Fills `buf` from the start of the file; false when the file cannot be read whole that far. */
  read(buf: Buffer): boolean {
    try {
      this.#fd ??= openSync(this.#path, 'r');
      return readSync(this.#fd, buf, 0, buf.length, 0) === buf.length;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
