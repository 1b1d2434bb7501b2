import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { ShmFile } from './changes/shm-file.js';

/** SQLite's own default for wal_autocheckpoint: WAL frames (pages) not yet in the database file. */
export const CHECKPOINT_FRAMES = 1000;
/** How often the WAL is looked at (one 136-byte read of the -shm file). */
export const CHECKPOINT_INTERVAL_MS = 250;

/**
 * The checkpointing thread: its own connection to the file, one PASSIVE checkpoint per message (a
 * PASSIVE checkpoint waits for no lock and blocks no reader or writer; it copies what it can of the WAL
 * into the database file and syncs both). Source text rather than a module file so that the same code
 * runs from dist and from the TypeScript sources in tests; the driver comes by absolute path.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('wal_autocheckpoint = 0');
db.pragma('busy_timeout = 100');
parentPort.on('message', (msg) => {
  if (msg === 'close') { db.close(); parentPort.close(); return; }
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, ...r });
  } catch (err) {
    // SQLITE_BUSY: another process is checkpointing this file right now; a later tick tries again.
    parentPort.postMessage({ ok: false, error: String(err) });
  }
});
`;

/** mxFrame (u32 at byte 16 of the wal-index header) and nBackfill (u32 at byte 96), https://sqlite.org/walformat.html. */
const SHM_BYTES = 100;

/**
 * Checkpoints on a thread of their own instead of inside a request's COMMIT. SQLite checkpoints
 * automatically in the COMMIT that takes the WAL past wal_autocheckpoint pages, on the committing
 * connection; better-sqlite3 is synchronous, so that copy of the WAL into the database file (and its
 * two fsyncs) held the event loop: ~45 of the ~60 ms COMMIT of a PostInputs at the caps (~1,200 WAL
 * pages each, so every such COMMIT checkpointed), measured at load 8. Here the connection's automatic
 * checkpoint is off and, once the WAL holds CHECKPOINT_FRAMES frames not yet copied, a worker thread with
 * its own connection runs a PASSIVE checkpoint (which waits for no lock and blocks no reader or writer).
 * Durability is unchanged: a commit is durable once it is in the WAL, before any checkpoint. The worker
 * starts on first need (small databases and tests never start it). If it fails, the connection's
 * automatic checkpoint is turned back on, so the WAL stays bounded either way.
 */
export class BackgroundCheckpoints {
  readonly #raw: Database.Database;
  readonly #file: string;
  readonly #shm: ShmFile;
  readonly #buf = Buffer.alloc(SHM_BYTES);
  readonly #timer: NodeJS.Timeout;
  #worker: Worker | undefined;
  #inFlight = false;
  #failed = false;

  constructor(raw: Database.Database, file: string, intervalMs = CHECKPOINT_INTERVAL_MS) {
    this.#raw = raw;
    this.#file = path.resolve(file);
    this.#shm = new ShmFile(this.#file);
    raw.pragma('wal_autocheckpoint = 0');
    this.#timer = setInterval(() => this.#tick(), intervalMs);
    this.#timer.unref();
  }

  /** Whether the checkpointing thread has been started. */
  get threadStarted(): boolean {
    return this.#worker !== undefined;
  }

  /** WAL frames not yet copied into the database file, from the wal-index; undefined if unreadable. */
  pendingFrames(): number | undefined {
    if (!this.#shm.read(this.#buf)) return undefined;
    // The wal-index is in the machine's byte order; a torn read only makes one tick early or late.
    const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    const mx = le ? this.#buf.readUInt32LE(16) : this.#buf.readUInt32BE(16);
    const backfilled = le ? this.#buf.readUInt32LE(96) : this.#buf.readUInt32BE(96);
    return Math.max(0, mx - backfilled);
  }

  #tick(): void {
    if (this.#inFlight || this.#failed) return;
    const pending = this.pendingFrames();
    if (pending === undefined || pending < CHECKPOINT_FRAMES) return;
    this.#inFlight = true;
    this.#ensureWorker().postMessage('checkpoint');
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.#file, driver } });
    worker.unref();
    worker.on('message', () => {
      this.#inFlight = false;
    });
    worker.on('error', () => this.#fallBack());
    worker.on('exit', () => {
      if (this.#worker === worker) this.#fallBack();
    });
    this.#worker = worker;
    return worker;
  }

  /** The thread is gone: let SQLite checkpoint in COMMIT again, as it does by default. */
  #fallBack(): void {
    this.#failed = true;
    this.#worker = undefined;
    try {
      this.#raw.pragma(`wal_autocheckpoint = ${CHECKPOINT_FRAMES}`);
    } catch {
      // the connection is closed already
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#shm.close();
    const worker = this.#worker;
    this.#worker = undefined;
    if (!worker) return;
    // Let a checkpoint under way finish and the worker close its connection; terminate if it hangs.
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('close');
    const timer = setTimeout(() => void worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }
}
